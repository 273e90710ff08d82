#ifndef RAYGUARD_CLI_VALIDATOR_FLAGS_H_
#define RAYGUARD_CLI_VALIDATOR_FLAGS_H_

#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "webhook/core/result.h"
#include "webhook/validator/validator.h"

namespace rayguard::cli {

// The flags that choose what the Validator loads and how it judges, shared
// by `check` and `serve` so both verbs read them the same way.
struct ValidatorFlags {
  std::string schemas;                // empty: the bundled schemas/
  std::vector<std::string> policies;  // empty: the bundled policies/
  std::string params;
  std::string feature_gates;  // "Name=true,Other=false"
  bool strict = false;
  bool skip_invalid_policies = false;
};

// Adds --schemas, --policies (repeatable), --params, --feature-gates,
// --strict and --skip-invalid-policies to `cmd`, writing into *flags.
// REQUIRES: cmd and flags outlive the parse.
void AddValidatorFlags(CLI::App* cmd, ValidatorFlags* flags);

// The bundled `name` folder ("schemas" or "policies"): beside or above the
// binary, or in share/rayguard/ there (the build tree, an installed prefix,
// the container image), else `name` in the working directory if it exists.
// Empty when none is found.
std::string FindBundled(std::string_view name);

// Replaces an empty schemas dir or policy list with the bundled folders.
void UseBundledDefaults(std::string* schemas_dir,
                        std::vector<std::string>* policy_dirs);

// ValidatorOptions from the flags, bundled folders where none was given.
// Returns InvalidArgument (a usage error) for malformed --feature-gates.
Result<ValidatorOptions> BuildValidatorOptions(const ValidatorFlags& flags);

// Parses --feature-gates ("" gives no gates).
Result<std::map<std::string, bool>> ParseFeatureGateFlag(
    const std::string& text);

}  // namespace rayguard::cli

#endif  // RAYGUARD_CLI_VALIDATOR_FLAGS_H_
