#include "webhook/schema/internal/scalar_checks.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "webhook/core/field_error.h"

namespace rayguard::schema::internal {
namespace {

using nlohmann::json;
constexpr char kRule[] = "schema";

// Bounds print as Kubernetes prints them: 0, not 0.000000.
std::string FormatBound(double d) {
  if (std::floor(d) == d && std::fabs(d) < 1e15) {
    return std::to_string(static_cast<std::int64_t>(d));
  }
  std::string s = std::to_string(d);
  s.erase(s.find_last_not_of('0') + 1);
  return s;
}

// Length as Kubernetes counts it: in characters (UTF-8 code points).
std::int64_t CharCount(const std::string& s) {
  return std::count_if(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  });
}

bool IsDateTime(const std::string& s) {
  // RFC 3339, as metav1.Time and strfmt.DateTime accept it.
  static const RE2 re(
      "\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?"
      "([Zz]|[+-]\\d{2}:\\d{2})");
  return RE2::FullMatch(s, re);
}

std::optional<Finding> CheckIntegerFormat(const SchemaNode& s, const json& v,
                                          const FieldPath& path,
                                          const json& shown) {
  const bool in_int64 =
      v.is_number_integer()
          ? !v.is_number_unsigned() ||
                v.get<std::uint64_t>() <=
                    static_cast<std::uint64_t>(
                        std::numeric_limits<std::int64_t>::max())
          : std::fabs(v.get<double>()) < 9.2e18;
  if (!in_int64) {
    return field_error::Invalid(kRule, path, shown, "must be a 64-bit integer");
  }
  if (s.format != SchemaNode::Format::kInt32) return std::nullopt;
  const auto i = v.is_number_integer()
                     ? v.get<std::int64_t>()
                     : static_cast<std::int64_t>(v.get<double>());
  if (i < std::numeric_limits<std::int32_t>::min() ||
      i > std::numeric_limits<std::int32_t>::max()) {
    return field_error::Invalid(
        kRule, path, shown,
        "must be a 32-bit integer (between -2147483648 and 2147483647)");
  }
  return std::nullopt;
}

std::optional<Finding> CheckNumber(const SchemaNode& s, const json& v,
                                   const FieldPath& path, const json& shown) {
  if (s.type == SchemaNode::Type::kInteger) {
    if (auto f = CheckIntegerFormat(s, v, path, shown)) return f;
  }
  const double d = v.get<double>();
  if (s.minimum && (s.exclusive_minimum ? d <= *s.minimum : d < *s.minimum)) {
    return field_error::Invalid(
        kRule, path, shown,
        std::string("should be greater than ") +
            (s.exclusive_minimum ? "" : "or equal to ") +
            FormatBound(*s.minimum));
  }
  if (s.maximum && (s.exclusive_maximum ? d >= *s.maximum : d > *s.maximum)) {
    return field_error::Invalid(
        kRule, path, shown,
        std::string("should be less than ") +
            (s.exclusive_maximum ? "" : "or equal to ") +
            FormatBound(*s.maximum));
  }
  return std::nullopt;
}

std::optional<Finding> CheckString(const SchemaNode& s, const json& v,
                                   const FieldPath& path, const json& shown) {
  const std::string& str = v.get_ref<const std::string&>();
  if (s.max_length || s.min_length) {
    const std::int64_t n = CharCount(str);
    if (s.max_length && n > *s.max_length) {
      return field_error::TooLong(kRule, path, shown, *s.max_length);
    }
    if (s.min_length && n < *s.min_length) {
      return field_error::Invalid(kRule, path, shown,
                                  "should be at least " +
                                      std::to_string(*s.min_length) +
                                      " chars long");
    }
  }
  if (s.pattern && !RE2::PartialMatch(str, *s.pattern)) {
    return field_error::Invalid(kRule, path, shown,
                                "should match '" + s.pattern->pattern() + "'");
  }
  if (s.format == SchemaNode::Format::kDateTime && !IsDateTime(str)) {
    return field_error::Invalid(kRule, path, shown,
                                "must be an RFC 3339 date-time");
  }
  return std::nullopt;
}

}  // namespace

bool IsInteger(const json& v) {
  if (v.is_number_integer()) return true;
  if (!v.is_number_float()) return false;
  const double d = v.get<double>();
  return std::isfinite(d) && std::floor(d) == d;
}

std::optional<Finding> CheckScalar(const SchemaNode& s, const json& v,
                                   const FieldPath& path, const json& shown) {
  if (v.is_string()) return CheckString(s, v, path, shown);
  if (v.is_number()) return CheckNumber(s, v, path, shown);
  return std::nullopt;
}

}  // namespace rayguard::schema::internal
