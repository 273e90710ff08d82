#include "webhook/validator/validator.h"

#include <algorithm>
#include <future>

#include "webhook/core/redaction.h"
#include "webhook/mutation/mutation_layer.h"
#include "webhook/policy/policy_engine.h"
#include "webhook/rules/rule_set.h"
#include "webhook/schema/schema_layer.h"
#include "webhook/validator/ratchet.h"

namespace rayguard {

Result<std::unique_ptr<const Validator>> Validator::Create(
    const ValidatorOptions& options) {
  // The policies load (and field-check against the schemas, read on their
  // own) while the schemas compile: the two are independent and each takes
  // tens of milliseconds, which every `check` run waits for.
  std::future<Result<std::unique_ptr<const policy::PolicyEngine>>> loading;
  if (!options.policy_dirs.empty()) {
    auto launch = options.parallel_load ? std::launch::async
                                        : std::launch::deferred;
    loading = std::async(launch, [&options] {
      return policy::LoadPolicyEngine({options.policy_dirs, options.params_dir,
                                       options.skip_invalid_policies,
                                       options.schemas_dir});
    });
  }
  std::vector<std::unique_ptr<Layer>> layers;
  auto schema_layer =
      schema::NewSchemaLayer({options.schemas_dir, options.strict,
                              options.parallel_load});
  if (!schema_layer.ok()) return schema_layer.status();
  layers.push_back(std::move(schema_layer).value());
  layers.push_back(rules::NewRuleLayer({options.feature_gates}));
  PolicyCounts policy_counts;
  if (loading.valid()) {
    auto engine = loading.get();
    if (!engine.ok()) return engine.status();
    const policy::LoadCounts& c = (*engine)->counts();
    policy_counts = {c.policies, c.skipped_policies + c.skipped_bindings};
    layers.push_back(
        std::make_unique<policy::PolicyLayer>(std::move(engine).value()));
  }
  std::vector<std::unique_ptr<MutatingLayer>> mutators;
  auto mutation = mutation::NewMutationLayer(
      {options.policy_dirs, options.params_dir, options.schemas_dir,
       options.skip_invalid_policies});
  if (!mutation.ok()) return mutation.status();
  mutators.push_back(std::move(mutation).value());
  auto validator = std::unique_ptr<Validator>(new Validator(
      std::move(layers), std::move(mutators), options.rule_overrides));
  validator->policy_counts_ = policy_counts;
  validator->ratchet_updates_ = options.ratchet_updates;
  return std::unique_ptr<const Validator>(std::move(validator));
}

Validator::Validator(std::vector<std::unique_ptr<Layer>> layers,
                     std::vector<std::unique_ptr<MutatingLayer>> mutators,
                     std::map<std::string, std::string> rule_overrides)
    : layers_(std::move(layers)),
      mutators_(std::move(mutators)),
      rule_overrides_(std::move(rule_overrides)) {}

bool Validator::Handles(const nlohmann::json& object) {
  if (!object.is_object()) return false;
  auto api = object.find("apiVersion");
  auto kind = object.find("kind");
  if (api == object.end() || kind == object.end() || !api->is_string() ||
      !kind->is_string()) {
    return false;
  }
  const std::string& a = api->get_ref<const std::string&>();
  const std::string& k = kind->get_ref<const std::string&>();
  return a.rfind("ray.io/", 0) == 0 &&
         (k == "RayCluster" || k == "RayJob" || k == "RayService" ||
          k == "RayCronJob");
}

nlohmann::json Validator::ApplyDefaults(nlohmann::json object) const {
  for (const auto& layer : layers_) layer->ApplyDefaults(&object);
  return object;
}

bool Validator::NeedsDefaults(const nlohmann::json& object) const {
  return std::any_of(layers_.begin(), layers_.end(), [&](const auto& layer) {
    return layer->NeedsDefaults(object);
  });
}

CheckResult Validator::Check(const Resource& resource) const {
  const bool deleting = ratchet::IsMetadataOnlyUpdateWhileDeleting(resource);
  if (!NeedsDefaults(resource.object)) return RunLayers(resource, deleting);
  Resource defaulted = resource;
  defaulted.object = ApplyDefaults(std::move(defaulted.object));
  return RunLayers(defaulted, deleting);
}

CheckResult Validator::Check(Resource&& resource) const {
  const bool deleting = ratchet::IsMetadataOnlyUpdateWhileDeleting(resource);
  resource.object = ApplyDefaults(std::move(resource.object));
  return RunLayers(resource, deleting);
}

// `deleting` is judged on the object as sent, before defaults.
CheckResult Validator::RunLayers(const Resource& resource,
                                 bool deleting) const {
  CheckResult result;
  for (const auto& layer : layers_) {
    layer->Check(resource, &result);
    if (result.findings.size() >= kMaxFindings) {
      StopAtTooManyFindings(&result.findings);
      break;
    }
  }
  ApplyOverrides(&result.findings);
  rules::DropSchemaDuplicates(&result.findings);
  if (ratchet_updates_) {
    ratchet::ForgiveUnchanged(
        resource,
        [this](const nlohmann::json& old) { return CheckStored(old); },
        &result.findings);
  }
  if (deleting) ratchet::AllowWhileDeleting(&result.findings);
  redaction::ScrubFreeText(resource, &result);
  return result;
}

// The stored object as the ratcheting layers judge it: a no-op UPDATE of
// it, so that update-only rules see what they would have seen.
ratchet::Stored Validator::CheckStored(const nlohmann::json& old_object) const {
  Resource stored;
  stored.admission.operation = "UPDATE";
  stored.admission.old_object = old_object;
  stored.object = ApplyDefaults(old_object);
  CheckResult result;
  for (const auto& layer : layers_) {
    if (layer->name() == "policies") continue;
    layer->Check(stored, &result);
    if (result.findings.size() >= kMaxFindings) break;
  }
  return {std::move(stored.object), std::move(result.findings)};
}

// Keeps the first kMaxFindings and says the rest was not looked at; an
// error, so such an object is never allowed on a partial check.
void Validator::StopAtTooManyFindings(Findings* findings) {
  findings->resize(kMaxFindings);
  Finding stop;
  stop.rule = kTooManyFindingsRule;
  stop.type = "TooMany";
  stop.message = "Too many errors: the first " + std::to_string(kMaxFindings) +
                 " are shown and the rest of the object was not checked";
  findings->push_back(std::move(stop));
}

Result<MutationOutcome> Validator::Mutate(const Resource& resource) const {
  MutationOutcome out{resource.object, {}};
  for (const auto& m : mutators_) {
    Status s = m->Mutate(resource, &out.object, &out.result);
    if (!s.ok()) {
      return redaction::ScrubStatus(resource,
                                    s.WithPrefix(std::string(m->name())));
    }
  }
  if (Status s = CheckMutatedSchema(resource, out.object); !s.ok()) return s;
  ApplyOverrides(&out.result.findings);
  redaction::ScrubFreeText(resource, &out.result);
  return out;
}

// The structural errors of `object` (defaulted first) by the schema layer.
std::vector<std::string> Validator::SchemaErrors(const Resource& resource,
                                                 const nlohmann::json& object,
                                                 const Layer& schema) const {
  Resource r;
  r.admission = resource.admission;
  r.object = ApplyDefaults(object);
  CheckResult checked;
  schema.Check(r, &checked);
  std::vector<std::string> errors;
  for (const Finding& f : checked.findings) {
    if (f.severity == Severity::kError) errors.push_back(f.ToString());
  }
  return errors;
}

// /mutate must never answer with a patch that makes the object fail its
// schema; errors the object had before mutation are /validate's business.
Status Validator::CheckMutatedSchema(const Resource& resource,
                                     const nlohmann::json& mutated) const {
  if (mutated == resource.object) return Status::Ok();
  auto schema = std::find_if(layers_.begin(), layers_.end(), [](const auto& l) {
    return l->name() == "schema";
  });
  if (schema == layers_.end()) return Status::Ok();
  std::vector<std::string> after = SchemaErrors(resource, mutated, **schema);
  if (after.empty()) return Status::Ok();
  std::vector<std::string> before =
      SchemaErrors(resource, resource.object, **schema);
  std::string added;
  for (const std::string& e : after) {
    if (std::find(before.begin(), before.end(), e) != before.end()) continue;
    added += (added.empty() ? "" : "; ") + e;
  }
  if (added.empty()) return Status::Ok();
  return Status::InvalidArgument(
      "mutation would make the object fail its schema: " + added);
}

std::vector<std::string> Validator::LayerNames() const {
  std::vector<std::string> names;
  for (const auto& l : layers_) names.emplace_back(l->name());
  for (const auto& m : mutators_) names.emplace_back(m->name());
  return names;
}

void Validator::ApplyOverrides(Findings* findings) const {
  if (rule_overrides_.empty()) return;
  std::erase_if(*findings, [&](const Finding& f) {
    auto it = rule_overrides_.find(f.rule);
    return it != rule_overrides_.end() && it->second == "off";
  });
  for (Finding& f : *findings) {
    auto it = rule_overrides_.find(f.rule);
    if (it != rule_overrides_.end() && it->second == "warn") {
      f.severity = Severity::kWarning;
    }
  }
}

}  // namespace rayguard
