#ifndef RAYGUARD_POLICY_MATCH_H_
#define RAYGUARD_POLICY_MATCH_H_

#include <nlohmann/json.hpp>
#include <string>

#include "webhook/core/resource.h"
#include "webhook/policy/policy.h"

namespace rayguard::policy {

// The request facts that matchConstraints and matchResources look at, as the
// API server sees them. Shared by validating and mutating policies.
struct RequestAttributes {
  std::string group;        // "ray.io"
  std::string version;      // "v1"
  std::string resource;     // plural: "rayclusters"
  std::string subresource;  // empty for the object itself
  std::string kind;         // "RayCluster"
  std::string operation;    // CREATE, UPDATE, DELETE, CONNECT
  std::string name;
  std::string namespace_name;
  nlohmann::json object_labels = nlohmann::json::object();
  nlohmann::json old_object_labels;  // null when there is no old object
  nlohmann::json namespace_labels = nlohmann::json::object();
};

// Derives the attributes of `resource`. Offline there is no Namespace to
// read labels from: without resource.admission.namespace_object the
// namespace carries only the label the API server puts on every namespace,
// kubernetes.io/metadata.name=<name>. Objects without a namespace are in
// "default", as kubectl would create them.
RequestAttributes AttributesOf(const Resource& resource);

// metav1.LabelSelector semantics: every matchLabels pair and every
// requirement must hold; an empty selector matches everything. `labels` is
// a JSON object of strings (anything else counts as no labels).
bool SelectorMatches(const LabelSelector& selector,
                     const nlohmann::json& labels);

// One NamedRuleWithOperations against a request. With `equivalent` (the
// matchPolicy Equivalent), a rule naming another served version of the same
// group and resource (ray.io v1alpha1 for v1) matches too.
bool RuleMatches(const ResourceRule& rule, const RequestAttributes& request,
                 bool equivalent);

// The API server's matchConstraints / matchResources test: the namespace and
// object selectors hold (the object selector against the new or the old
// object), some resourceRule matches and no excludeResourceRule does. A
// MatchResources without resourceRules does not constrain the resource
// (how a binding's matchResources narrows its policy).
bool MatchResourcesMatches(const MatchResources& match,
                           const RequestAttributes& request);

}  // namespace rayguard::policy

#endif  // RAYGUARD_POLICY_MATCH_H_
