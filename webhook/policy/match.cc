#include "webhook/policy/match.h"

#include <algorithm>
#include <cctype>

namespace rayguard::policy {
namespace {

bool Contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// A rule list matches "*" or the value itself.
bool ListMatches(const std::vector<std::string>& list,
                 const std::string& value) {
  return Contains(list, "*") || Contains(list, value);
}

const nlohmann::json* LabelValue(const nlohmann::json& labels,
                                 const std::string& key) {
  if (!labels.is_object()) return nullptr;
  auto it = labels.find(key);
  return it != labels.end() && it->is_string() ? &*it : nullptr;
}

bool RequirementHolds(const LabelSelectorRequirement& req,
                      const nlohmann::json& labels) {
  const nlohmann::json* value = LabelValue(labels, req.key);
  if (req.op == "Exists") return value != nullptr;
  if (req.op == "DoesNotExist") return value == nullptr;
  bool in = value != nullptr && Contains(req.values, value->get<std::string>());
  if (req.op == "In") return in;
  if (req.op == "NotIn") return !in;
  return false;  // the loader rejects other operators
}

nlohmann::json LabelsOf(const nlohmann::json& object) {
  if (!object.is_object()) return nullptr;
  auto md = object.find("metadata");
  if (md == object.end() || !md->is_object()) return nlohmann::json::object();
  auto labels = md->find("labels");
  if (labels == md->end() || !labels->is_object()) {
    return nlohmann::json::object();
  }
  return *labels;
}

bool ResourceMatches(const std::vector<std::string>& resources,
                     const RequestAttributes& request) {
  std::string full = request.subresource.empty()
                         ? request.resource
                         : request.resource + "/" + request.subresource;
  for (const std::string& r : resources) {
    if (r == full || r == "*/*") return true;
    if (r == "*" && request.subresource.empty()) return true;
    if (!request.subresource.empty() && r == "*/" + request.subresource) {
      return true;
    }
    if (!request.subresource.empty() && r == request.resource + "/*") {
      return true;
    }
  }
  return false;
}

// Versions the API server serves for the same group and resource; a request
// at one is "equivalent" to the others (KubeRay serves ray.io v1 and, for
// RayCluster/RayJob/RayService, v1alpha1).
std::vector<std::string> EquivalentVersions(const RequestAttributes& request) {
  if (request.group == "ray.io") return {"v1", "v1alpha1"};
  return {request.version};
}

}  // namespace

RequestAttributes AttributesOf(const Resource& resource) {
  RequestAttributes out;
  std::string api_version = resource.api_version();
  auto slash = api_version.find('/');
  if (slash == std::string::npos) {
    out.version = api_version;
  } else {
    out.group = api_version.substr(0, slash);
    out.version = api_version.substr(slash + 1);
  }
  out.kind = resource.kind();
  std::string plural = out.kind;
  std::transform(plural.begin(), plural.end(), plural.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  out.resource = plural.empty() ? "" : plural + "s";
  out.operation = resource.admission.operation;
  out.name = resource.name();
  out.namespace_name = resource.namespace_name();
  if (out.namespace_name.empty()) out.namespace_name = "default";
  out.object_labels = LabelsOf(resource.object);
  out.old_object_labels = LabelsOf(resource.admission.old_object);
  const nlohmann::json& ns = resource.admission.namespace_object;
  if (ns.is_object()) {
    out.namespace_labels = LabelsOf(ns);
  } else {
    out.namespace_labels = {
        {"kubernetes.io/metadata.name", out.namespace_name}};
  }
  return out;
}

bool SelectorMatches(const LabelSelector& selector,
                     const nlohmann::json& labels) {
  for (const auto& [key, want] : selector.match_labels) {
    const nlohmann::json* value = LabelValue(labels, key);
    if (value == nullptr || value->get<std::string>() != want) return false;
  }
  for (const LabelSelectorRequirement& req : selector.match_expressions) {
    if (!RequirementHolds(req, labels)) return false;
  }
  return true;
}

bool RuleMatches(const ResourceRule& rule, const RequestAttributes& request,
                 bool equivalent) {
  if (!ListMatches(rule.operations, request.operation)) return false;
  if (!ListMatches(rule.api_groups, request.group)) return false;
  if (!ResourceMatches(rule.resources, request)) return false;
  if (rule.scope == "Cluster") return false;  // ray.io objects are namespaced
  if (!rule.resource_names.empty() &&
      !Contains(rule.resource_names, request.name)) {
    return false;
  }
  if (ListMatches(rule.api_versions, request.version)) return true;
  if (!equivalent) return false;
  for (const std::string& v : EquivalentVersions(request)) {
    if (Contains(rule.api_versions, v)) return true;
  }
  return false;
}

bool MatchResourcesMatches(const MatchResources& match,
                           const RequestAttributes& request) {
  if (!SelectorMatches(match.namespace_selector, request.namespace_labels)) {
    return false;
  }
  // The object selector is tried against both objects of an UPDATE or
  // DELETE; either matching is enough.
  bool object_ok =
      SelectorMatches(match.object_selector, request.object_labels) ||
      (request.old_object_labels.is_object() &&
       SelectorMatches(match.object_selector, request.old_object_labels));
  if (!object_ok) return false;
  bool equivalent = match.match_policy != "Exact";
  for (const ResourceRule& rule : match.exclude_resource_rules) {
    if (RuleMatches(rule, request, equivalent)) return false;
  }
  if (match.resource_rules.empty()) return true;
  for (const ResourceRule& rule : match.resource_rules) {
    if (RuleMatches(rule, request, equivalent)) return true;
  }
  return false;
}

}  // namespace rayguard::policy
