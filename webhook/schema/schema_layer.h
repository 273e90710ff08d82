#ifndef RAYGUARD_SCHEMA_SCHEMA_LAYER_H_
#define RAYGUARD_SCHEMA_SCHEMA_LAYER_H_

#include <memory>
#include <string>

#include "webhook/core/layer.h"
#include "webhook/core/result.h"

namespace rayguard::schema {

struct SchemaLayerOptions {
  // Directory of generated schemas; empty means the bundled schemas/
  // (see ResolveSchemasDir).
  std::string schemas_dir;
  // Unknown fields are errors rather than warnings.
  bool strict = false;
  // Compile the schema files on threads of their own (see
  // ValidatorOptions::parallel_load).
  bool parallel_load = true;
};

// The structural layer: ApplyDefaults applies the CRD defaults as the API
// server does on decode; Check reports structural faults (rule "schema"),
// unknown fields, unevaluated x-kubernetes-validations (warnings), an
// apiVersion with no schema, and overlay violations
// (rule "schema/overlay/<file>"). Returns the registry's load error, naming
// the path, when the schemas do not load.
Result<std::unique_ptr<Layer>> NewSchemaLayer(
    const SchemaLayerOptions& options);

}  // namespace rayguard::schema

#endif  // RAYGUARD_SCHEMA_SCHEMA_LAYER_H_
