#ifndef RAYGUARD_CLI_COMMANDS_H_
#define RAYGUARD_CLI_COMMANDS_H_

#include <functional>
#include <vector>

#include <CLI/CLI.hpp>

namespace rayguard::cli {

// Adds one CLI11 subcommand to `app`. Its callback runs the verb and stores
// the process exit code in *exit_code (DESIGN.md: 0, 1 or 2).
using AddCommandFn = void (*)(CLI::App& app, int* exit_code);

// Every verb, in the order `--help` lists them.
std::vector<std::pair<int, AddCommandFn>>& CommandRegistry();

// Each *_command.cc registers its verb with one static instance:
//   static const CommandRegistration kServe(10, AddServeCommand);
struct CommandRegistration {
  CommandRegistration(int order, AddCommandFn fn) {
    CommandRegistry().emplace_back(order, fn);
  }
};

}  // namespace rayguard::cli

#endif  // RAYGUARD_CLI_COMMANDS_H_
