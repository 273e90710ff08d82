#include "webhook/cli/commands.h"

#include <filesystem>

namespace rayguard::cli {

std::vector<std::pair<int, AddCommandFn>>& CommandRegistry() {
  static std::vector<std::pair<int, AddCommandFn>> registry;
  return registry;
}

// The bundled `name` folder (schemas/, policies/): beside or above the
// binary (installed layout and build tree), else in the working directory.
std::string FindBundled(const std::string& name) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path dir = fs::read_symlink("/proc/self/exe", ec).parent_path();
  for (int up = 0; !ec && up < 5 && !dir.empty(); ++up) {
    for (const fs::path& candidate :
         {dir / name, dir / "share/rayguard" / name}) {
      if (fs::is_directory(candidate, ec)) return candidate.string();
    }
    if (dir == dir.parent_path()) break;
    dir = dir.parent_path();
  }
  return fs::is_directory(name, ec) ? name : "";
}

}  // namespace rayguard::cli
