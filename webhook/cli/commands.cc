#include "webhook/cli/commands.h"

namespace rayguard::cli {

std::vector<std::pair<int, AddCommandFn>>& CommandRegistry() {
  static std::vector<std::pair<int, AddCommandFn>> registry;
  return registry;
}

}  // namespace rayguard::cli
