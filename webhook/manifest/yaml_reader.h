#ifndef RAYGUARD_MANIFEST_YAML_READER_H_
#define RAYGUARD_MANIFEST_YAML_READER_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "webhook/core/resource.h"
#include "webhook/core/status.h"

namespace rayguard::manifest {

// Bounds that keep hostile input from exhausting memory or the stack.
struct YamlLimits {
  int max_depth = 256;  // nested maps/sequences in one document
  // Nodes that aliases may add beyond the document's own nodes ("billion
  // laughs"): aliases may expand to at most this many nodes, or to
  // alias_ratio times the document's own nodes, whichever is larger.
  std::size_t max_alias_nodes = 10000;
  std::size_t alias_ratio = 10;
};

// One YAML document read into JSON, with the source position of every node.
struct YamlDocument {
  int index = 0;  // 0-based position in the stream (empty documents count)
  nlohmann::json value;
  // JSON Pointer -> position. Map entries point at their key, sequence
  // items and the root at the node itself. Nodes reached through an alias
  // point at the alias.
  std::shared_ptr<const SourceMap> source_map;
  SourcePosition start;
};

// Every document of a stream. When reading stops at a malformed document,
// `documents` holds those read before it, `error` says why and
// `error_position` says where (when known).
struct YamlStream {
  std::vector<YamlDocument> documents;
  Status error;
  std::optional<SourcePosition> error_position;
};

// What the SourceMap entry of a map member points at: its key (where a
// reader of the file looks for a field) or its value (where an embedded
// expression, such as a policy's CEL, starts).
enum class EntryPosition { kKey, kValue };

// Reads a YAML (or JSON) stream the way kubectl does (sigs.k8s.io/yaml over
// go-yaml v2): YAML 1.1 plain scalars (yes/no/on/off/y/n booleans, 0x/0o/0
// octal integers, ~ and null, integers beyond int64 as floats), anchors,
// aliases and `<<` merge keys, non-string keys rendered as strings, and
// duplicate keys an error. Empty documents are left out. Never throws.
YamlStream ReadYaml(std::string_view text, const YamlLimits& limits = {},
                    EntryPosition entries = EntryPosition::kKey);

// The JSON value an untagged plain scalar stands for under those rules, or
// a Status for values JSON cannot hold (.nan, .inf).
Status ResolvePlainScalar(const std::string& text, nlohmann::json* out);

}  // namespace rayguard::manifest

#endif  // RAYGUARD_MANIFEST_YAML_READER_H_
