#ifndef RAYGUARD_SCHEMA_INTERNAL_SCALAR_CHECKS_H_
#define RAYGUARD_SCHEMA_INTERNAL_SCALAR_CHECKS_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "webhook/core/field_path.h"
#include "webhook/core/finding.h"
#include "webhook/schema/structural_schema.h"

namespace rayguard::schema::internal {

// An integer, or a float with no fractional part (JSON has one number type;
// 2.0 is the integer 2).
bool IsInteger(const nlohmann::json& v);

// Checks a string, number or int-or-string `v` (already known to have the
// schema's type) against format, bounds, lengths and pattern. Returns the
// first fault as a Finding at `path`, showing `shown` as the value.
std::optional<Finding> CheckScalar(const SchemaNode& s, const nlohmann::json& v,
                                   const FieldPath& path,
                                   const nlohmann::json& shown);

}  // namespace rayguard::schema::internal

#endif  // RAYGUARD_SCHEMA_INTERNAL_SCALAR_CHECKS_H_
