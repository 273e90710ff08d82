#ifndef RAYGUARD_SCHEMA_CRD_SCHEMA_GENERATOR_H_
#define RAYGUARD_SCHEMA_CRD_SCHEMA_GENERATOR_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "webhook/core/result.h"

namespace rayguard::schema {

// One JSON Schema written by `rayguard schema gen`: the openAPIV3Schema of
// one served version of a CRD, descriptions dropped, tagged with its
// group/version/kind in the Kubernetes extension
// "x-kubernetes-group-version-kind" (which SchemaRegistry indexes by).
struct GeneratedSchema {
  std::string file_name;  // "ray.io_v1_raycluster.json"
  nlohmann::json schema;
};

// Generates one schema per version of every CustomResourceDefinition in
// `crd_yaml` (a CRD file, possibly multi-document). `source_name` is named
// in the schema's $comment. Returns InvalidArgument for YAML that does not
// parse or a document that is not a CRD with openAPIV3Schema versions.
Result<std::vector<GeneratedSchema>> GenerateSchemas(
    std::string_view crd_yaml, std::string_view source_name);

// The exact text written for a schema (stable key order, one-space indent,
// trailing newline), so regenerated files compare byte for byte.
std::string SchemaFileText(const nlohmann::json& schema);

}  // namespace rayguard::schema

#endif  // RAYGUARD_SCHEMA_CRD_SCHEMA_GENERATOR_H_
