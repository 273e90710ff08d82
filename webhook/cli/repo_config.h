#ifndef RAYGUARD_CLI_REPO_CONFIG_H_
#define RAYGUARD_CLI_REPO_CONFIG_H_

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "webhook/cli/validator_flags.h"
#include "webhook/core/result.h"

namespace rayguard::cli {

// The file a repository (or a monorepo's root) keeps its rayguard settings
// in, so that every `check` and `test` run there applies the same policies.
inline constexpr char kRepoConfigName[] = ".rayguard.yaml";

// What a .rayguard.yaml says. Keys are those of `serve --config` that apply
// offline; paths in it are resolved against the file's own directory.
struct RepoConfig {
  std::string path;  // the file read
  std::optional<std::string> schemas;
  std::optional<std::vector<std::string>> policies;
  std::optional<std::string> params;
  std::optional<std::string> feature_gates;  // "Name=true,Other=false"
  std::optional<bool> strict;
  std::map<std::string, std::string> rules;  // rule id -> "off" or "warn"
};

// --config FILE and --no-config, as `check` and `test` take them.
struct RepoConfigFlags {
  std::string file;
  bool none = false;
};

// Adds --config and --no-config to `cmd`, writing into *flags.
// REQUIRES: cmd and flags outlive the parse.
void AddRepoConfigFlags(CLI::App* cmd, RepoConfigFlags* flags);

// The nearest .rayguard.yaml in `start` or a directory above it. The search
// stops after the repository root (a directory holding .git) or at the
// file system root; a file above the repository belongs to someone else.
// Empty when there is none.
std::string FindRepoConfig(const std::filesystem::path& start);

// Reads the config file at `path`. Returns InvalidArgument starting
// "path:line:column: " for an unknown key, a value of the wrong type, an
// unknown rule id or unreadable YAML.
Result<RepoConfig> LoadRepoConfig(const std::string& path);

// The config the flags ask for: none with --no-config, the --config file,
// else the one FindRepoConfig finds from the working directory.
Result<std::optional<RepoConfig>> ResolveRepoConfig(
    const RepoConfigFlags& flags);

// Fills in *flags from `config` wherever `cmd` was not given the flag
// itself: flags win over the file.
void ApplyRepoConfig(const RepoConfig& config, const CLI::App& cmd,
                     ValidatorFlags* flags);

}  // namespace rayguard::cli

#endif  // RAYGUARD_CLI_REPO_CONFIG_H_
