#ifndef RAYGUARD_POLICY_YAML_DOCUMENT_H_
#define RAYGUARD_POLICY_YAML_DOCUMENT_H_

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "webhook/core/resource.h"
#include "webhook/core/result.h"

namespace rayguard::policy {

// One YAML document converted to JSON, with where each value starts.
struct YamlDocument {
  int index = 0;  // 0-based position in the file (empty documents count)
  nlohmann::json json;
  std::shared_ptr<const SourceMap> source_map;

  // Position of the node at `pointer` (or its nearest known ancestor).
  SourcePosition PositionOf(const std::string& pointer) const;
};

// Parses every non-empty document of `text` with the manifest reader, the
// way kubectl reads YAML (sigs.k8s.io/yaml: YAML 1.1 booleans like
// `yes`/`on`, integers vs floats, duplicate keys rejected, bounded aliases
// and nesting). Positions of map members point at their values. On failure
// the Status message reads "name:line:column: why" (`name` is usually the
// file path). Never throws.
Result<std::vector<YamlDocument>> ParseYamlDocuments(std::string_view text,
                                                     const std::string& name);

// Reads and parses a file; NotFound when it cannot be read.
Result<std::vector<YamlDocument>> ReadYamlFile(const std::string& path);

}  // namespace rayguard::policy

#endif  // RAYGUARD_POLICY_YAML_DOCUMENT_H_
