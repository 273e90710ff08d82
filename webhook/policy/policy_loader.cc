#include "webhook/policy/policy_loader.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "webhook/core/field_path.h"
#include "webhook/policy/file_list.h"
#include "webhook/policy/object_reader.h"
#include "webhook/policy/spec_reader.h"

namespace rayguard::policy {
namespace {

const std::set<std::string> kOperations = {"CREATE", "UPDATE", "DELETE",
                                           "CONNECT", "*"};
const std::set<std::string> kReasons = {"Unauthorized", "Forbidden", "Invalid",
                                        "RequestEntityTooLarge"};
const std::set<std::string> kApiVersions = {
    "admissionregistration.k8s.io/v1", "admissionregistration.k8s.io/v1beta1"};

LabelSelector ReadSelector(ObjectReader& r, const Loc& loc) {
  LabelSelector out;
  const nlohmann::json* node = r.Object(loc);
  if (node == nullptr) return out;
  r.KnownFields(loc, {"matchLabels", "matchExpressions"});
  Loc labels = loc.Child("matchLabels");
  if (const nlohmann::json* m = r.Object(labels)) {
    for (const auto& [k, v] : m->items()) {
      if (!v.is_string()) {
        r.Error(labels.Key(k), "Invalid value: must be a string");
      } else {
        out.match_labels[k] = v.get<std::string>();
      }
    }
  }
  r.ForEach(loc.Child("matchExpressions"), [&](const Loc& e) {
    r.KnownFields(e, {"key", "operator", "values"});
    LabelSelectorRequirement req{
        r.RequiredString(e.Child("key")),
        r.Enum(e.Child("operator"), {"In", "NotIn", "Exists", "DoesNotExist"},
               ""),
        r.StringList(e.Child("values"))};
    bool needs_values = req.op == "In" || req.op == "NotIn";
    if (needs_values && req.values.empty()) {
      r.Error(e.Child("values"),
              "Required value: must be specified when `operator` is 'In' or "
              "'NotIn'");
    } else if (!needs_values && !req.values.empty()) {
      r.Error(e.Child("values"),
              "Forbidden: may not be specified when `operator` is 'Exists' "
              "or 'DoesNotExist'");
    }
    out.match_expressions.push_back(std::move(req));
  });
  return out;
}

ResourceRule ReadRule(ObjectReader& r, const Loc& loc) {
  r.KnownFields(loc, {"resourceNames", "operations", "apiGroups", "apiVersions",
                      "resources", "scope"});
  ResourceRule rule;
  rule.resource_names = r.StringList(loc.Child("resourceNames"));
  rule.operations = r.StringList(loc.Child("operations"));
  for (std::size_t i = 0; i < rule.operations.size(); ++i) {
    if (kOperations.count(rule.operations[i]) == 0) {
      r.Error(loc.Child("operations").Index(i),
              "Unsupported value: \"" + rule.operations[i] +
                  "\": supported values: \"*\", \"CONNECT\", \"CREATE\", "
                  "\"DELETE\", \"UPDATE\"");
    }
  }
  rule.api_groups = r.StringList(loc.Child("apiGroups"));
  rule.api_versions = r.StringList(loc.Child("apiVersions"));
  rule.resources = r.StringList(loc.Child("resources"));
  for (const char* field :
       {"operations", "apiGroups", "apiVersions", "resources"}) {
    if (r.At(loc.Child(field)) == nullptr) {
      r.Error(loc.Child(field), "Required value");
    }
  }
  rule.scope = r.Enum(loc.Child("scope"), {"Cluster", "Namespaced", "*"}, "*");
  return rule;
}

MatchResources ReadMatchResources(ObjectReader& r, const Loc& loc) {
  r.KnownFields(loc, {"namespaceSelector", "objectSelector", "resourceRules",
                      "excludeResourceRules", "matchPolicy"});
  MatchResources m;
  m.namespace_selector = ReadSelector(r, loc.Child("namespaceSelector"));
  m.object_selector = ReadSelector(r, loc.Child("objectSelector"));
  r.ForEach(loc.Child("resourceRules"),
            [&](const Loc& e) { m.resource_rules.push_back(ReadRule(r, e)); });
  r.ForEach(loc.Child("excludeResourceRules"), [&](const Loc& e) {
    m.exclude_resource_rules.push_back(ReadRule(r, e));
  });
  m.match_policy =
      r.Enum(loc.Child("matchPolicy"), {"Exact", "Equivalent"}, "Equivalent");
  return m;
}

bool IsCelIdentifier(const std::string& name) {
  if (name.empty() ||
      !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_';
  });
}

// matchConditions and variables: named expressions with unique names.
std::vector<NamedExpression> ReadNamed(ObjectReader& r, const Loc& loc,
                                       const char* value_field,
                                       bool identifier_names) {
  std::vector<NamedExpression> out;
  std::set<std::string> seen;
  r.ForEach(loc, [&](const Loc& e) {
    r.KnownFields(e, {"name", value_field});
    NamedExpression n{r.RequiredString(e.Child("name")),
                      r.Expression(e.Child(value_field), true)};
    if (!n.name.empty() && !seen.insert(n.name).second) {
      r.Error(e.Child("name"), "Duplicate value: \"" + n.name + "\"");
    }
    if (identifier_names && !n.name.empty() && !IsCelIdentifier(n.name)) {
      r.Error(e.Child("name"), "Invalid value: \"" + n.name +
                                   "\": name is not a valid CEL identifier");
    }
    out.push_back(std::move(n));
  });
  return out;
}

// Reads one entry of the validation-paths annotation: a path, or a map from
// kind to path. Returns false when it is neither.
bool ReadPathEntry(const nlohmann::json& v,
                   std::map<std::string, std::string>* out) {
  if (v.is_string()) {
    (*out)[""] = v.get<std::string>();
    return true;
  }
  if (!v.is_object() || v.empty()) return false;
  for (const auto& [kind, path] : v.items()) {
    if (!path.is_string()) return false;
    (*out)[kind] = path.get<std::string>();
  }
  return true;
}

std::map<int, std::map<std::string, std::string>> ReadValidationPaths(
    ObjectReader& r, std::size_t validations) {
  std::map<int, std::map<std::string, std::string>> out;
  Loc loc = Loc()
                .Child("metadata")
                .Child("annotations")
                .Key(kValidationPathsAnnotation);
  const nlohmann::json* text = r.At(loc);
  if (text == nullptr) return out;
  nlohmann::json parsed =
      text->is_string()
          ? nlohmann::json::parse(text->get<std::string>(), nullptr, false)
          : nlohmann::json();
  if (!parsed.is_object()) {
    r.Error(loc,
            "Invalid value: must be a JSON object mapping validation "
            "index to field path, e.g. {\"0\": \"spec.rayVersion\"}");
    return out;
  }
  for (const auto& [k, v] : parsed.items()) {
    bool digits = !k.empty() && k.size() < 6 &&
                  std::all_of(k.begin(), k.end(), ::isdigit);
    std::map<std::string, std::string> paths;
    if (!digits || std::stoul(k) >= validations || !ReadPathEntry(v, &paths)) {
      r.Error(loc, "Invalid value: entry \"" + k +
                       "\" must map an index of spec.validations to a field "
                       "path or to an object from kind to field path");
      continue;
    }
    out[std::stoi(k)] = std::move(paths);
  }
  return out;
}

void ReadPolicySpec(ObjectReader& r, ValidatingAdmissionPolicy* p) {
  Loc spec = Loc().Child("spec");
  if (r.Object(spec) == nullptr) {
    r.Error(spec, "Required value");
    return;
  }
  r.KnownFields(
      spec, {"paramKind", "matchConstraints", "validations", "failurePolicy",
             "auditAnnotations", "matchConditions", "variables"});
  Loc pk = spec.Child("paramKind");
  if (r.Object(pk) != nullptr) {
    r.KnownFields(pk, {"apiVersion", "kind"});
    p->param_kind = ParamKind{r.RequiredString(pk.Child("apiVersion")),
                              r.RequiredString(pk.Child("kind"))};
  }
  Loc mc = spec.Child("matchConstraints");
  if (r.Object(mc) == nullptr) {
    r.Error(mc, "Required value");
  } else {
    p->match_constraints = ReadMatchResources(r, mc);
    if (p->match_constraints.resource_rules.empty()) {
      r.Error(mc.Child("resourceRules"), "Required value");
    }
  }
  r.ForEach(spec.Child("validations"), [&](const Loc& e) {
    r.KnownFields(e, {"expression", "message", "messageExpression", "reason"});
    Validation v;
    v.expression = r.Expression(e.Child("expression"), true);
    v.message = r.String(e.Child("message"));
    v.message_expression = r.Expression(e.Child("messageExpression"), false);
    v.reason = r.Enum(e.Child("reason"), kReasons, "");
    p->validations.push_back(std::move(v));
  });
  r.ForEach(spec.Child("auditAnnotations"), [&](const Loc& e) {
    r.KnownFields(e, {"key", "valueExpression"});
    p->audit_annotations.push_back(
        {r.RequiredString(e.Child("key")),
         r.Expression(e.Child("valueExpression"), true)});
  });
  if (p->validations.empty() && p->audit_annotations.empty()) {
    r.Error(spec.Child("validations"),
            "Required value: validations or auditAnnotations must contain at "
            "least one item");
  }
  p->failure_policy =
      r.Enum(spec.Child("failurePolicy"), {"Fail", "Ignore"}, "Fail");
  p->match_conditions =
      ReadNamed(r, spec.Child("matchConditions"), "expression", false);
  p->variables = ReadNamed(r, spec.Child("variables"), "expression", true);
  p->validation_paths = ReadValidationPaths(r, p->validations.size());
}

void ReadBindingSpec(ObjectReader& r, ValidatingAdmissionPolicyBinding* b) {
  Loc spec = Loc().Child("spec");
  if (r.Object(spec) == nullptr) {
    r.Error(spec, "Required value");
    return;
  }
  r.KnownFields(
      spec, {"policyName", "paramRef", "matchResources", "validationActions"});
  b->policy_name = r.RequiredString(spec.Child("policyName"));
  b->param_ref = ReadParamRef(r, spec.Child("paramRef"));
  if (r.Object(spec.Child("matchResources")) != nullptr) {
    b->match_resources = ReadMatchResources(r, spec.Child("matchResources"));
  }
  Loc actions = spec.Child("validationActions");
  b->validation_actions = r.StringList(actions);
  std::set<std::string> seen;
  for (std::size_t i = 0; i < b->validation_actions.size(); ++i) {
    const std::string& a = b->validation_actions[i];
    if (a != "Deny" && a != "Warn" && a != "Audit") {
      r.Error(actions.Index(i), "Unsupported value: \"" + a +
                                    "\": supported values: \"Audit\", "
                                    "\"Deny\", \"Warn\"");
    } else if (!seen.insert(a).second) {
      r.Error(actions.Index(i), "Duplicate value: \"" + a + "\"");
    }
  }
  if (b->validation_actions.empty()) r.Error(actions, "Required value");
  if (seen.count("Deny") > 0 && seen.count("Warn") > 0) {
    r.Error(actions,
            "Invalid value: [Deny, Warn]: must not contain both "
            "Deny and Warn (repeating the same validation failure "
            "information in the API response and headers serves no "
            "purpose)");
  }
}

template <typename T>
void ReadObject(const std::string& file, const YamlDocument& doc,
                const std::string& kind, std::vector<T>* out,
                std::vector<LoadError>* errors,
                void (*read_spec)(ObjectReader&, T*)) {
  T object;
  object.origin = Origin{file, doc.index, doc.source_map};
  ObjectReader r(doc, file, kind, errors);
  r.KnownFields(Loc(), {"apiVersion", "kind", "metadata", "spec", "status"});
  object.name = r.RequiredString(Loc().Child("metadata").Child("name"));
  r.SetName(object.name);
  read_spec(r, &object);
  if (!r.failed()) out->push_back(std::move(object));
}

}  // namespace

SourcePosition Origin::PositionOf(const std::string& pointer) const {
  YamlDocument doc{document, nullptr, source_map};
  return doc.PositionOf(pointer);
}

std::string LoadError::ToString() const {
  std::string out = file;
  if (position.line > 0) {
    out.append(":").append(std::to_string(position.line));
    out.append(":").append(std::to_string(position.column));
  }
  out.append(": ");
  if (document >= 0) {
    out.append("document ").append(std::to_string(document)).append(": ");
  }
  if (!object.empty()) out.append(object).append(": ");
  if (!field.empty()) out.append(field).append(": ");
  return out.append(message);
}

void ParsePolicyDocuments(const std::string& file,
                          const std::vector<YamlDocument>& docs,
                          PolicyObjects* out, std::vector<LoadError>* errors) {
  for (const YamlDocument& doc : docs) {
    std::string kind = doc.json.is_object() && doc.json.contains("kind") &&
                               doc.json["kind"].is_string()
                           ? doc.json["kind"].get<std::string>()
                           : "";
    std::string api = doc.json.is_object() && doc.json.contains("apiVersion") &&
                              doc.json["apiVersion"].is_string()
                          ? doc.json["apiVersion"].get<std::string>()
                          : "";
    // Other objects may share a policies directory (and mutating policies
    // have their own loader); only a misspelt admissionregistration kind or
    // version is worth stopping for.
    if (api.rfind("admissionregistration.k8s.io/", 0) != 0 ||
        kind == "MutatingAdmissionPolicy" ||
        kind == "MutatingAdmissionPolicyBinding") {
      continue;
    }
    bool known = kind == "ValidatingAdmissionPolicy" ||
                 kind == "ValidatingAdmissionPolicyBinding";
    if (!known || kApiVersions.count(api) == 0) {
      errors->push_back({file, doc.index, "", "", "", doc.PositionOf(""),
                         "not an admissionregistration.k8s.io/v1 "
                         "ValidatingAdmissionPolicy or "
                         "ValidatingAdmissionPolicyBinding (apiVersion \"" +
                             api + "\", kind \"" + kind + "\")"});
      continue;
    }
    if (kind == "ValidatingAdmissionPolicy") {
      ReadObject(file, doc, kind, &out->policies, errors, &ReadPolicySpec);
    } else {
      ReadObject(file, doc, kind, &out->bindings, errors, &ReadBindingSpec);
    }
  }
}

void ReadPolicyDirs(const std::vector<std::string>& dirs, PolicyObjects* out,
                    std::vector<LoadError>* errors) {
  for (const std::string& dir : dirs) {
    auto files = ListYamlFiles(dir, {"params", "tests"});
    if (!files.ok()) {
      errors->push_back({dir, -1, "", "", "", {}, files.status().message()});
      continue;
    }
    for (const std::string& file : *files) {
      auto docs = ReadYamlFile(file);
      if (!docs.ok()) {
        errors->push_back({file, -1, "", "", "", {}, docs.status().message()});
        continue;
      }
      ParsePolicyDocuments(file, *docs, out, errors);
    }
  }
}

// The spec readers the mutating policy loader shares (spec_reader.h).

LabelSelector ReadLabelSelector(ObjectReader& r, const Loc& loc) {
  return ReadSelector(r, loc);
}

MatchResources ReadMatchResourcesField(ObjectReader& r, const Loc& loc) {
  return ReadMatchResources(r, loc);
}

std::vector<NamedExpression> ReadNamedExpressions(ObjectReader& r,
                                                  const Loc& loc,
                                                  const char* value_field,
                                                  bool identifier_names) {
  return ReadNamed(r, loc, value_field, identifier_names);
}

std::optional<ParamRef> ReadParamRef(ObjectReader& r, const Loc& pr) {
  if (r.Object(pr) == nullptr) return std::nullopt;
  r.KnownFields(pr, {"name", "namespace", "selector", "parameterNotFoundAction"});
  ParamRef ref;
  ref.name = r.String(pr.Child("name"));
  ref.namespace_name = r.String(pr.Child("namespace"));
  if (r.At(pr.Child("selector")) != nullptr) {
    ref.selector = ReadSelector(r, pr.Child("selector"));
  }
  if (ref.name.empty() == !ref.selector.has_value()) {
    r.Error(pr,
            "Invalid value: exactly one of name or selector must be "
            "specified");
  }
  if (r.At(pr.Child("parameterNotFoundAction")) == nullptr) {
    r.Error(pr.Child("parameterNotFoundAction"), "Required value");
  }
  ref.parameter_not_found_action =
      r.Enum(pr.Child("parameterNotFoundAction"), {"Allow", "Deny"}, "Deny");
  return ref;
}

}  // namespace rayguard::policy
