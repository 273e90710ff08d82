#ifndef RAYGUARD_SCHEMA_STRUCTURAL_VALIDATOR_H_
#define RAYGUARD_SCHEMA_STRUCTURAL_VALIDATOR_H_

#include <nlohmann/json.hpp>

#include "webhook/core/finding.h"
#include "webhook/schema/structural_schema.h"

namespace rayguard::schema {

struct StructuralOptions {
  // Unknown fields are errors (the API server's fieldValidation=Strict,
  // kubectl's default) instead of warnings.
  bool strict = false;
  // The request has an old object (UPDATE): transition rules would apply.
  bool has_old_object = false;
};

// Validates `object` against a compiled CRD schema with the API server's
// structural-schema semantics and appends one Finding (rule "schema") per
// fault, at the deepest path, never a cascade: a value of the wrong type is
// reported once and not looked into. x-kubernetes-validations rules are not
// evaluated here; each one that would run is reported as a warning saying
// so. Values under secret paths are shown as their type and length only
// (see redaction::IsSecretPath).
// Thread-safe; REQUIRES: findings != nullptr
void ValidateStructural(const SchemaNode& root, const nlohmann::json& object,
                        const StructuralOptions& options, Findings* findings);

}  // namespace rayguard::schema

#endif  // RAYGUARD_SCHEMA_STRUCTURAL_VALIDATOR_H_
