// Differential fuzzing of ReadYaml's fast paths (the block reader and the
// JSON reader) against the general yaml-cpp reader: whenever a fast reader
// handles an input, it and ReadYaml must give exactly what the general
// reader gives (documents, indices, values with their JSON types, source
// positions, errors). Aborts on any difference.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "webhook/manifest/internal/block_reader.h"
#include "webhook/manifest/internal/json_reader.h"

namespace {

using rayguard::SourcePosition;
using rayguard::manifest::YamlStream;

void Differ(const char* what) {
  std::fprintf(stderr, "a fast reader differs from the general reader: %s\n",
               what);
  std::abort();
}

bool Same(const SourcePosition& a, const SourcePosition& b) {
  return a.line == b.line && a.column == b.column;
}

void Compare(const YamlStream& fast, const YamlStream& general) {
  if (fast.error.ok() != general.error.ok() ||
      fast.error.message() != general.error.message()) {
    Differ("error");
  }
  if (fast.error_position.has_value() != general.error_position.has_value() ||
      (fast.error_position &&
       !Same(*fast.error_position, *general.error_position))) {
    Differ("error position");
  }
  if (fast.documents.size() != general.documents.size()) Differ("documents");
  for (std::size_t i = 0; i < general.documents.size(); ++i) {
    const auto& f = fast.documents[i];
    const auto& g = general.documents[i];
    if (f.index != g.index) Differ("document index");
    if (!Same(f.start, g.start)) Differ("document start");
    if (f.value != g.value || f.value.dump() != g.value.dump()) {
      Differ("value");
    }
    if (f.source_map->size() != g.source_map->size()) Differ("source map");
    for (const auto& [pointer, pos] : *g.source_map) {
      auto it = f.source_map->find(pointer);
      if (it == f.source_map->end() || !Same(it->second, pos)) {
        Differ("source position");
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace manifest = rayguard::manifest;
  std::string text(reinterpret_cast<const char*>(data), size);
  manifest::YamlLimits limits;
  limits.max_depth = 32;  // reach the depth limit with small inputs too
  // At most one fast reader handles a text (the JSON reader only objects,
  // which the block reader never takes), and it is the one ReadYaml uses
  // after its input checks, so ReadYaml's answer is the fast reader's.
  if (!manifest::internal::ReadBlockYaml(text, limits).has_value() &&
      !manifest::internal::ReadJsonObject(text, limits).has_value()) {
    return 0;
  }
  const YamlStream general = manifest::internal::ReadYamlGeneral(text, limits);
  const YamlStream read = manifest::ReadYaml(text, limits);
  if (read.error.ok() && !general.error.ok()) {
    Differ("accepted what the general reader rejects");
  }
  Compare(read, general);
  return 0;
}
