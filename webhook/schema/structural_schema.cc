#include "webhook/schema/structural_schema.h"

#include <algorithm>

namespace rayguard::schema {
namespace {

using nlohmann::json;
using Node = SchemaNode;

Result<std::unique_ptr<Node>> Compile(const json& s, const std::string& where,
                                      bool is_root);

Status Error(const std::string& where, const std::string& what) {
  return Status::InvalidArgument(
      "schema " + (where.empty() ? "<root>" : where) + ": " + what);
}

Result<Node::Type> ParseType(const json& s, const std::string& where) {
  if (s.value("x-kubernetes-int-or-string", false)) {
    return Node::Type::kIntOrString;
  }
  std::string t = s.value("type", "");
  if (t.empty()) return Node::Type::kAny;
  if (t == "object") return Node::Type::kObject;
  if (t == "array") return Node::Type::kArray;
  if (t == "string") return Node::Type::kString;
  if (t == "integer") return Node::Type::kInteger;
  if (t == "number") return Node::Type::kNumber;
  if (t == "boolean") return Node::Type::kBoolean;
  return Error(where, "unsupported type '" + t + "'");
}

Node::Format ParseFormat(const std::string& f) {
  if (f == "int32") return Node::Format::kInt32;
  if (f == "int64") return Node::Format::kInt64;
  if (f == "date-time") return Node::Format::kDateTime;
  return Node::Format::kNone;
}

std::optional<std::int64_t> OptionalInt(const json& s, const char* key) {
  auto it = s.find(key);
  if (it == s.end() || !it->is_number()) return std::nullopt;
  return it->get<std::int64_t>();
}

std::optional<double> OptionalNumber(const json& s, const char* key) {
  auto it = s.find(key);
  if (it == s.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

Status CompilePattern(const std::string& text, const std::string& where,
                      Node* node) {
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_unique<RE2>(text, options);
  if (!re->ok()) return Error(where, "bad pattern: " + re->error());
  node->pattern = std::move(re);
  return Status::Ok();
}

// For int-or-string the quantity pattern sits on the anyOf string branch.
Status CompileIntOrString(const json& s, const std::string& where, Node* n) {
  auto any_of = s.find("anyOf");
  if (any_of == s.end() || !any_of->is_array()) return Status::Ok();
  for (const json& branch : *any_of) {
    if (branch.value("type", "") == "string" && branch.contains("pattern")) {
      return CompilePattern(branch["pattern"].get<std::string>(), where, n);
    }
  }
  return Status::Ok();
}

// The environment x-kubernetes-validations rules run in.
const cel::Env& RuleEnv() {
  static const cel::Env env = [] {
    cel::Env e;
    e.variables = {"self", "oldSelf"};
    return e;
  }();
  return env;
}

void CompileValidations(const json& s, Node* node) {
  auto it = s.find("x-kubernetes-validations");
  if (it == s.end() || !it->is_array()) return;
  for (const json& v : *it) {
    Node::CelRule r;
    r.rule = v.value("rule", "");
    r.message = v.value("message", "");
    r.transition = r.rule.find("oldSelf") != std::string::npos;
    auto program = cel::Compile(r.rule, RuleEnv());
    if (program.ok()) {
      r.program = std::move(program).value();
    } else {
      r.compile_error = program.status().message();
    }
    node->validations.push_back(std::move(r));
  }
}

Status CompileObject(const json& s, const std::string& where, bool is_root,
                     Node* node) {
  if (auto props = s.find("properties"); props != s.end()) {
    for (const auto& [name, sub] : props->items()) {
      auto child = Compile(sub, where + "." + name, false);
      if (!child.ok()) return child.status();
      node->properties.push_back({name, std::move(child).value()});
    }
    std::sort(node->properties.begin(), node->properties.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });
  }
  if (auto ap = s.find("additionalProperties");
      ap != s.end() && ap->is_object()) {
    auto child = Compile(*ap, where + "[*]", false);
    if (!child.ok()) return child.status();
    node->additional_properties = std::move(child).value();
  }
  if (auto req = s.find("required"); req != s.end() && req->is_array()) {
    for (const json& r : *req) node->required.push_back(r.get<std::string>());
  }
  // The API server validates metadata itself (ObjectMeta), whatever the CRD
  // schema says about it.
  if (is_root || node->embedded_resource) {
    auto meta =
        std::find_if(node->properties.begin(), node->properties.end(),
                     [](const auto& p) { return p.name == "metadata"; });
    if (meta == node->properties.end()) {
      node->properties.push_back({"metadata", std::make_unique<Node>()});
      std::sort(node->properties.begin(), node->properties.end(),
                [](const auto& a, const auto& b) { return a.name < b.name; });
      meta = std::find_if(node->properties.begin(), node->properties.end(),
                          [](const auto& p) { return p.name == "metadata"; });
    }
    meta->schema->type = Node::Type::kObject;
    meta->schema->object_meta = true;
  }
  return Status::Ok();
}

Status CompileArray(const json& s, const std::string& where, Node* node) {
  if (auto items = s.find("items"); items != s.end()) {
    auto child = Compile(*items, where + "[*]", false);
    if (!child.ok()) return child.status();
    node->items = std::move(child).value();
  }
  std::string list_type = s.value("x-kubernetes-list-type", "atomic");
  if (list_type == "set") node->list_type = Node::ListType::kSet;
  if (list_type == "map") {
    node->list_type = Node::ListType::kMap;
    if (auto keys = s.find("x-kubernetes-list-map-keys"); keys != s.end()) {
      for (const json& k : *keys) node->list_map_keys.push_back(k);
    }
  }
  return Status::Ok();
}

Result<std::unique_ptr<Node>> Compile(const json& s, const std::string& where,
                                      bool is_root) {
  if (!s.is_object()) return Error(where, "a schema must be an object");
  auto node = std::make_unique<Node>();
  auto type = ParseType(s, where);
  if (!type.ok()) return type.status();
  node->type = *type;
  node->format = ParseFormat(s.value("format", ""));
  node->nullable = s.value("nullable", false);
  node->preserve_unknown_fields =
      s.value("x-kubernetes-preserve-unknown-fields", false);
  node->embedded_resource = s.value("x-kubernetes-embedded-resource", false);
  node->minimum = OptionalNumber(s, "minimum");
  node->maximum = OptionalNumber(s, "maximum");
  node->exclusive_minimum = s.value("exclusiveMinimum", false);
  node->exclusive_maximum = s.value("exclusiveMaximum", false);
  node->min_length = OptionalInt(s, "minLength");
  node->max_length = OptionalInt(s, "maxLength");
  node->min_items = OptionalInt(s, "minItems");
  node->max_items = OptionalInt(s, "maxItems");
  node->min_properties = OptionalInt(s, "minProperties");
  node->max_properties = OptionalInt(s, "maxProperties");
  if (auto e = s.find("enum"); e != s.end() && e->is_array()) {
    node->enum_values.assign(e->begin(), e->end());
  }
  if (auto d = s.find("default"); d != s.end()) node->default_value = *d;
  if (auto p = s.find("pattern"); p != s.end() && p->is_string()) {
    Status st = CompilePattern(p->get<std::string>(), where, node.get());
    if (!st.ok()) return st;
  }
  CompileValidations(s, node.get());
  Status st = Status::Ok();
  if (node->type == Node::Type::kIntOrString) {
    st = CompileIntOrString(s, where, node.get());
  } else if (node->type == Node::Type::kObject || is_root ||
             s.contains("properties")) {
    if (node->type == Node::Type::kAny) node->type = Node::Type::kObject;
    st = CompileObject(s, where, is_root, node.get());
  } else if (node->type == Node::Type::kArray) {
    st = CompileArray(s, where, node.get());
  }
  if (!st.ok()) return st;
  return node;
}

}  // namespace

const SchemaNode* SchemaNode::FindProperty(std::string_view name) const {
  auto it = std::lower_bound(
      properties.begin(), properties.end(), name,
      [](const Property& p, std::string_view n) { return p.name < n; });
  if (it == properties.end() || it->name != name) return nullptr;
  return it->schema.get();
}

Result<std::unique_ptr<SchemaNode>> CompileStructuralSchema(
    const nlohmann::json& schema) {
  return Compile(schema, "", true);
}

const char* TypeName(SchemaNode::Type type) {
  switch (type) {
    case SchemaNode::Type::kObject:
      return "object";
    case SchemaNode::Type::kArray:
      return "array";
    case SchemaNode::Type::kString:
      return "string";
    case SchemaNode::Type::kInteger:
      return "integer";
    case SchemaNode::Type::kNumber:
      return "number";
    case SchemaNode::Type::kBoolean:
      return "boolean";
    case SchemaNode::Type::kIntOrString:
      return "integer or string";
    case SchemaNode::Type::kAny:
      break;
  }
  return "any";
}

}  // namespace rayguard::schema
