#include "webhook/policy/file_list.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace rayguard::policy {
namespace {

bool IsYaml(const std::filesystem::path& p) {
  std::string ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

}  // namespace

Result<std::vector<std::string>> ListYamlFiles(
    const std::string& path, const std::set<std::string>& skip_dirs) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) return std::vector<std::string>{path};
  if (!fs::exists(path, ec)) return std::vector<std::string>{};
  if (!fs::is_directory(path, ec)) {
    return Status::NotFound(path + ": not a file or directory");
  }
  std::vector<std::string> files;
  fs::recursive_directory_iterator it(path, ec), end;
  if (ec) return Status::NotFound(path + ": " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) return Status::NotFound(path + ": " + ec.message());
    // A mounted ConfigMap keeps its real files under `..<timestamp>/` (and
    // `..data`) and shows them through links at the top: read only those,
    // or each policy would load twice and params/ as policies.
    if (it->path().filename().string().rfind("..", 0) == 0) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (it->is_directory() && it.depth() == 0 &&
        skip_dirs.count(it->path().filename().string()) > 0) {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file() && IsYaml(it->path())) {
      files.push_back(it->path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace rayguard::policy
