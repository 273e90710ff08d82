#ifndef RAYGUARD_CEL_INTERNAL_REGEX_CACHE_H_
#define RAYGUARD_CEL_INTERNAL_REGEX_CACHE_H_

#include <memory>
#include <string>
#include <string_view>

#include <re2/re2.h>

namespace rayguard::cel::internal {

// The compiled form of `pattern`, shared and cached (bounded); nullptr with
// *error set ("error parsing regexp: ...") when it does not compile.
// Safe to call from any thread.
std::shared_ptr<const RE2> CompiledRegex(std::string_view pattern,
                                         std::string* error);

}  // namespace rayguard::cel::internal

#endif  // RAYGUARD_CEL_INTERNAL_REGEX_CACHE_H_
