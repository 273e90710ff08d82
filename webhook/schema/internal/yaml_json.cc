#include "webhook/schema/internal/yaml_json.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <string>

namespace rayguard::schema::internal {
namespace {

bool ParseInteger(const std::string& s, nlohmann::json* out) {
  std::int64_t i = 0;
  const char* begin = s.data() + (s.size() > 1 && s[0] == '+' ? 1 : 0);
  auto [end, ec] = std::from_chars(begin, s.data() + s.size(), i);
  if (ec != std::errc() || end != s.data() + s.size()) return false;
  *out = i;
  return true;
}

bool ParseFloat(const std::string& s, nlohmann::json* out) {
  // Only decimal forms; "1e3", ".5" and "-2.5" are numbers, "1.2.3" is not.
  if (s.find_first_not_of("+-.0123456789eE") != std::string::npos) {
    return false;
  }
  double d = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec != std::errc() || end != s.data() + s.size()) return false;
  *out = d;
  return true;
}

nlohmann::json PlainScalar(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") {
    return nullptr;
  }
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  nlohmann::json number;
  if (ParseInteger(s, &number) || ParseFloat(s, &number)) return number;
  return s;
}

nlohmann::json ToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& kv : node) out[kv.first.Scalar()] = ToJson(kv.second);
      return out;
    }
    case YAML::NodeType::Sequence: {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& item : node) out.push_back(ToJson(item));
      return out;
    }
    case YAML::NodeType::Scalar:
      // yaml-cpp tags quoted and block scalars "!"; plain ones "?".
      if (node.Tag() == "!") return node.Scalar();
      return PlainScalar(node.Scalar());
    default:
      return nullptr;
  }
}

}  // namespace

Result<std::vector<nlohmann::json>> ParseYamlDocuments(std::string_view text) {
  std::vector<nlohmann::json> docs;
  try {
    for (const YAML::Node& node : YAML::LoadAll(std::string(text))) {
      if (node.IsNull()) continue;
      docs.push_back(ToJson(node));
    }
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(
        "bad YAML at line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  return docs;
}

}  // namespace rayguard::schema::internal
