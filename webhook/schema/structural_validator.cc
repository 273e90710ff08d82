#include "webhook/schema/structural_validator.h"

#include <cmath>
#include <set>
#include <string>

#include "webhook/core/field_error.h"
#include "webhook/schema/internal/object_meta.h"
#include "webhook/schema/internal/scalar_checks.h"

namespace rayguard::schema {
namespace {

using nlohmann::json;
using Node = SchemaNode;
using Type = SchemaNode::Type;
constexpr char kRule[] = "schema";

// Walks one object with its schema. The path is kept in one growing buffer
// and only copied into a Finding when something is wrong, which keeps a
// clean walk free of per-node allocations.
class Walker {
 public:
  Walker(const StructuralOptions& options, Findings* findings)
      : options_(options), findings_(findings) {}

  void Walk(const Node& s, const json& v) {
    if (findings_->size() >= kMaxFindings) return;
    if (v.is_null()) {
      if (!s.nullable && s.type != Type::kAny) TypeError(s, v);
      return;
    }
    if (!HasType(s, v)) {
      TypeError(s, v);
      return;
    }
    if (!s.enum_values.empty() && !InEnum(s, v)) return;
    switch (s.type) {
      case Type::kObject:
        WalkObject(s, v);
        break;
      case Type::kArray:
        WalkArray(s, v);
        break;
      case Type::kAny:
        break;
      default:
        CheckScalar(s, v);
        break;
    }
    if (!s.validations.empty()) RunValidations(s, v);
  }

 private:
  // Restores the path when a child has been walked.
  class Scope {
   public:
    explicit Scope(Walker* w) : w_(w), size_(w->path_.size()) {}
    ~Scope() { w_->path_.resize(size_); }

   private:
    Walker* w_;
    std::size_t size_;
  };

  void PushField(std::string_view name) {
    if (!path_.empty()) path_ += '.';
    path_ += name;
  }
  void PushIndex(std::size_t i) {
    path_ += '[';
    path_ += std::to_string(i);
    path_ += ']';
  }
  void PushKey(std::string_view key) {
    path_ += '[';
    path_ += key;
    path_ += ']';
  }

  FieldPath Path() const { return FieldPath(path_); }
  void Add(Finding f) { findings_->push_back(std::move(f)); }

  static bool HasType(const Node& s, const json& v) {
    switch (s.type) {
      case Type::kObject:
        return v.is_object();
      case Type::kArray:
        return v.is_array();
      case Type::kString:
        return v.is_string();
      case Type::kInteger:
        return internal::IsInteger(v);
      case Type::kNumber:
        return v.is_number();
      case Type::kBoolean:
        return v.is_boolean();
      case Type::kIntOrString:
        return v.is_string() || internal::IsInteger(v);
      case Type::kAny:
        return true;
    }
    return true;
  }

  void TypeError(const Node& s, const json& v) {
    Add(field_error::TypeInvalid(
        kRule, Path(), v, std::string("must be of type ") + TypeName(s.type)));
  }

  bool InEnum(const Node& s, const json& v) {
    for (const json& e : s.enum_values) {
      if (e == v) return true;
    }
    std::vector<std::string> supported;
    for (const json& e : s.enum_values) {
      supported.push_back(e.is_string() ? e.get<std::string>() : e.dump());
    }
    Add(field_error::NotSupported(kRule, Path(), v, supported));
    return false;
  }

  void CheckScalar(const Node& s, const json& v) {
    std::optional<Finding> f = internal::CheckScalar(s, v, Path(), v);
    if (f) Add(std::move(*f));
  }

  void WalkObject(const Node& s, const json& v) {
    if (s.object_meta) {
      internal::ValidateObjectMeta(
          v, path_, /*check_name=*/!path_.empty() && path_ != "metadata",
          findings_);
    }
    for (const auto& [key, child] : v.items()) {
      Scope scope(this);
      if (const Node* prop = s.FindProperty(key)) {
        PushField(key);
        Walk(*prop, child);
      } else if (s.additional_properties) {
        PushKey(key);
        Walk(*s.additional_properties, child);
      } else if (!IsImplicitField(s, key)) {
        PushField(key);
        UnknownField();
      }
    }
    for (const std::string& name : s.required) {
      if (v.contains(name)) continue;
      Scope scope(this);
      PushField(name);
      Add(field_error::Required(kRule, Path(), ""));
    }
    CheckPropertyCount(s, v);
  }

  bool IsImplicitField(const Node& s, const std::string& key) const {
    if (s.preserve_unknown_fields) return true;
    if (s.object_meta) return internal::IsObjectMetaField(key);
    return s.embedded_resource && (key == "apiVersion" || key == "kind");
  }

  void UnknownField() {
    Finding f;
    f.rule = kRule;
    f.path = path_;
    f.type = "Forbidden";
    f.message = "unknown field \"" + path_ + "\"";
    f.severity = options_.strict ? Severity::kError : Severity::kWarning;
    Add(std::move(f));
  }

  void CheckPropertyCount(const Node& s, const json& v) {
    auto n = static_cast<std::int64_t>(v.size());
    if (s.max_properties && n > *s.max_properties) {
      Add(field_error::TooMany(kRule, Path(), n, *s.max_properties));
    }
    if (s.min_properties && n < *s.min_properties) {
      Add(field_error::Invalid(kRule, Path(), field_error::kOmitted,
                               "should have at least " +
                                   std::to_string(*s.min_properties) +
                                   " properties"));
    }
  }

  void WalkArray(const Node& s, const json& v) {
    auto n = static_cast<std::int64_t>(v.size());
    if (s.max_items && n > *s.max_items) {
      Add(field_error::TooMany(kRule, Path(), n, *s.max_items));
    }
    if (s.min_items && n < *s.min_items) {
      Add(field_error::Invalid(
          kRule, Path(), v,
          "should have at least " + std::to_string(*s.min_items) + " items"));
    }
    if (s.items) {
      for (std::size_t i = 0; i < v.size(); ++i) {
        Scope scope(this);
        PushIndex(i);
        Walk(*s.items, v[i]);
      }
    }
    if (s.list_type != Node::ListType::kAtomic) CheckDuplicates(s, v);
  }

  // list-type set: items are unique; list-type map: the list-map-keys tuple
  // of each item is. Reported at the later item, as the API server does.
  void CheckDuplicates(const Node& s, const json& v) {
    std::set<json> seen;
    for (std::size_t i = 0; i < v.size(); ++i) {
      json key = s.list_type == Node::ListType::kSet ? v[i] : MapKey(s, v[i]);
      if (key.is_discarded() || seen.insert(key).second) continue;
      Scope scope(this);
      PushIndex(i);
      Add(field_error::Duplicate(kRule, Path(), key));
    }
  }

  static json MapKey(const Node& s, const json& item) {
    if (!item.is_object()) return json(json::value_t::discarded);
    json key = json::object();
    for (const std::string& k : s.list_map_keys) {
      auto it = item.find(k);
      if (it != item.end()) key[k] = *it;
    }
    return key;
  }

  // x-kubernetes-validations: each rule is a CEL expression over `self`
  // that must be true. Transition rules (oldSelf) run only on update, as in
  // the API server; since the old value at this path is not tracked here,
  // they are listed as not evaluated rather than passed.
  void RunValidations(const Node& s, const json& v) {
    for (const Node::CelRule& r : s.validations) {
      if (r.transition && !options_.has_old_object) continue;
      if (r.transition || !r.program) {
        NotEvaluated(r);
        continue;
      }
      cel::Activation activation;
      activation.Bind("self", &v);
      cel::Value result = r.program->Eval(activation);
      if (result.kind() == cel::Value::Kind::kBool && result.bool_value()) {
        continue;
      }
      std::string detail =
          r.message.empty() ? "failed rule: " + r.rule : r.message;
      if (result.IsError()) {
        detail = "rule evaluation error: " + r.rule + ": " +
                 std::string(result.error_message());
      }
      Add(field_error::Invalid(kRule, Path(), v, detail));
    }
  }

  void NotEvaluated(const Node::CelRule& r) {
    Finding f;
    f.rule = kRule;
    f.path = path_;
    f.severity = Severity::kWarning;
    f.message =
        "x-kubernetes-validations rule not evaluated (" +
        (r.transition ? std::string("transition rule") : r.compile_error) +
        "): " + r.rule;
    Add(std::move(f));
  }

  const StructuralOptions& options_;
  Findings* findings_;
  std::string path_;
};

}  // namespace

void ValidateStructural(const SchemaNode& root, const nlohmann::json& object,
                        const StructuralOptions& options, Findings* findings) {
  Walker(options, findings).Walk(root, object);
}

}  // namespace rayguard::schema
