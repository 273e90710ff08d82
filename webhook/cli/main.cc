// rayguard: admission webhook and offline validator for KubeRay resources.
#include <algorithm>
#include <exception>
#include <iostream>

#include "webhook/cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"rayguard: admission checks for KubeRay RayCluster, RayJob and "
               "RayService objects"};
  app.require_subcommand(1);
  int exit_code = 0;
  auto& registry = rayguard::cli::CommandRegistry();
  std::sort(registry.begin(), registry.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [order, add] : registry) add(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Usage errors are exit code 2 (DESIGN.md); --help is success.
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  } catch (const std::exception& e) {
    std::cerr << "rayguard: " << e.what() << "\n";
    return 2;
  }
  return exit_code;
}
