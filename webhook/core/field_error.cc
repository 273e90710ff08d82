#include "webhook/core/field_error.h"

#include "webhook/core/redaction.h"

namespace rayguard::field_error {
namespace {

constexpr std::size_t kMaxRenderedValue = 80;

Finding Make(std::string_view rule, const FieldPath& path, const char* type,
             std::string message) {
  Finding f;
  f.rule = std::string(rule);
  f.path = path.str();
  f.type = type;
  f.message = std::move(message);
  return f;
}

std::string ValuePart(const FieldPath& path, const nlohmann::json& value) {
  if (value.is_discarded()) return "";
  return RenderValueAt(path, value) + ": ";
}

}  // namespace

std::string RenderValue(const nlohmann::json& value) {
  if (value.is_discarded()) return "<omitted>";
  std::string text =
      value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.size() > kMaxRenderedValue) {
    text.resize(kMaxRenderedValue);
    text += "...";
  }
  return text;
}

std::string RenderValueAt(const FieldPath& path, const nlohmann::json& value) {
  if (value.is_discarded()) return RenderValue(value);
  if (redaction::IsSecretPath(path.str())) return redaction::Describe(value);
  return RenderValue(redaction::Shown(path.str(), value));
}

Finding Invalid(std::string_view rule, const FieldPath& path,
                const nlohmann::json& value, std::string_view detail) {
  return Make(rule, path, "Invalid",
              "Invalid value: " + ValuePart(path, value) + std::string(detail));
}

Finding Required(std::string_view rule, const FieldPath& path,
                 std::string_view detail) {
  std::string m = "Required value";
  if (!detail.empty()) m += ": " + std::string(detail);
  return Make(rule, path, "Required", m);
}

Finding NotSupported(std::string_view rule, const FieldPath& path,
                     const nlohmann::json& value,
                     const std::vector<std::string>& supported) {
  std::string m = "Unsupported value: " + RenderValueAt(path, value);
  if (!supported.empty()) {
    m += ": supported values: ";
    for (std::size_t i = 0; i < supported.size(); ++i) {
      if (i > 0) m += ", ";
      m += nlohmann::json(supported[i]).dump();
    }
  }
  return Make(rule, path, "NotSupported", m);
}

Finding Duplicate(std::string_view rule, const FieldPath& path,
                  const nlohmann::json& value) {
  return Make(rule, path, "Duplicate",
              "Duplicate value: " + RenderValueAt(path, value));
}

Finding Forbidden(std::string_view rule, const FieldPath& path,
                  std::string_view detail) {
  return Make(rule, path, "Forbidden", "Forbidden: " + std::string(detail));
}

Finding TooLong(std::string_view rule, const FieldPath& path,
                const nlohmann::json& /*value*/, std::int64_t max) {
  return Make(rule, path, "TooLong",
              "Too long: may not be more than " + std::to_string(max) +
                  " bytes");
}

Finding TooMany(std::string_view rule, const FieldPath& path,
                std::int64_t actual, std::int64_t max) {
  return Make(rule, path, "TooMany",
              "Too many: " + std::to_string(actual) + ": must have at most " +
                  std::to_string(max) + " items");
}

Finding TypeInvalid(std::string_view rule, const FieldPath& path,
                    const nlohmann::json& value, std::string_view detail) {
  return Make(rule, path, "TypeInvalid",
              "Invalid value: " + ValuePart(path, value) + std::string(detail));
}

}  // namespace rayguard::field_error
