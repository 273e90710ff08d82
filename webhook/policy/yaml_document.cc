// Policy files are read by the same YAML reader as manifests, so a policy
// and the objects it checks see the same YAML (kubectl's YAML 1.1 scalars,
// duplicate keys rejected, bounded aliases and nesting), and input that
// yaml-cpp cannot parse safely is refused in one place.
#include "webhook/policy/yaml_document.h"

#include <fstream>
#include <sstream>

#include "webhook/manifest/yaml_reader.h"

namespace rayguard::policy {

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
  // Value positions: a CEL error's column is counted from where the
  // expression starts, not from its key.
  manifest::YamlStream stream =
      manifest::ReadYaml(text, {}, manifest::EntryPosition::kValue);
  if (!stream.error.ok()) {
    std::string where = name;
    if (stream.error_position) {
      where += ":" + std::to_string(stream.error_position->line) + ":" +
               std::to_string(stream.error_position->column);
    }
    return stream.error.WithPrefix(where);
  }
  std::vector<YamlDocument> docs;
  docs.reserve(stream.documents.size());
  for (manifest::YamlDocument& d : stream.documents) {
    docs.push_back({d.index, std::move(d.value), std::move(d.source_map)});
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
