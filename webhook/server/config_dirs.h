#ifndef RAYGUARD_SERVER_CONFIG_DIRS_H_
#define RAYGUARD_SERVER_CONFIG_DIRS_H_

#include <set>
#include <string>
#include <vector>

#include "webhook/core/status.h"

namespace rayguard::server {

// One directory (or file) the validator is built from, with the flag that
// named it, for messages: {"--policies", "/etc/rayguard/policies"}.
struct ConfigDir {
  std::string flag;
  std::string path;
};

// Guards against building a validator from configuration that has gone: a
// loader reads a missing directory as "no policies", which would silently
// open the webhook. Not thread-safe: the validator store calls it from its
// one thread, before each build.
class ConfigDirs {
 public:
  explicit ConfigDirs(std::vector<ConfigDir> dirs);

  // Returns FailedPrecondition naming the flag and path when one is
  // missing, unreadable, or now empty after it held files at an earlier
  // check (a volume unmounted, a ConfigMap swapped badly). A directory empty
  // from the first check on is allowed; its path is appended to *empty so
  // that the caller can warn. REQUIRES: empty != nullptr
  Status Check(std::vector<std::string>* empty);

 private:
  const std::vector<ConfigDir> dirs_;
  std::set<std::string> had_files_;  // paths seen with files in them
};

}  // namespace rayguard::server

#endif  // RAYGUARD_SERVER_CONFIG_DIRS_H_
