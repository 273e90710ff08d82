// MutatingAdmissionPolicy dispatch for one object, offline, following the
// API server's (k8s.io/apiserver/pkg/admission/plugin/policy/mutating):
// matchConstraints, then each binding's matchResources, params and
// matchConditions, then each mutation in order on the current object.
#include "webhook/mutation/policy_mutator.h"

#include <algorithm>
#include <map>

#include "webhook/cel/cel.h"
#include "webhook/mutation/apply_configuration.h"
#include "webhook/mutation/json_patch.h"
#include "webhook/policy/cel_context.h"
#include "webhook/policy/match.h"

namespace rayguard::mutation {
namespace {

using nlohmann::json;

struct CompiledMutatingPolicy {
  MutatingAdmissionPolicy policy;
  std::vector<policy::CompiledNamed> match_conditions;
  std::vector<policy::CompiledNamed> variables;
  std::vector<std::shared_ptr<const cel::Program>> mutations;
  std::vector<MutatingAdmissionPolicyBinding> bindings;
};

const char* FieldOf(Mutation::PatchType type) {
  return type == Mutation::PatchType::kJSONPatch ? "jsonPatch"
                                                 : "applyConfiguration";
}

// The JSON form of what a mutation expression returned, checked against
// what its patchType requires.
Result<json> PatchValue(const cel::Value& v, Mutation::PatchType type) {
  if (v.IsError())
    return Status::InvalidArgument(std::string(v.error_message()));
  if (type == Mutation::PatchType::kApplyConfiguration) {
    if (v.kind() != cel::Value::Kind::kObject || v.object_type() != "Object") {
      return Status::InvalidArgument(
          "must evaluate to an Object{...} apply configuration, got " +
          v.TypeName());
    }
    return v.ToJson();
  }
  if (v.kind() != cel::Value::Kind::kList) {
    return Status::InvalidArgument(
        "must evaluate to a list of JSONPatch, got " + v.TypeName());
  }
  for (size_t i = 0; i < v.list_size(); ++i) {
    cel::Value op = v.list_at(i);
    if (op.kind() != cel::Value::Kind::kObject ||
        op.object_type() != "JSONPatch") {
      return Status::InvalidArgument("element " + std::to_string(i) +
                                     " must be a JSONPatch, got " +
                                     op.TypeName());
    }
  }
  return v.ToJson();
}

class PolicyMutator final : public Mutator {
 public:
  PolicyMutator(CompiledMutatingPolicy c,
                std::shared_ptr<const policy::ParamStore> params,
                SchemaLookup schemas)
      : c_(std::move(c)),
        id_("policy/" + c_.policy.name),
        params_(std::move(params)),
        schemas_(std::move(schemas)) {}

  const std::string& id() const override { return id_; }
  Reinvocation reinvocation() const override {
    return c_.policy.reinvocation_policy == "IfNeeded" ? Reinvocation::kIfNeeded
                                                       : Reinvocation::kNever;
  }

  Status Mutate(const Resource& request, json* object, CheckResult* result,
                bool* changed) const override {
    policy::RequestAttributes attributes = policy::AttributesOf(request);
    if (!policy::MatchResourcesMatches(c_.policy.match_constraints,
                                       attributes)) {
      return Status::Ok();
    }
    // The expressions see the object as earlier mutations left it; it is
    // moved in and out rather than copied.
    Resource current;
    current.admission = request.admission;
    current.object = std::move(*object);
    json request_json = policy::BuildRequest(current, attributes);
    for (const MutatingAdmissionPolicyBinding& b : c_.bindings) {
      if (b.match_resources &&
          !policy::MatchResourcesMatches(*b.match_resources, attributes)) {
        continue;
      }
      RunBinding(b, attributes, request_json, &current, result, changed);
    }
    *object = std::move(current.object);
    return Status::Ok();
  }

 private:
  void RunBinding(const MutatingAdmissionPolicyBinding& b,
                  const policy::RequestAttributes& attributes,
                  const json& request_json, Resource* current,
                  CheckResult* result, bool* changed) const {
    if (!c_.policy.param_kind) {
      return RunWithParams(b, request_json, nullptr, current, result, changed);
    }
    if (!b.param_ref) {
      return Failure(b,
                     "failed to configure binding: the policy has a "
                     "paramKind but the binding has no paramRef",
                     result);
    }
    auto found = params_->Find(*c_.policy.param_kind, *b.param_ref,
                               attributes.namespace_name);
    if (found.empty() && b.param_ref->parameter_not_found_action == "Deny") {
      return Failure(b,
                     "failed to configure binding: no params found for "
                     "policy binding with `Deny` parameterNotFoundAction",
                     result);
    }
    for (const json* p : found) {
      RunWithParams(b, request_json, p, current, result, changed);
    }
  }

  void RunWithParams(const MutatingAdmissionPolicyBinding& b,
                     const json& request_json, const json* params,
                     Resource* current, CheckResult* result,
                     bool* changed) const {
    {
      policy::EvaluationContext ctx(*current, request_json, params,
                                    c_.variables);
      policy::MatchConditionsOutcome match = policy::EvaluateMatchConditions(
          c_.match_conditions, ctx.activation());
      if (!match.matches) return;
      if (!match.error.empty()) return Failure(b, match.error, result);
    }
    for (std::size_t i = 0; i < c_.mutations.size(); ++i) {
      Status s = RunMutation(i, request_json, params, current, changed);
      if (!s.ok()) return Failure(b, s.message(), result);
    }
  }

  // Evaluates mutation i and applies it to current->object. A fresh
  // evaluation context per mutation: values borrowed from the object by
  // the previous one would not survive its change.
  Status RunMutation(std::size_t i, const json& request_json,
                     const json* params, Resource* current,
                     bool* changed) const {
    const Mutation& m = c_.policy.mutations[i];
    Result<json> patch = Status::Internal("not evaluated");
    {
      policy::EvaluationContext ctx(*current, request_json, params,
                                    c_.variables);
      patch = PatchValue(c_.mutations[i]->Eval(ctx.activation()), m.patch_type);
    }
    std::string where = "mutations[" + std::to_string(i) + "]." +
                        FieldOf(m.patch_type) + ".expression";
    if (!patch.ok()) return patch.status().WithPrefix(where);
    // Under failurePolicy Fail a failed patch denies the request, so it
    // may be applied in place; under Ignore a copy keeps it all or nothing.
    bool ignore = c_.policy.failure_policy == "Ignore";
    json copy;
    json* target = &current->object;
    if (ignore) {
      copy = current->object;
      target = &copy;
    }
    bool did_change = false;
    Status s;
    if (m.patch_type == Mutation::PatchType::kJSONPatch) {
      s = json_patch::ApplyInPlace(target, *patch, &did_change);
    } else {
      const json* schema =
          schemas_ ? schemas_(current->api_version(), current->kind())
                   : nullptr;
      s = MergeApplyConfiguration(target, *patch, schema, &did_change);
    }
    if (!s.ok()) return s.WithPrefix(where);
    if (ignore) current->object = std::move(copy);
    if (did_change) *changed = true;
    return Status::Ok();
  }

  // failurePolicy Fail denies the request; Ignore drops this policy's
  // mutation for this binding and carries on.
  void Failure(const MutatingAdmissionPolicyBinding& b, const std::string& why,
               CheckResult* result) const {
    if (c_.policy.failure_policy == "Ignore") return;
    Finding f;
    f.rule = id_;
    f.type = "Policy";
    f.message = "MutatingAdmissionPolicy '" + c_.policy.name +
                "' with binding '" + b.name + "' denied request: " + why;
    result->findings.push_back(std::move(f));
  }

  CompiledMutatingPolicy c_;
  std::string id_;
  std::shared_ptr<const policy::ParamStore> params_;
  SchemaLookup schemas_;
};

policy::LoadError CompileFailure(const MutatingAdmissionPolicy& p,
                                 const policy::CompileError& e) {
  return {p.origin.file,
          p.origin.document,
          "MutatingAdmissionPolicy \"" + p.name + "\"",
          p.name,
          e.field,
          p.origin.PositionOf(e.pointer),
          e.message};
}

// Compiles one policy; false (with errors appended) if anything fails.
bool Compile(const MutatingAdmissionPolicy& p, CompiledMutatingPolicy* out,
             std::vector<policy::LoadError>* errors) {
  cel::Env env = policy::PolicyEnv(p.variables, /*mutation=*/true);
  std::vector<policy::CompileError> failed;
  policy::CompileNamed(p.match_conditions, "spec.matchConditions", env,
                       &out->match_conditions, &failed);
  policy::CompileNamed(p.variables, "spec.variables", env, &out->variables,
                       &failed);
  for (std::size_t i = 0; i < p.mutations.size(); ++i) {
    const char* field = FieldOf(p.mutations[i].patch_type);
    auto program = cel::Compile(p.mutations[i].expression, env);
    if (program.ok()) {
      out->mutations.push_back(std::move(program).value());
      continue;
    }
    std::string index = std::to_string(i);
    failed.push_back({"spec.mutations[" + index + "]." + field + ".expression",
                      "/spec/mutations/" + index + "/" + field + "/expression",
                      program.status().message()});
  }
  for (const policy::CompileError& e : failed) {
    errors->push_back(CompileFailure(p, e));
  }
  return failed.empty();
}

}  // namespace

Result<std::vector<std::unique_ptr<Mutator>>> CompileMutatingPolicies(
    MutatingPolicyObjects objects,
    std::shared_ptr<const policy::ParamStore> params, SchemaLookup schemas,
    bool skip_invalid, std::vector<policy::LoadError>* errors) {
  std::map<std::string, CompiledMutatingPolicy> compiled;  // sorted by name
  for (MutatingAdmissionPolicy& p : objects.policies) {
    CompiledMutatingPolicy c;
    if (!Compile(p, &c, errors)) continue;
    c.policy = std::move(p);
    std::string name = c.policy.name;
    compiled[name] = std::move(c);
  }
  std::sort(objects.bindings.begin(), objects.bindings.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  for (MutatingAdmissionPolicyBinding& b : objects.bindings) {
    auto it = compiled.find(b.policy_name);
    if (it != compiled.end()) {
      it->second.bindings.push_back(std::move(b));
      continue;
    }
    bool faulty =
        std::any_of(objects.policies.begin(), objects.policies.end(),
                    [&](const auto& p) { return p.name == b.policy_name; });
    if (faulty) continue;  // its policy's errors are already reported
    errors->push_back({b.origin.file, b.origin.document,
                       "MutatingAdmissionPolicyBinding \"" + b.name + "\"",
                       b.policy_name, "spec.policyName",
                       b.origin.PositionOf("/spec/policyName"),
                       "Not found: no MutatingAdmissionPolicy named \"" +
                           b.policy_name + "\""});
  }
  if (!errors->empty() && !skip_invalid) {
    std::string message;
    for (const policy::LoadError& e : *errors) {
      message += (message.empty() ? "" : "\n") + e.ToString();
    }
    return Status::InvalidArgument(message);
  }
  std::vector<std::unique_ptr<Mutator>> mutators;
  for (auto& [name, c] : compiled) {
    mutators.push_back(
        std::make_unique<PolicyMutator>(std::move(c), params, schemas));
  }
  return mutators;
}

}  // namespace rayguard::mutation
