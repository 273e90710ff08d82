#ifndef RAYGUARD_SCHEMA_INTERNAL_YAML_JSON_H_
#define RAYGUARD_SCHEMA_INTERNAL_YAML_JSON_H_

#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "webhook/core/result.h"

namespace rayguard::schema::internal {

// Parses every document of a YAML stream (a CRD file) into JSON. Plain
// scalars become null, booleans, integers or floats as in YAML 1.2's core
// schema; quoted and block scalars stay strings. Empty documents are
// skipped. Returns InvalidArgument with the line on a syntax error.
Result<std::vector<nlohmann::json>> ParseYamlDocuments(std::string_view text);

}  // namespace rayguard::schema::internal

#endif  // RAYGUARD_SCHEMA_INTERNAL_YAML_JSON_H_
