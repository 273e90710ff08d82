#ifndef RAYGUARD_ADMISSION_STRICT_JSON_H_
#define RAYGUARD_ADMISSION_STRICT_JSON_H_

#include <string_view>

#include <nlohmann/json.hpp>

#include "webhook/core/result.h"

namespace rayguard::admission {

// The API server's own JSON decoder refuses input nested deeper than this
// (sigs.k8s.io/json), so no review it sends can be deeper.
inline constexpr int kMaxJsonDepth = 10000;

// Parses one JSON document the way Kubernetes' strict decoding reads it.
// Returns InvalidArgument, saying what and where, for malformed JSON,
// invalid UTF-8, a number beyond the range of a double, nesting deeper than
// `max_depth` (checked before anything is built), or a key that appears
// twice in one object (which of the two values counts would be a guess).
// Never throws. Safe to call from many threads.
Result<nlohmann::json> ParseStrictJson(std::string_view text,
                                       int max_depth = kMaxJsonDepth);

}  // namespace rayguard::admission

#endif  // RAYGUARD_ADMISSION_STRICT_JSON_H_
