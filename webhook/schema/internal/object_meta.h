#ifndef RAYGUARD_SCHEMA_INTERNAL_OBJECT_META_H_
#define RAYGUARD_SCHEMA_INTERNAL_OBJECT_META_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "webhook/core/finding.h"

namespace rayguard::schema::internal {

// True for the fields of Kubernetes ObjectMeta (metav1.ObjectMeta).
bool IsObjectMetaField(std::string_view name);

// Validates `meta` (an object) as the API server validates ObjectMeta:
// label keys and values, annotation keys and total size, and, when
// `check_name` is set, name/generateName as DNS-1123 subdomains. Appends
// error Findings with rule "schema" under `path` ("metadata",
// "spec.template.metadata") to *findings.
// REQUIRES: findings != nullptr
void ValidateObjectMeta(const nlohmann::json& meta, const std::string& path,
                        bool check_name, Findings* findings);

}  // namespace rayguard::schema::internal

#endif  // RAYGUARD_SCHEMA_INTERNAL_OBJECT_META_H_
