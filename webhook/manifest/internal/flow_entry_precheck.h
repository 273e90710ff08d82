#ifndef RAYGUARD_MANIFEST_INTERNAL_FLOW_ENTRY_PRECHECK_H_
#define RAYGUARD_MANIFEST_INTERNAL_FLOW_ENTRY_PRECHECK_H_

#include <optional>
#include <string_view>

#include "webhook/core/resource.h"

namespace rayguard::manifest::internal {

// The position of the first ',' that yaml-cpp's scanner would take for a
// flow entry token outside any flow collection, or std::nullopt.
//
// yaml-cpp 0.7 never returns when such a token reaches its parser at a
// document's root ("\"a\",", "--- ,", "[a] ,", "&x,", "- a\n,"), and
// inside a block collection it only says "end of map not found". The token
// is never valid YAML, so ReadYaml refuses it before yaml-cpp sees the
// text. A ',' is such a token where a new token starts: after indentation,
// after "- ", "? " and ": ", after a quoted scalar, a flow collection, an
// anchor, alias or tag, and after a "---"/"..." marker. Once a plain scalar
// has started its ',' are text, also on the lines that continue it; so are
// those in quoted scalars, comments, block scalar text and directives, and
// those inside flow collections, where ',' separates entries.
std::optional<SourcePosition> FindBlockFlowEntry(std::string_view text);

}  // namespace rayguard::manifest::internal

#endif  // RAYGUARD_MANIFEST_INTERNAL_FLOW_ENTRY_PRECHECK_H_
