#ifndef RAYGUARD_TESTS_DEPLOY_DEPLOY_TESTING_H_
#define RAYGUARD_TESTS_DEPLOY_DEPLOY_TESTING_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

// Helpers for the deployment tests: running the repository's scripts and
// kubectl, and finding objects in what `kubectl kustomize` prints.
namespace rayguard::testing {

struct CommandOutput {
  int exit_code = -1;  // -1 when the command could not be run or was killed
  std::string output;  // stdout and stderr, interleaved
};

// Runs `command` with /bin/sh, capturing stdout and stderr.
CommandOutput RunCommand(const std::string& command);

// Quotes `arg` for /bin/sh.
std::string ShellQuote(const std::string& arg);

// The absolute path of `program` on $PATH, or "" when it is not installed.
std::string FindProgram(const std::string& program);

// A fresh directory under $TMPDIR, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Every object `kubectl kustomize dir` prints. Fails the current test (and
// returns what it has) when kubectl fails or prints no objects.
std::vector<nlohmann::json> Kustomize(const std::string& dir);

// The object of `kind` named `name` (any name when empty) in `objects`, or
// null when there is none.
nlohmann::json FindObject(const std::vector<nlohmann::json>& objects,
                          const std::string& kind,
                          const std::string& name = "");

}  // namespace rayguard::testing

#endif  // RAYGUARD_TESTS_DEPLOY_DEPLOY_TESTING_H_
