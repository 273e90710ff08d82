#include "webhook/validator/validator.h"

#include <algorithm>

#include "webhook/rules/rule_set.h"

namespace rayguard {

Result<std::unique_ptr<const Validator>> Validator::Create(
    const ValidatorOptions& options) {
  std::vector<std::unique_ptr<Layer>> layers;
  layers.push_back(rules::NewRuleLayer({options.feature_gates}));
  return std::unique_ptr<const Validator>(
      new Validator(std::move(layers), {}, options.rule_overrides));
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
         (k == "RayCluster" || k == "RayJob" || k == "RayService");
}

nlohmann::json Validator::ApplyDefaults(nlohmann::json object) const {
  for (const auto& layer : layers_) layer->ApplyDefaults(&object);
  return object;
}

CheckResult Validator::Check(const Resource& resource) const {
  CheckResult result;
  Resource defaulted = resource;
  defaulted.object = ApplyDefaults(resource.object);
  for (const auto& layer : layers_) layer->Check(defaulted, &result);
  ApplyOverrides(&result.findings);
  return result;
}

Result<MutationOutcome> Validator::Mutate(const Resource& resource) const {
  MutationOutcome out{resource.object, {}};
  for (const auto& m : mutators_) {
    Status s = m->Mutate(resource, &out.object, &out.result);
    if (!s.ok()) return s.WithPrefix(std::string(m->name()));
  }
  ApplyOverrides(&out.result.findings);
  return out;
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
