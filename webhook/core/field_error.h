#ifndef RAYGUARD_CORE_FIELD_ERROR_H_
#define RAYGUARD_CORE_FIELD_ERROR_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "webhook/core/field_path.h"
#include "webhook/core/finding.h"

namespace rayguard {

// Builders for Findings worded like Kubernetes' field.Error. Each returns an
// error-severity Finding with `rule` set; the caller may change severity.
// Values are rendered as Kubernetes does (strings quoted, numbers bare) and
// truncated. A value at a path that may hold a credential (see
// redaction::IsSecretPath) is shown as its type and length only; pass
// kOmitted for a value not worth showing at all.
namespace field_error {

inline const nlohmann::json kOmitted = nlohmann::json::value_t::discarded;

// "Invalid value: 5: must be less than or equal to maxReplicas (2)"
Finding Invalid(std::string_view rule, const FieldPath& path,
                const nlohmann::json& value, std::string_view detail);
// "Required value: <detail>"
Finding Required(std::string_view rule, const FieldPath& path,
                 std::string_view detail);
// "Unsupported value: "x": supported values: "a", "b""
Finding NotSupported(std::string_view rule, const FieldPath& path,
                     const nlohmann::json& value,
                     const std::vector<std::string>& supported);
// "Duplicate value: "x""
Finding Duplicate(std::string_view rule, const FieldPath& path,
                  const nlohmann::json& value);
// "Forbidden: <detail>"
Finding Forbidden(std::string_view rule, const FieldPath& path,
                  std::string_view detail);
// "Too long: may not be more than <max> bytes"
Finding TooLong(std::string_view rule, const FieldPath& path,
                const nlohmann::json& value, std::int64_t max);
// "Too many: <actual>: must have at most <max> items"
Finding TooMany(std::string_view rule, const FieldPath& path,
                std::int64_t actual, std::int64_t max);
// "Invalid value: "abc": <detail>" with type TypeInvalid.
Finding TypeInvalid(std::string_view rule, const FieldPath& path,
                    const nlohmann::json& value, std::string_view detail);

// Kubernetes-style rendering of a value: "abc" quoted, 5 bare, objects and
// arrays as compact JSON, anything over 80 characters cut with "...".
// No redaction: only for values known not to be secret.
std::string RenderValue(const nlohmann::json& value);

// RenderValue of the value found at `path`, secrets redacted as the
// builders above redact them. Use this whenever a message quotes a value.
std::string RenderValueAt(const FieldPath& path, const nlohmann::json& value);

}  // namespace field_error
}  // namespace rayguard

#endif  // RAYGUARD_CORE_FIELD_ERROR_H_
