#ifndef RAYGUARD_MANIFEST_INTERNAL_JSON_READER_H_
#define RAYGUARD_MANIFEST_INTERNAL_JSON_READER_H_

#include <optional>
#include <string_view>

#include "webhook/manifest/yaml_reader.h"

namespace rayguard::manifest::internal {

// A fast reader for a stream that is one strict JSON object (RFC 8259), as
// `kubectl get -o json`, JSON.stringify and most generators write it: what
// ReadYaml returns for such text through the general reader (JSON read as
// YAML flow style, numbers and literals resolved as YAML 1.1 plain scalars,
// positions of keys, items and the root), or std::nullopt ("not handled")
// for anything else: other roots, several values, tabs or CRs between
// tokens, escapes other than \" \\ \/ \n \t and \u of printable characters,
// very long keys, duplicate keys, nesting at the depth limit and every
// error. ReadYaml calls it after its input checks, like the block reader,
// and falls back to the general reader, so errors always come from it.
// Never throws.
std::optional<YamlStream> ReadJsonObject(std::string_view text,
                                         const YamlLimits& limits);

}  // namespace rayguard::manifest::internal

#endif  // RAYGUARD_MANIFEST_INTERNAL_JSON_READER_H_
