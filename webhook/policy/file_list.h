#ifndef RAYGUARD_POLICY_FILE_LIST_H_
#define RAYGUARD_POLICY_FILE_LIST_H_

#include <set>
#include <string>
#include <vector>

#include "webhook/core/result.h"

namespace rayguard::policy {

// The *.yaml, *.yml and *.json files under `path` (itself, if it is a file),
// recursively and sorted so loading is deterministic. Sub-folders of `path`
// whose name is in `skip_dirs` (e.g. "params", "tests") are left out, and
// so are entries named `..*` (the kubelet's hidden copies in a mounted
// ConfigMap, whose visible links are listed instead). A
// missing directory yields no files; NotFound if `path` is neither.
Result<std::vector<std::string>> ListYamlFiles(
    const std::string& path, const std::set<std::string>& skip_dirs);

}  // namespace rayguard::policy

#endif  // RAYGUARD_POLICY_FILE_LIST_H_
