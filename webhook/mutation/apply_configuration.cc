#include "webhook/mutation/apply_configuration.h"

#include <algorithm>
#include <string>
#include <vector>

#include "webhook/core/field_path.h"

namespace rayguard::mutation {
namespace {

using nlohmann::json;

// CRDs describe `metadata` as a bare object; the API server merges it with
// ObjectMeta's own list and map types, so we do too.
const json& ObjectMetaSchema() {
  static const json kSchema = json::parse(R"({
    "type": "object",
    "properties": {
      "finalizers": {"type": "array", "items": {"type": "string"},
                     "x-kubernetes-list-type": "set"},
      "ownerReferences": {"type": "array", "items": {"type": "object"},
                          "x-kubernetes-list-type": "map",
                          "x-kubernetes-list-map-keys": ["uid"]}
    }
  })");
  return kSchema;
}

std::string Extension(const json* schema, const char* name) {
  if (schema == nullptr || !schema->is_object()) return "";
  auto it = schema->find(name);
  return it != schema->end() && it->is_string() ? it->get<std::string>() : "";
}

const json* Child(const json* schema, const std::string& key) {
  if (schema == nullptr || !schema->is_object()) return nullptr;
  auto props = schema->find("properties");
  if (props != schema->end() && props->is_object()) {
    auto it = props->find(key);
    if (it != props->end()) return &*it;
  }
  auto extra = schema->find("additionalProperties");
  if (extra != schema->end() && extra->is_object()) return &*extra;
  return nullptr;
}

const json* Items(const json* schema) {
  if (schema == nullptr || !schema->is_object()) return nullptr;
  auto it = schema->find("items");
  return it != schema->end() && it->is_object() ? &*it : nullptr;
}

std::vector<std::string> MapKeys(const json* schema) {
  std::vector<std::string> keys;
  auto it = schema->find("x-kubernetes-list-map-keys");
  if (it != schema->end() && it->is_array()) {
    for (const json& k : *it) {
      if (k.is_string()) keys.push_back(k.get<std::string>());
    }
  }
  return keys;
}

// The key of a list-map entry: the values of its key fields (null when a
// field is absent, which the server treats as the field's zero value only
// for defaulted keys; we require the applied entries to carry every key).
json EntryKey(const json& entry, const std::vector<std::string>& keys) {
  json key = json::array();
  for (const std::string& k : keys) {
    auto it = entry.is_object() ? entry.find(k) : entry.end();
    key.push_back(it == entry.end() ? json() : *it);
  }
  return key;
}

class Merger {
 public:
  Status Value(json* target, const json& applied, const json* schema,
               const FieldPath& path) {
    if (applied.is_object() && target->is_object() &&
        Extension(schema, "x-kubernetes-map-type") != "atomic") {
      return Object(target, applied, schema, path);
    }
    if (applied.is_array() && target->is_array()) {
      std::string type = Extension(schema, "x-kubernetes-list-type");
      if (type == "map") return ListMap(target, applied, schema, path);
      if (type == "set") return Set(target, applied);
    }
    if (*target != applied) {
      *target = applied;
      changed_ = true;
    }
    return Status::Ok();
  }

  bool changed() const { return changed_; }

 private:
  Status Object(json* target, const json& applied, const json* schema,
                const FieldPath& path) {
    for (const auto& [key, value] : applied.items()) {
      const json* child = path.str().empty() && key == "metadata"
                              ? &ObjectMetaSchema()
                              : Child(schema, key);
      auto it = target->find(key);
      if (it == target->end()) {
        // Merge into an empty value so list keys are checked here too.
        it = target
                 ->emplace(key,
                           value.is_structured() ? json(value.type()) : value)
                 .first;
        changed_ = true;
      }
      Status s = Value(&*it, value, child, path.Child(key));
      if (!s.ok()) return s;
    }
    return Status::Ok();
  }

  Status ListMap(json* target, const json& applied, const json* schema,
                 const FieldPath& path) {
    const std::vector<std::string> keys = MapKeys(schema);
    const json* items = Items(schema);
    std::vector<json> seen;
    for (std::size_t i = 0; i < applied.size(); ++i) {
      const json& entry = applied[i];
      json key = EntryKey(entry, keys);
      for (std::size_t k = 0; k < keys.size(); ++k) {
        if (key[k].is_null()) {
          return Status::InvalidArgument(path.Index(i).Child(keys[k]).str() +
                                         ": Required value: list key of " +
                                         path.str());
        }
      }
      if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
        return Status::InvalidArgument(path.Index(i).str() +
                                       ": Duplicate value: " + key.dump());
      }
      seen.push_back(key);
      json* match = nullptr;
      for (json& existing : *target) {
        if (EntryKey(existing, keys) == key) match = &existing;
      }
      if (match == nullptr) {
        target->push_back(entry);
        changed_ = true;
        continue;
      }
      Status s = Value(match, entry, items, path.Index(i));
      if (!s.ok()) return s;
    }
    return Status::Ok();
  }

  Status Set(json* target, const json& applied) {
    for (const json& v : applied) {
      if (std::find(target->begin(), target->end(), v) == target->end()) {
        target->push_back(v);
        changed_ = true;
      }
    }
    return Status::Ok();
  }

  bool changed_ = false;
};

}  // namespace

Status MergeApplyConfiguration(nlohmann::json* object,
                               const nlohmann::json& applied,
                               const nlohmann::json* schema, bool* changed) {
  if (!applied.is_object()) {
    return Status::InvalidArgument(
        "apply configuration must be an object, got " +
        std::string(applied.type_name()));
  }
  Merger merger;
  Status s = merger.Value(object, applied, schema, FieldPath());
  if (changed != nullptr && merger.changed()) *changed = true;
  return s;
}

}  // namespace rayguard::mutation
