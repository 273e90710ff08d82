#include "webhook/mutation/mutating_policy_loader.h"

#include <set>

#include "webhook/policy/file_list.h"
#include "webhook/policy/object_reader.h"
#include "webhook/policy/spec_reader.h"

namespace rayguard::mutation {
namespace {

using policy::Loc;
using policy::ObjectReader;

const std::set<std::string> kApiVersions = {
    "admissionregistration.k8s.io/v1", "admissionregistration.k8s.io/v1beta1",
    "admissionregistration.k8s.io/v1alpha1"};

// One entry of spec.mutations: patchType names which of applyConfiguration
// and jsonPatch must be there; the other must not.
Mutation ReadMutation(ObjectReader& r, const Loc& loc) {
  r.KnownFields(loc, {"patchType", "applyConfiguration", "jsonPatch"});
  Mutation m;
  std::string type =
      r.Enum(loc.Child("patchType"), {"ApplyConfiguration", "JSONPatch"}, "");
  if (r.At(loc.Child("patchType")) == nullptr) {
    r.Error(loc.Child("patchType"), "Required value");
  }
  bool apply = type == "ApplyConfiguration";
  m.patch_type = apply ? Mutation::PatchType::kApplyConfiguration
                       : Mutation::PatchType::kJSONPatch;
  Loc wanted = loc.Child(apply ? "applyConfiguration" : "jsonPatch");
  Loc other = loc.Child(apply ? "jsonPatch" : "applyConfiguration");
  if (!type.empty() && r.At(other) != nullptr) {
    r.Error(other, "Forbidden: must not be set when patchType is " + type);
  }
  if (type.empty()) return m;
  if (r.Object(wanted) == nullptr) {
    r.Error(wanted, "Required value: must be set when patchType is " + type);
    return m;
  }
  r.KnownFields(wanted, {"expression"});
  m.expression = r.Expression(wanted.Child("expression"), true);
  return m;
}

void ReadPolicySpec(ObjectReader& r, MutatingAdmissionPolicy* p) {
  Loc spec = Loc().Child("spec");
  if (r.Object(spec) == nullptr) return r.Error(spec, "Required value");
  r.KnownFields(spec,
                {"paramKind", "matchConstraints", "variables", "mutations",
                 "failurePolicy", "matchConditions", "reinvocationPolicy"});
  Loc pk = spec.Child("paramKind");
  if (r.Object(pk) != nullptr) {
    r.KnownFields(pk, {"apiVersion", "kind"});
    p->param_kind = policy::ParamKind{r.RequiredString(pk.Child("apiVersion")),
                                      r.RequiredString(pk.Child("kind"))};
  }
  Loc mc = spec.Child("matchConstraints");
  if (r.Object(mc) == nullptr) {
    r.Error(mc, "Required value");
  } else {
    p->match_constraints = policy::ReadMatchResourcesField(r, mc);
    if (p->match_constraints.resource_rules.empty()) {
      r.Error(mc.Child("resourceRules"), "Required value");
    }
  }
  r.ForEach(spec.Child("mutations"),
            [&](const Loc& e) { p->mutations.push_back(ReadMutation(r, e)); });
  if (p->mutations.empty()) {
    r.Error(spec.Child("mutations"),
            "Required value: mutations must contain at least one item");
  }
  p->failure_policy =
      r.Enum(spec.Child("failurePolicy"), {"Fail", "Ignore"}, "Fail");
  p->reinvocation_policy =
      r.Enum(spec.Child("reinvocationPolicy"), {"Never", "IfNeeded"}, "Never");
  p->match_conditions = policy::ReadNamedExpressions(
      r, spec.Child("matchConditions"), "expression", false);
  p->variables = policy::ReadNamedExpressions(r, spec.Child("variables"),
                                              "expression", true);
}

void ReadBindingSpec(ObjectReader& r, MutatingAdmissionPolicyBinding* b) {
  Loc spec = Loc().Child("spec");
  if (r.Object(spec) == nullptr) return r.Error(spec, "Required value");
  r.KnownFields(spec, {"policyName", "paramRef", "matchResources"});
  b->policy_name = r.RequiredString(spec.Child("policyName"));
  b->param_ref = policy::ReadParamRef(r, spec.Child("paramRef"));
  if (r.Object(spec.Child("matchResources")) != nullptr) {
    b->match_resources =
        policy::ReadMatchResourcesField(r, spec.Child("matchResources"));
  }
}

template <typename T>
void ReadObject(const std::string& file, const policy::YamlDocument& doc,
                const std::string& kind, std::vector<T>* out,
                std::vector<policy::LoadError>* errors,
                void (*read_spec)(ObjectReader&, T*)) {
  T object;
  object.origin = policy::Origin{file, doc.index, doc.source_map};
  ObjectReader r(doc, file, kind, errors);
  r.KnownFields(Loc(), {"apiVersion", "kind", "metadata", "spec", "status"});
  object.name = r.RequiredString(Loc().Child("metadata").Child("name"));
  r.SetName(object.name);
  read_spec(r, &object);
  if (!r.failed()) out->push_back(std::move(object));
}

std::string StringField(const nlohmann::json& doc, const char* key) {
  auto it = doc.is_object() ? doc.find(key) : doc.end();
  return it != doc.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

void ParseMutatingPolicyDocuments(const std::string& file,
                                  const std::vector<policy::YamlDocument>& docs,
                                  MutatingPolicyObjects* out,
                                  std::vector<policy::LoadError>* errors) {
  for (const policy::YamlDocument& doc : docs) {
    std::string kind = StringField(doc.json, "kind");
    if (kind != "MutatingAdmissionPolicy" &&
        kind != "MutatingAdmissionPolicyBinding") {
      continue;
    }
    std::string api = StringField(doc.json, "apiVersion");
    if (kApiVersions.count(api) == 0) {
      errors->push_back({file, doc.index, "", "", "apiVersion",
                         doc.PositionOf("/apiVersion"),
                         "Unsupported value: \"" + api +
                             "\": supported values: "
                             "\"admissionregistration.k8s.io/v1beta1\", "
                             "\"admissionregistration.k8s.io/v1\""});
      continue;
    }
    if (kind == "MutatingAdmissionPolicy") {
      ReadObject(file, doc, kind, &out->policies, errors, &ReadPolicySpec);
    } else {
      ReadObject(file, doc, kind, &out->bindings, errors, &ReadBindingSpec);
    }
  }
}

void ReadMutatingPolicyDirs(const std::vector<std::string>& dirs,
                            MutatingPolicyObjects* out,
                            std::vector<policy::LoadError>* errors) {
  for (const std::string& dir : dirs) {
    auto files = policy::ListYamlFiles(dir, {"params", "tests"});
    if (!files.ok()) continue;
    for (const std::string& file : *files) {
      auto docs = policy::ReadYamlFile(file);
      if (docs.ok()) ParseMutatingPolicyDocuments(file, *docs, out, errors);
    }
  }
}

}  // namespace rayguard::mutation
