#include "webhook/cel/internal/regex_cache.h"

#include <mutex>
#include <unordered_map>

namespace rayguard::cel::internal {

std::shared_ptr<const RE2> CompiledRegex(std::string_view pattern,
                                         std::string* error) {
  // Patterns usually come from policy text, so a small cache serves them
  // all; it is cleared when full so hostile input cannot grow it.
  constexpr size_t kMaxEntries = 512;
  static std::mutex mu;
  static std::unordered_map<std::string, std::shared_ptr<const RE2>> cache;
  std::string key(pattern);
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache.find(key);
    if (it != cache.end()) return it->second;
  }
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_shared<const RE2>(key, options);
  if (!re->ok()) {
    *error = "error parsing regexp: " + re->error();
    return nullptr;
  }
  std::lock_guard<std::mutex> lock(mu);
  if (cache.size() >= kMaxEntries) cache.clear();
  cache.emplace(std::move(key), re);
  return re;
}

}  // namespace rayguard::cel::internal
