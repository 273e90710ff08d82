#ifndef RAYGUARD_CLI_COMMANDS_H_
#define RAYGUARD_CLI_COMMANDS_H_

#include <CLI/CLI.hpp>

namespace rayguard::cli {

// Each verb adds one CLI11 subcommand to `app`. Its callback runs the verb
// and stores the process exit code in *exit_code (DESIGN.md: 0, 1 or 2).
void AddVersionCommand(CLI::App& app, int* exit_code);

}  // namespace rayguard::cli

#endif  // RAYGUARD_CLI_COMMANDS_H_
