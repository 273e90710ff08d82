#ifndef RAYGUARD_CORE_JSON_POINTER_H_
#define RAYGUARD_CORE_JSON_POINTER_H_

#include <string>
#include <string_view>

namespace rayguard {

// RFC 6901 escaping of one reference token: "~" -> "~0", "/" -> "~1".
std::string EscapePointerToken(std::string_view token);

// The inverse of EscapePointerToken.
std::string UnescapePointerToken(std::string_view token);

}  // namespace rayguard

#endif  // RAYGUARD_CORE_JSON_POINTER_H_
