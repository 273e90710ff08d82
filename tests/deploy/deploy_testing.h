#ifndef RAYGUARD_TESTS_DEPLOY_DEPLOY_TESTING_H_
#define RAYGUARD_TESTS_DEPLOY_DEPLOY_TESTING_H_

#include <sys/types.h>

#include <chrono>
#include <map>
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

// Fills `dir` the way the kubelet writes a Secret or ConfigMap volume
// (its atomic writer): the files in a hidden `..<timestamp>` folder, a
// `..data` link to it, and one visible link per top-level name
// (`params -> ..data/params`). `files` maps each volume path (may hold
// '/') to the file whose content it gets. Called again on the same `dir`,
// it updates the volume as the kubelet does: a new hidden folder, `..data`
// swapped to it in one rename, the old folder removed. Fails the test on
// error.
void WriteKubeletVolume(const std::map<std::string, std::string>& files,
                        const std::string& dir);

// A `rayguard serve` (or any command that execs it) running in the
// background with its log captured. Stopped with SIGTERM on destruction.
class ServerProcess {
 public:
  // Starts argv[0] (a path) with `argv`; stdout and stderr go to log().
  explicit ServerProcess(const std::vector<std::string>& argv);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // The port from the server's JSON "listening" log line, or -1 when the
  // process exits or `timeout` passes first (log() says why).
  int WaitForPort(std::chrono::seconds timeout);
  // SIGTERM, then waits; returns the exit code (-1 if killed by a signal).
  int Stop();
  const std::string& log() const { return log_; }

 private:
  // Appends whatever the process wrote within `wait` to log_; false at EOF.
  bool ReadSome(std::chrono::milliseconds wait);

  pid_t pid_ = -1;
  int fd_ = -1;
  std::string log_;
  std::size_t scanned_ = 0;
};

struct HttpReply {
  int status = 0;  // 0 when no HTTP reply came (see error)
  std::string body;
  std::string error;  // curl's message
};

// An HTTPS request with curl, trusting only `ca_file` and checking the
// certificate against `host`, which is resolved to 127.0.0.1:`port` (as
// `curl --resolve`). POSTs `json_body` when it is not empty.
HttpReply HttpsRequest(const std::string& host, int port,
                       const std::string& path, const std::string& ca_file,
                       const std::string& json_body = "");

// An admission.k8s.io/v1 AdmissionReview asking to CREATE `object`.
nlohmann::json CreateReview(const nlohmann::json& object,
                            const std::string& uid);

}  // namespace rayguard::testing

#endif  // RAYGUARD_TESTS_DEPLOY_DEPLOY_TESTING_H_
