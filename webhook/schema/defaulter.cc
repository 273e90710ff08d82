#include "webhook/schema/defaulter.h"

#include <string>
#include <vector>

namespace rayguard::schema {
namespace {

using nlohmann::json;

void DefaultObject(const SchemaNode& s, json* object) {
  for (const SchemaNode::Property& p : s.properties) {
    if (!p.schema->default_value) continue;
    auto it = object->find(p.name);
    if (it == object->end() || (it->is_null() && !p.schema->nullable)) {
      (*object)[p.name] = *p.schema->default_value;
    }
  }
  std::vector<std::string> pruned;
  for (auto& [key, value] : object->items()) {
    const SchemaNode* child = s.FindProperty(key);
    if (!child) child = s.additional_properties.get();
    if (!child) continue;
    if (value.is_null() && !child->nullable) {
      pruned.push_back(key);
      continue;
    }
    ApplyStructuralDefaults(*child, &value);
  }
  for (const std::string& key : pruned) object->erase(key);
}

// Mirrors DefaultObject: a default to fill in or a null to prune, here or
// below, means a change.
bool ObjectNeedsDefaults(const SchemaNode& s, const json& object) {
  for (const SchemaNode::Property& p : s.properties) {
    if (!p.schema->default_value) continue;
    auto it = object.find(p.name);
    if (it == object.end() || (it->is_null() && !p.schema->nullable)) {
      return true;
    }
  }
  for (const auto& [key, value] : object.get_ref<const json::object_t&>()) {
    const SchemaNode* child = s.FindProperty(key);
    if (!child) child = s.additional_properties.get();
    if (!child) continue;
    if (value.is_null() && !child->nullable) return true;
    if (NeedsStructuralDefaults(*child, value)) return true;
  }
  return false;
}

}  // namespace

bool NeedsStructuralDefaults(const SchemaNode& schema, const json& object) {
  if (object.is_object() && schema.type == SchemaNode::Type::kObject) {
    return ObjectNeedsDefaults(schema, object);
  }
  if (object.is_array() && schema.items) {
    for (const json& item : object) {
      if (NeedsStructuralDefaults(*schema.items, item)) return true;
    }
  }
  return false;
}

void ApplyStructuralDefaults(const SchemaNode& schema, json* object) {
  if (object->is_object() && schema.type == SchemaNode::Type::kObject) {
    DefaultObject(schema, object);
  } else if (object->is_array() && schema.items) {
    for (json& item : *object) ApplyStructuralDefaults(*schema.items, &item);
  }
}

}  // namespace rayguard::schema
