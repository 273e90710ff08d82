#include "tests/unit/manifest/stream_dump.h"

#include <map>

namespace rayguard::manifest {
namespace {

std::string Describe(const SourcePosition& p) {
  return std::to_string(p.line) + ":" + std::to_string(p.column);
}

}  // namespace

std::string DumpStream(const YamlStream& s) {
  std::string out;
  for (const YamlDocument& d : s.documents) {
    out += "document " + std::to_string(d.index) + " at " + Describe(d.start) +
           ": " + d.value.dump() + "\n";
    std::map<std::string, SourcePosition> sorted(d.source_map->begin(),
                                                 d.source_map->end());
    for (const auto& [pointer, pos] : sorted) {
      out += "  '" + pointer + "' " + Describe(pos) + "\n";
    }
  }
  if (!s.error.ok()) out += "error: " + s.error.message() + "\n";
  if (s.error_position) out += "at " + Describe(*s.error_position) + "\n";
  return out;
}

}  // namespace rayguard::manifest
