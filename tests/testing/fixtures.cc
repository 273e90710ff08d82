#include "tests/testing/fixtures.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

namespace rayguard::testing {
namespace {

nlohmann::json ScalarToJson(const YAML::Node& node) {
  const std::string& s = node.Scalar();
  if (node.Tag() == "!") return s;  // quoted
  if (s == "null" || s == "~" || s.empty()) return nullptr;
  if (s == "true") return true;
  if (s == "false") return false;
  try {
    std::size_t pos = 0;
    long long i = std::stoll(s, &pos);
    if (pos == s.size()) return i;
    double d = std::stod(s, &pos);
    if (pos == s.size()) return d;
  } catch (...) {
  }
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
      return ScalarToJson(node);
    default:
      return nullptr;
  }
}

}  // namespace

std::string SourcePath(const std::string& relative) {
  return std::string(RAYGUARD_SOURCE_DIR) + "/" + relative;
}

std::string FixturePath(const std::string& relative) {
  return SourcePath("tests/fixtures/" + relative);
}

std::string BinaryPath() { return RAYGUARD_BINARY; }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<nlohmann::json> LoadYamlDocuments(const std::string& path) {
  std::vector<nlohmann::json> docs;
  try {
    for (const YAML::Node& node : YAML::LoadAllFromFile(path)) {
      if (node.IsNull()) continue;
      docs.push_back(ToJson(node));
    }
  } catch (const YAML::Exception& e) {
    ADD_FAILURE() << path << ": " << e.what();
  }
  return docs;
}

nlohmann::json LoadYamlDocument(const std::string& path,
                                const std::string& kind) {
  for (nlohmann::json& doc : LoadYamlDocuments(path)) {
    if (kind.empty() || doc.value("kind", "") == kind) return doc;
  }
  ADD_FAILURE() << path << " has no document of kind " << kind;
  return nullptr;
}

}  // namespace rayguard::testing
