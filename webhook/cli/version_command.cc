#include <iostream>

#include <httplib.h>
#include <nlohmann/json.hpp>
#include <openssl/opensslv.h>
#include <re2/re2.h>
#include <spdlog/version.h>
#include <yaml-cpp/yaml.h>

#include "webhook/cli/commands.h"

namespace rayguard::cli {
namespace {

void AddVersionCommand(CLI::App& app, int* exit_code) {
  CLI::App* cmd = app.add_subcommand("version", "Print version, git commit "
                                                "and library versions");
  cmd->callback([exit_code] {
    std::cout << "rayguard " << RAYGUARD_VERSION << " (commit "
              << RAYGUARD_GIT_COMMIT << ")\n"
              << "  cpp-httplib " << CPPHTTPLIB_VERSION << "\n"
              << "  " << OPENSSL_VERSION_TEXT << "\n"
              << "  nlohmann/json " << NLOHMANN_JSON_VERSION_MAJOR << "."
              << NLOHMANN_JSON_VERSION_MINOR << "."
              << NLOHMANN_JSON_VERSION_PATCH << "\n"
              << "  spdlog " << SPDLOG_VER_MAJOR << "." << SPDLOG_VER_MINOR
              << "." << SPDLOG_VER_PATCH << "\n";
    *exit_code = 0;
  });
}

const CommandRegistration kVersion(90, AddVersionCommand);

}  // namespace

}  // namespace rayguard::cli
