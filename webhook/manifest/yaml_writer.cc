#include "webhook/manifest/yaml_writer.h"

#include <yaml-cpp/emitter.h>

#include "webhook/manifest/yaml_reader.h"

namespace rayguard::manifest {
namespace {

// A string survives as a plain scalar only if reading it plain gives the
// same string back; otherwise (yes, 123, null, "") it must be quoted.
bool NeedsQuotes(const std::string& s) {
  nlohmann::json resolved;
  return !ResolvePlainScalar(s, &resolved).ok() || !resolved.is_string() ||
         resolved.get_ref<const std::string&>() != s;
}

void EmitString(const std::string& s, YAML::Emitter* out) {
  if (NeedsQuotes(s)) *out << YAML::DoubleQuoted;
  *out << s;
}

void Emit(const nlohmann::json& v, YAML::Emitter* out) {
  switch (v.type()) {
    case nlohmann::json::value_t::object:
      *out << YAML::BeginMap;
      for (const auto& [key, child] : v.items()) {
        *out << YAML::Key;
        EmitString(key, out);
        *out << YAML::Value;
        Emit(child, out);
      }
      *out << YAML::EndMap;
      return;
    case nlohmann::json::value_t::array:
      *out << YAML::BeginSeq;
      for (const auto& child : v) Emit(child, out);
      *out << YAML::EndSeq;
      return;
    case nlohmann::json::value_t::string:
      EmitString(v.get_ref<const std::string&>(), out);
      return;
    case nlohmann::json::value_t::null:
      *out << YAML::Null;
      return;
    default:  // numbers and booleans: their JSON text is valid plain YAML
      *out << v.dump();
      return;
  }
}

}  // namespace

std::string WriteYaml(const nlohmann::json& value) {
  YAML::Emitter out;
  out.SetNullFormat(YAML::LowerNull);
  Emit(value, &out);
  std::string text = out.c_str();
  if (text.empty() || text.back() != '\n') text.push_back('\n');
  return text;
}

}  // namespace rayguard::manifest
