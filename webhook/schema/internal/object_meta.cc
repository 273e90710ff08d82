#include "webhook/schema/internal/object_meta.h"

#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "webhook/core/field_error.h"

namespace rayguard::schema::internal {
namespace {

// Wording and limits from k8s.io/apimachinery/pkg/util/validation, so
// messages match what kubectl prints.
constexpr char kQualifiedNameFmt[] = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
constexpr char kDns1123SubdomainFmt[] =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
constexpr std::size_t kQualifiedNameMaxLength = 63;
constexpr std::size_t kDns1123SubdomainMaxLength = 253;
constexpr std::size_t kLabelValueMaxLength = 63;
constexpr std::size_t kTotalAnnotationSizeLimit = 256 * 1024;

const std::string kQualifiedNameHelp =
    "must consist of alphanumeric characters, '-', '_' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'MyName',  or "
    "'my.name',  or '123-abc', regex used for validation is '" +
    std::string(kQualifiedNameFmt) + "')";
const std::string kDns1123SubdomainHelp =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
    "characters, '-' or '.', and must start and end with an alphanumeric "
    "character (e.g. 'example.com', regex used for validation is '" +
    std::string(kDns1123SubdomainFmt) + "')";
const std::string kLabelValueHelp =
    "a valid label must be an empty string or consist of alphanumeric "
    "characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
    "regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?"
    "[A-Za-z0-9])?')";

bool IsQualifiedNamePart(std::string_view s) {
  static const RE2 re(kQualifiedNameFmt);
  return RE2::FullMatch(s, re);
}

bool IsDns1123Subdomain(std::string_view s) {
  static const RE2 re(kDns1123SubdomainFmt);
  return RE2::FullMatch(s, re);
}

// Returns the first reason `s` is not a qualified name, or "".
std::string QualifiedNameError(std::string_view s) {
  std::string_view name = s;
  std::size_t slash = s.find('/');
  if (slash != std::string_view::npos) {
    if (s.find('/', slash + 1) != std::string_view::npos) {
      return "a qualified name " + kQualifiedNameHelp +
             " with an optional DNS subdomain prefix and '/' (e.g. "
             "'example.com/MyName')";
    }
    std::string_view prefix = s.substr(0, slash);
    name = s.substr(slash + 1);
    if (prefix.empty()) return "prefix part must be non-empty";
    if (prefix.size() > kDns1123SubdomainMaxLength) {
      return "prefix part must be no more than 253 characters";
    }
    if (!IsDns1123Subdomain(prefix)) {
      return "prefix part " + kDns1123SubdomainHelp;
    }
  }
  if (name.empty()) return "name part must be non-empty";
  if (name.size() > kQualifiedNameMaxLength) {
    return "name part must be no more than 63 characters";
  }
  if (!IsQualifiedNamePart(name)) {
    return "name part " + kQualifiedNameHelp;
  }
  return "";
}

std::string LabelValueError(std::string_view v) {
  if (v.size() > kLabelValueMaxLength) {
    return "must be no more than 63 characters";
  }
  if (!v.empty() && !IsQualifiedNamePart(v)) return kLabelValueHelp;
  return "";
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

// Labels and annotations must be maps of strings; returns false (after
// reporting) when `map` is not.
bool CheckStringMap(const nlohmann::json& map, const FieldPath& path,
                    Findings* findings) {
  if (!map.is_object()) {
    findings->push_back(field_error::TypeInvalid("schema", path, map,
                                                 "must be of type object"));
    return false;
  }
  bool ok = true;
  for (const auto& [k, v] : map.items()) {
    if (v.is_string()) continue;
    findings->push_back(field_error::TypeInvalid("schema", path.Key(k), v,
                                                 "must be of type string"));
    ok = false;
  }
  return ok;
}

void CheckLabels(const nlohmann::json& labels, const FieldPath& path,
                 Findings* findings) {
  if (!CheckStringMap(labels, path, findings)) return;
  for (const auto& [k, v] : labels.items()) {
    if (std::string e = QualifiedNameError(k); !e.empty()) {
      findings->push_back(field_error::Invalid("schema", path, k, e));
    }
    if (std::string e = LabelValueError(v.get_ref<const std::string&>());
        !e.empty()) {
      findings->push_back(field_error::Invalid("schema", path.Key(k), v, e));
    }
  }
}

void CheckAnnotations(const nlohmann::json& annotations, const FieldPath& path,
                      Findings* findings) {
  if (!CheckStringMap(annotations, path, findings)) return;
  std::size_t total = 0;
  for (const auto& [k, v] : annotations.items()) {
    total += k.size() + v.get_ref<const std::string&>().size();
    if (std::string e = QualifiedNameError(Lower(k)); !e.empty()) {
      findings->push_back(field_error::Invalid("schema", path, k, e));
    }
  }
  if (total > kTotalAnnotationSizeLimit) {
    Finding f = field_error::TooLong("schema", path, field_error::kOmitted,
                                     kTotalAnnotationSizeLimit);
    findings->push_back(std::move(f));
  }
}

void CheckName(const nlohmann::json& meta, const char* field,
               const FieldPath& path, Findings* findings) {
  auto it = meta.find(field);
  if (it == meta.end() || it->is_null()) return;
  if (!it->is_string()) {
    findings->push_back(field_error::TypeInvalid(
        "schema", path.Child(field), *it, "must be of type string"));
    return;
  }
  std::string name = *it;
  // generateName is a prefix; the API server appends 5 random characters.
  if (std::string_view(field) == "generateName") name += "abcde";
  if (name.size() > kDns1123SubdomainMaxLength) {
    findings->push_back(
        field_error::Invalid("schema", path.Child(field), *it,
                             "must be no more than 253 characters"));
  } else if (!IsDns1123Subdomain(name)) {
    findings->push_back(field_error::Invalid("schema", path.Child(field), *it,
                                             kDns1123SubdomainHelp));
  }
}

}  // namespace

bool IsObjectMetaField(std::string_view name) {
  static constexpr std::array<std::string_view, 15> kFields = {
      "annotations",
      "creationTimestamp",
      "deletionGracePeriodSeconds",
      "deletionTimestamp",
      "finalizers",
      "generateName",
      "generation",
      "labels",
      "managedFields",
      "name",
      "namespace",
      "ownerReferences",
      "resourceVersion",
      "selfLink",
      "uid"};
  return std::find(kFields.begin(), kFields.end(), name) != kFields.end();
}

void ValidateObjectMeta(const nlohmann::json& meta, const std::string& path,
                        bool check_name, Findings* findings) {
  FieldPath p(path);
  if (auto it = meta.find("labels"); it != meta.end() && !it->is_null()) {
    CheckLabels(*it, p.Child("labels"), findings);
  }
  if (auto it = meta.find("annotations"); it != meta.end() && !it->is_null()) {
    CheckAnnotations(*it, p.Child("annotations"), findings);
  }
  if (check_name) {
    CheckName(meta, "name", p, findings);
    CheckName(meta, "generateName", p, findings);
  }
}

}  // namespace rayguard::schema::internal
