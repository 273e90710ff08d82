#include "webhook/policy/policy_engine.h"

#include <spdlog/spdlog.h>

#include <map>
#include <set>

#include "webhook/cel/cel.h"
#include "webhook/policy/cel_context.h"
#include "webhook/policy/compiled_policy.h"
#include "webhook/policy/match.h"
#include "webhook/policy/object_schema.h"

namespace rayguard::policy {
namespace {

using ProgramPtr = std::shared_ptr<const cel::Program>;

LoadError ErrorAt(const ValidatingAdmissionPolicy& p, const std::string& field,
                  const std::string& pointer, const std::string& message) {
  return {p.origin.file,
          p.origin.document,
          "ValidatingAdmissionPolicy \"" + p.name + "\"",
          p.name,
          field,
          p.origin.PositionOf(pointer),
          message};
}

LoadError ErrorAt(const ValidatingAdmissionPolicyBinding& b,
                  const std::string& field, const std::string& pointer,
                  const std::string& message) {
  return {b.origin.file,
          b.origin.document,
          "ValidatingAdmissionPolicyBinding \"" + b.name + "\"",
          b.policy_name,
          field,
          b.origin.PositionOf(pointer),
          message};
}

}  // namespace

namespace {

// Compiles one policy; returns nullptr after appending to *errors.
std::unique_ptr<CompiledPolicy> CompilePolicy(
    const ValidatingAdmissionPolicy& p, const std::string& schemas_dir,
    std::vector<LoadError>* errors) {
  auto c = std::make_unique<CompiledPolicy>();
  c->policy = p;
  cel::Env env = PolicyEnv(p.variables, false);
  ObjectSchema schema = ObjectSchemaFor(p.match_constraints, schemas_dir);
  env.object_schema = schema.schema;
  env.object_kind = schema.kind;
  std::vector<CompileError> faults;
  CompileNamed(p.match_conditions, "spec.matchConditions", env,
               &c->match_conditions, &faults);
  CompileNamed(p.variables, "spec.variables", env, &c->variables, &faults);
  auto compile = [&](const std::string& expr, const std::string& field,
                     const std::string& pointer) -> ProgramPtr {
    if (expr.empty()) return nullptr;
    auto program = cel::Compile(expr, env);
    if (program.ok()) return std::move(program).value();
    faults.push_back({field, pointer, program.status().message()});
    return nullptr;
  };
  for (std::size_t i = 0; i < p.validations.size(); ++i) {
    std::string f = "spec.validations[" + std::to_string(i) + "]";
    std::string ptr = "/spec/validations/" + std::to_string(i);
    c->validations.push_back(
        {compile(p.validations[i].expression, f + ".expression",
                 ptr + "/expression"),
         compile(p.validations[i].message_expression, f + ".messageExpression",
                 ptr + "/messageExpression")});
  }
  for (std::size_t i = 0; i < p.audit_annotations.size(); ++i) {
    c->audit_values.push_back(compile(
        p.audit_annotations[i].value_expression,
        "spec.auditAnnotations[" + std::to_string(i) + "].valueExpression",
        "/spec/auditAnnotations/" + std::to_string(i) + "/valueExpression"));
  }
  for (const CompileError& f : faults) {
    errors->push_back(ErrorAt(p, f.field, f.pointer, f.message));
  }
  return faults.empty() ? std::move(c) : nullptr;
}

int CountReadErrors(const std::vector<LoadError>& errors, bool bindings) {
  std::set<std::pair<std::string, int>> objects;
  for (const LoadError& e : errors) {
    bool is_binding =
        e.object.rfind("ValidatingAdmissionPolicyBinding", 0) == 0;
    if (is_binding == bindings) objects.insert({e.file, e.document});
  }
  return static_cast<int>(objects.size());
}

}  // namespace

PolicyEngine::PolicyEngine() = default;
PolicyEngine::~PolicyEngine() = default;

Result<std::unique_ptr<const PolicyEngine>> PolicyEngine::Create(
    PolicyObjects objects, ParamStore params, const Options& options,
    std::vector<LoadError>* errors) {
  std::unique_ptr<PolicyEngine> engine(new PolicyEngine());
  // Objects that failed to read never reached `objects`; count them now,
  // before compile errors join *errors.
  const int unread_policies = CountReadErrors(*errors, false);
  const int unread_bindings = CountReadErrors(*errors, true);
  engine->params_ = std::move(params);
  std::set<std::string> declared;
  std::map<std::string, CompiledPolicy*> by_name;
  for (const ValidatingAdmissionPolicy& p : objects.policies) {
    if (!declared.insert(p.name).second) {
      errors->push_back(ErrorAt(
          p, "metadata.name", "/metadata/name",
          "Duplicate value: \"" + p.name + "\": another policy has this name"));
      continue;
    }
    auto compiled = CompilePolicy(p, options.schemas_dir, errors);
    if (compiled == nullptr) continue;
    by_name[p.name] = compiled.get();
    engine->policies_.push_back(std::move(compiled));
  }
  int orphaned = 0;
  for (ValidatingAdmissionPolicyBinding& b : objects.bindings) {
    auto it = by_name.find(b.policy_name);
    if (it == by_name.end()) {
      if (declared.count(b.policy_name) > 0) {
        ++orphaned;  // its policy failed to load; that error says why
      } else {
        errors->push_back(ErrorAt(b, "spec.policyName", "/spec/policyName",
                                  "Not found: \"" + b.policy_name +
                                      "\": no ValidatingAdmissionPolicy of "
                                      "this name is loaded"));
      }
      continue;
    }
    if (it->second->policy.param_kind && !b.param_ref) {
      errors->push_back(ErrorAt(
          b, "spec.paramRef", "/spec",
          "Required value: policy \"" + b.policy_name + "\" has a paramKind"));
      continue;
    }
    it->second->bindings.push_back(std::move(b));
    ++engine->counts_.bindings;
  }
  engine->counts_.policies = static_cast<int>(engine->policies_.size());
  engine->counts_.skipped_policies = static_cast<int>(objects.policies.size()) -
                                     engine->counts_.policies + unread_policies;
  engine->counts_.skipped_bindings = static_cast<int>(objects.bindings.size()) -
                                     engine->counts_.bindings + unread_bindings;
  if (!errors->empty() && !options.skip_invalid) {
    std::string message = "invalid policies:";
    for (const LoadError& e : *errors) message += "\n  " + e.ToString();
    return Status::InvalidArgument(message);
  }
  return std::unique_ptr<const PolicyEngine>(std::move(engine));
}

Result<std::unique_ptr<const PolicyEngine>> LoadPolicyEngine(
    const LoadOptions& options) {
  PolicyObjects objects;
  std::vector<LoadError> errors;
  ReadPolicyDirs(options.dirs, &objects, &errors);
  std::vector<std::string> param_dirs;
  if (!options.params_dir.empty()) {
    param_dirs.push_back(options.params_dir);
  } else {
    for (const std::string& d : options.dirs)
      param_dirs.push_back(d + "/params");
  }
  auto params = ParamStore::Load(param_dirs);
  if (!params.ok()) return params.status().WithPrefix("params");
  auto engine =
      PolicyEngine::Create(std::move(objects), std::move(params).value(),
                           {options.skip_invalid, options.schemas_dir},
                           &errors);
  if (engine.ok()) {
    for (const LoadError& e : errors) {
      spdlog::error("policy skipped (--skip-invalid-policies): {}",
                    e.ToString());
    }
  }
  return engine;
}

}  // namespace rayguard::policy
