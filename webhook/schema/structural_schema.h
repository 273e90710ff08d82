#ifndef RAYGUARD_SCHEMA_STRUCTURAL_SCHEMA_H_
#define RAYGUARD_SCHEMA_STRUCTURAL_SCHEMA_H_

#include <re2/re2.h>

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "webhook/cel/cel.h"
#include "webhook/core/result.h"

namespace rayguard::schema {

// A Kubernetes structural schema (the openAPIV3Schema of a CRD version)
// compiled into a tree that the validator and defaulter walk directly:
// property lookup by binary search, patterns precompiled with RE2 (the
// regular-expression dialect the API server uses), enums and defaults held
// as JSON. Immutable after CompileStructuralSchema; safe to share.
struct SchemaNode {
  enum class Type {
    kAny,
    kObject,
    kArray,
    kString,
    kInteger,
    kNumber,
    kBoolean,
    kIntOrString
  };
  enum class Format { kNone, kInt32, kInt64, kDateTime };
  enum class ListType { kAtomic, kSet, kMap };

  struct Property {
    std::string name;
    std::unique_ptr<SchemaNode> schema;
  };
  // One x-kubernetes-validations entry.
  struct CelRule {
    std::string rule;
    std::string message;
    bool transition = false;  // refers to oldSelf: only checked on update
    // Compiled with `self` and `oldSelf`; null when it did not compile
    // (compile_error says why) and then reported as not evaluated.
    std::shared_ptr<const cel::Program> program;
    std::string compile_error;
  };

  Type type = Type::kAny;
  Format format = Format::kNone;
  bool nullable = false;
  bool preserve_unknown_fields = false;
  bool embedded_resource = false;
  // Kubernetes ObjectMeta (the root's and embedded resources' metadata):
  // validated as the API server validates metadata, not by the schema.
  bool object_meta = false;

  std::vector<Property> properties;                   // sorted by name
  std::unique_ptr<SchemaNode> additional_properties;  // map values
  std::vector<std::string> required;
  std::unique_ptr<SchemaNode> items;
  ListType list_type = ListType::kAtomic;
  std::vector<std::string> list_map_keys;

  std::optional<double> minimum, maximum;
  bool exclusive_minimum = false, exclusive_maximum = false;
  std::optional<std::int64_t> min_length, max_length, min_items, max_items,
      min_properties, max_properties;
  std::unique_ptr<RE2> pattern;  // for strings (and int-or-string strings)
  std::vector<nlohmann::json> enum_values;
  std::optional<nlohmann::json> default_value;
  std::vector<CelRule> validations;

  // The property schema called `name`, or nullptr.
  const SchemaNode* FindProperty(std::string_view name) const;
};

// Compiles an openAPIV3Schema (as written by `schema gen`). Returns
// InvalidArgument naming the schema location of anything it cannot honour
// (an unknown type, a pattern RE2 rejects).
Result<std::unique_ptr<SchemaNode>> CompileStructuralSchema(
    const nlohmann::json& schema);

// "integer", "string", ... as Kubernetes names types in messages.
const char* TypeName(SchemaNode::Type type);

}  // namespace rayguard::schema

#endif  // RAYGUARD_SCHEMA_STRUCTURAL_SCHEMA_H_
