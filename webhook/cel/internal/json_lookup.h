#ifndef RAYGUARD_CEL_INTERNAL_JSON_LOOKUP_H_
#define RAYGUARD_CEL_INTERNAL_JSON_LOOKUP_H_

// Member lookup in a borrowed JSON object, the evaluator's most frequent
// operation (every `a.b` on the request's object). nlohmann's object is a
// std::map ordered by std::less<>, so a key type with its own inline `<`
// searches it without building a std::string and without a memcmp call per
// tree node (object keys are short and usually differ in the first bytes).

#include <algorithm>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace rayguard::cel::internal {

struct MemberKey {
  std::string_view name;
};

// Three-way byte-wise comparison, the order std::string uses.
inline int CompareMemberNames(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) {
      return static_cast<unsigned char>(a[i]) <
                     static_cast<unsigned char>(b[i])
                 ? -1
                 : 1;
    }
  }
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

inline bool operator<(const std::string& a, MemberKey b) {
  return CompareMemberNames(a, b.name) < 0;
}
inline bool operator<(MemberKey a, const std::string& b) {
  return CompareMemberNames(a.name, b) < 0;
}

// The member `name` of `object`, or nullptr.
// REQUIRES: object.is_object()
inline const nlohmann::json* FindMember(const nlohmann::json& object,
                                        std::string_view name) {
  const auto& members = object.get_ref<const nlohmann::json::object_t&>();
  auto it = members.find(MemberKey{name});
  return it == members.end() ? nullptr : &it->second;
}

}  // namespace rayguard::cel::internal

#endif  // RAYGUARD_CEL_INTERNAL_JSON_LOOKUP_H_
