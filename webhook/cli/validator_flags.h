#ifndef RAYGUARD_CLI_VALIDATOR_FLAGS_H_
#define RAYGUARD_CLI_VALIDATOR_FLAGS_H_

#include <map>
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
  // Empty: none. Organisational policies apply only when named; the
  // bundled policies/ is a library to opt into, not a default.
  std::vector<std::string> policies;
  std::string params;
  std::string feature_gates;  // "Name=true,Other=false"
  // Unknown fields are errors. The verb sets its own default before
  // AddValidatorFlags: `check` is strict as `kubectl apply` is, `serve` is
  // not (the API server prunes or rejects unknown fields first).
  bool strict = false;
  bool skip_invalid_policies = false;
  std::map<std::string, std::string> rule_overrides;  // from a config file
};

// Adds --schemas, --policies (repeatable), --params, --feature-gates,
// --strict[=false] and --skip-invalid-policies to `cmd`, writing into
// *flags; flags->strict holds the default when --strict is not given.
// REQUIRES: cmd and flags outlive the parse.
void AddValidatorFlags(CLI::App* cmd, ValidatorFlags* flags);

// The bundled `name` folder ("schemas" or "policies"): beside or above the
// binary, or in share/rayguard/ there (the build tree, an installed prefix,
// the container image), else `name` in the working directory if it exists.
// Empty when none is found.
std::string FindBundled(std::string_view name);

// Replaces an empty schemas dir with the bundled schemas/. Policies have no
// default: none named, none loaded.
void UseBundledSchemas(std::string* schemas_dir);

// ValidatorOptions from the flags, the bundled schemas/ if none was given.
// Returns InvalidArgument (a usage error) for malformed --feature-gates.
Result<ValidatorOptions> BuildValidatorOptions(const ValidatorFlags& flags);

// Parses --feature-gates ("" gives no gates).
Result<std::map<std::string, bool>> ParseFeatureGateFlag(
    const std::string& text);

}  // namespace rayguard::cli

#endif  // RAYGUARD_CLI_VALIDATOR_FLAGS_H_
