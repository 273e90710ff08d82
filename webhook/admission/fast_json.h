#ifndef RAYGUARD_ADMISSION_FAST_JSON_H_
#define RAYGUARD_ADMISSION_FAST_JSON_H_

#include <string_view>

#include <nlohmann/json.hpp>

namespace rayguard::admission {

// Builds the document in one pass over `text` when it is plain strict JSON:
// well-formed, valid UTF-8, nested at most `max_depth` levels, no key twice
// in one object, every number an int64, a uint64 or a finite double read
// exactly. Returns false, leaving `out` unspecified, on anything else
// (including a byte-order mark and numbers it would have to round to zero);
// ParseStrictJson then reads the text the slow way, which accepts or refuses
// it and says why. When it returns true, `*out` equals what
// nlohmann::json::parse(text) builds, value types included.
bool ParseFastJson(std::string_view text, int max_depth, nlohmann::json* out);

}  // namespace rayguard::admission

#endif  // RAYGUARD_ADMISSION_FAST_JSON_H_
