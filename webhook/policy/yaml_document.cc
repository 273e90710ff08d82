#include "webhook/policy/yaml_document.h"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "webhook/core/json_pointer.h"

namespace rayguard::policy {
namespace {

std::string At(const YAML::Mark& mark) {
  return "line " + std::to_string(mark.line + 1) + ", column " +
         std::to_string(mark.column + 1);
}

bool OneOf(const std::string& s, std::initializer_list<const char*> words) {
  for (const char* w : words) {
    if (s == w) return true;
  }
  return false;
}

// Integer forms of the YAML 1.1 resolver that sigs.k8s.io/yaml uses:
// decimal, 0x hex, 0b binary, leading-0 octal; `_` separators allowed.
bool ParseInt(std::string s, nlohmann::json* out) {
  std::erase(s, '_');
  if (s.empty()) return false;
  std::size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (i == s.size()) return false;
  int base = 10;
  std::string digits = s.substr(i);
  if (digits.size() > 2 && digits[0] == '0' &&
      (digits[1] == 'x' || digits[1] == 'b')) {
    base = digits[1] == 'x' ? 16 : 2;
    digits = digits.substr(2);
  } else if (digits.size() > 1 && digits[0] == '0') {
    base = 8;
  }
  for (char c : digits) {
    bool ok = base == 16 ? std::isxdigit(static_cast<unsigned char>(c))
                         : (c >= '0' && c < '0' + std::min(base, 10));
    if (!ok) return false;
  }
  errno = 0;
  long long v = std::strtoll(digits.c_str(), nullptr, base);
  if (errno == ERANGE) return false;
  *out = s[0] == '-' ? -v : v;
  return true;
}

bool ParseFloat(const std::string& s, nlohmann::json* out) {
  if (OneOf(s, {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"})) {
    *out = std::numeric_limits<double>::infinity();
    return true;
  }
  if (OneOf(s, {"-.inf", "-.Inf", "-.INF"})) {
    *out = -std::numeric_limits<double>::infinity();
    return true;
  }
  // A float needs a digit and looks like [-+]digits[.digits][e[-+]digits].
  bool digit = false;
  for (char c : s) {
    if (std::isdigit(static_cast<unsigned char>(c)))
      digit = true;
    else if (!OneOf(std::string(1, c), {".", "-", "+", "e", "E", "_"}))
      return false;
  }
  if (!digit) return false;
  std::string clean = s;
  std::erase(clean, '_');
  char* end = nullptr;
  double d = std::strtod(clean.c_str(), &end);
  if (end != clean.c_str() + clean.size()) return false;
  *out = d;
  return true;
}

nlohmann::json ScalarToJson(const YAML::Node& node) {
  const std::string& s = node.Scalar();
  const std::string& tag = node.Tag();
  // "!" marks a quoted or block scalar: always a string.
  if (tag == "!" || tag == "tag:yaml.org,2002:str") return s;
  if (OneOf(s, {"", "~", "null", "Null", "NULL"})) return nullptr;
  if (OneOf(s, {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON",
                "y", "Y"})) {
    return true;
  }
  if (OneOf(s, {"false", "False", "FALSE", "no", "No", "NO", "off", "Off",
                "OFF", "n", "N"})) {
    return false;
  }
  nlohmann::json number;
  if (ParseInt(s, &number) || ParseFloat(s, &number)) return number;
  return s;
}

class Converter {
 public:
  explicit Converter(SourceMap* map) : map_(map) {}

  Result<nlohmann::json> Convert(const YAML::Node& node,
                                 const std::string& pointer) {
    (*map_)[pointer] = {node.Mark().line + 1, node.Mark().column + 1};
    switch (node.Type()) {
      case YAML::NodeType::Map:
        return ConvertMap(node, pointer);
      case YAML::NodeType::Sequence: {
        nlohmann::json out = nlohmann::json::array();
        std::size_t i = 0;
        for (const auto& item : node) {
          auto child = Convert(item, pointer + "/" + std::to_string(i++));
          if (!child.ok()) return child.status();
          out.push_back(std::move(child).value());
        }
        return out;
      }
      case YAML::NodeType::Scalar:
        return ScalarToJson(node);
      default:
        return nlohmann::json(nullptr);
    }
  }

 private:
  Result<nlohmann::json> ConvertMap(const YAML::Node& node,
                                    const std::string& pointer) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& kv : node) {
      if (!kv.first.IsScalar()) {
        return Status::InvalidArgument(At(kv.first.Mark()) +
                                       ": mapping keys must be scalars");
      }
      const std::string& key = kv.first.Scalar();
      if (out.contains(key)) {
        return Status::InvalidArgument(At(kv.first.Mark()) +
                                       ": duplicate key \"" + key + "\"");
      }
      auto child = Convert(kv.second, pointer + "/" + EscapePointerToken(key));
      if (!child.ok()) return child.status();
      out[key] = std::move(child).value();
    }
    return out;
  }

  SourceMap* map_;
};

}  // namespace

SourcePosition YamlDocument::PositionOf(const std::string& pointer) const {
  std::string p = pointer;
  while (source_map) {
    auto it = source_map->find(p);
    if (it != source_map->end()) return it->second;
    if (p.empty()) break;
    p.erase(p.rfind('/'));
  }
  return {};
}

Result<std::vector<YamlDocument>> ParseYamlDocuments(std::string_view text,
                                                     const std::string& name) {
  std::vector<YAML::Node> nodes;
  try {
    nodes = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(name + ": " + At(e.mark) + ": " + e.msg);
  }
  std::vector<YamlDocument> docs;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].IsNull()) continue;
    auto map = std::make_shared<SourceMap>();
    Converter converter(map.get());
    Result<nlohmann::json> json = Status::Internal("unset");
    try {
      json = converter.Convert(nodes[i], "");
    } catch (const YAML::Exception& e) {
      return Status::InvalidArgument(name + ": " + At(e.mark) + ": " + e.msg);
    }
    if (!json.ok()) {
      return json.status().WithPrefix(name + ": document " + std::to_string(i));
    }
    docs.push_back(
        {static_cast<int>(i), std::move(json).value(), std::move(map)});
  }
  return docs;
}

Result<std::vector<YamlDocument>> ReadYamlFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + ": cannot read file");
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseYamlDocuments(ss.str(), path);
}

}  // namespace rayguard::policy
