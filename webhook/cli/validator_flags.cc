#include "webhook/cli/validator_flags.h"

#include <filesystem>
#include <system_error>

#include "webhook/rules/feature_gates.h"

namespace rayguard::cli {

void AddValidatorFlags(CLI::App* cmd, ValidatorFlags* flags) {
  cmd->add_option("--schemas", flags->schemas,
                  "JSON Schema directory (default: the bundled schemas/)");
  // One directory per --policies (repeat the flag for several), so that
  // `check --policies p/ a.yaml b.yaml` checks both files rather than
  // taking them for policy directories.
  cmd->add_option("--policies", flags->policies,
                  "Policy directory; repeatable (default: none; the bundled "
                  "library is policies/)")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("--params", flags->params,
                  "Param objects directory (replaces each policies/params/)");
  cmd->add_option("--feature-gates", flags->feature_gates,
                  "KubeRay feature gates: Name=true,Other=false");
  cmd->add_flag("--strict", flags->strict,
                std::string("Unknown fields are errors; --strict=false makes "
                            "them warnings (default: ") +
                    (flags->strict ? "true" : "false") + ")");
  cmd->add_flag("--skip-invalid-policies", flags->skip_invalid_policies,
                "Leave out policies and bindings that do not load (each is "
                "logged) instead of refusing to start");
}

std::string FindBundled(std::string_view name) {
  namespace fs = std::filesystem;
  // is_directory sets its error code for a path that does not exist, so
  // each probe gets its own.
  auto is_dir = [](const fs::path& p) {
    std::error_code ec;
    return fs::is_directory(p, ec);
  };
  std::error_code ec;
  fs::path dir = fs::read_symlink("/proc/self/exe", ec).parent_path();
  for (int up = 0; !ec && up < 5 && !dir.empty(); ++up) {
    for (const fs::path& candidate :
         {dir / name, dir / "share/rayguard" / name}) {
      if (is_dir(candidate)) return candidate.string();
    }
    if (dir == dir.parent_path()) break;
    dir = dir.parent_path();
  }
  return is_dir(name) ? std::string(name) : "";
}

void UseBundledSchemas(std::string* schemas_dir) {
  if (schemas_dir->empty()) *schemas_dir = FindBundled("schemas");
}

Result<std::map<std::string, bool>> ParseFeatureGateFlag(
    const std::string& text) {
  if (text.empty()) return std::map<std::string, bool>();
  return rules::ParseFeatureGates(text);
}

Result<ValidatorOptions> BuildValidatorOptions(const ValidatorFlags& flags) {
  ValidatorOptions o;
  o.schemas_dir = flags.schemas;
  o.policy_dirs = flags.policies;
  UseBundledSchemas(&o.schemas_dir);
  o.params_dir = flags.params;
  o.rule_overrides = flags.rule_overrides;
  o.strict = flags.strict;
  o.skip_invalid_policies = flags.skip_invalid_policies;
  auto gates = ParseFeatureGateFlag(flags.feature_gates);
  if (!gates.ok()) return gates.status();
  o.feature_gates = std::move(*gates);
  return o;
}

}  // namespace rayguard::cli
