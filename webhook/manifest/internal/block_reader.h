#ifndef RAYGUARD_MANIFEST_INTERNAL_BLOCK_READER_H_
#define RAYGUARD_MANIFEST_INTERNAL_BLOCK_READER_H_

#include <optional>
#include <string_view>

#include "webhook/manifest/yaml_reader.h"

namespace rayguard::manifest::internal {

// A fast reader for the block-style YAML that kubectl manifests are written
// in: block maps and sequences, plain and one-line quoted scalars, `|`/`>`
// block scalars, one-line flow sequences of scalars, `{}`, `[]` and `---`.
// ReadYaml calls it after its input checks (well-formed UTF-8, no line
// starting with ','). For such text it returns exactly what the general
// reader returns (same JSON, source map and document indices), or
// std::nullopt ("not handled") for anything else: anchors, aliases, tags,
// complex keys, flow maps, multi-line plain or quoted scalars, odd
// indentation, duplicate keys and every error. ReadYaml then uses the
// general reader, so errors always come from it. Never throws.
std::optional<YamlStream> ReadBlockYaml(std::string_view text,
                                        const YamlLimits& limits);

// The general reader (yaml-cpp's event parser) with kubectl's semantics:
// what ReadYaml returns for text the block reader does not handle.
YamlStream ReadYamlGeneral(std::string_view text, const YamlLimits& limits);

// Whether `text` holds bytes or characters YAML treats specially (line
// breaks other than '\n', BOMs, bytes never found in UTF-8, control
// characters) that the fast readers leave to the general reader.
bool HasUnusualBytes(std::string_view text);

// The position of the first byte that is not well-formed UTF-8, if any.
std::optional<SourcePosition> FindInvalidUtf8(std::string_view text);

}  // namespace rayguard::manifest::internal

#endif  // RAYGUARD_MANIFEST_INTERNAL_BLOCK_READER_H_
