#include "webhook/validator/ratchet.h"

#include <charconv>
#include <string>
#include <string_view>
#include <unordered_set>

#include "webhook/core/field_path.h"
#include "webhook/core/json_pointer.h"

namespace rayguard::ratchet {
namespace {

using json = nlohmann::json;

constexpr char kUnchanged[] = " (unchanged since the object was stored)";
constexpr char kTerminating[] =
    " (allowed: the object is being deleted and only its metadata changes)";

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.substr(s.size() - suffix.size()) == suffix;
}

// The node at field path `path` of `object`, or nullptr when there is none.
const json* ValueAt(const json& object, std::string_view path) {
  const std::string pointer = FieldPathToPointer(path);
  const json* node = &object;
  std::size_t i = 0;
  while (i < pointer.size()) {
    std::size_t end = pointer.find('/', i + 1);
    if (end == std::string::npos) end = pointer.size();
    const std::string token = UnescapePointerToken(
        std::string_view(pointer).substr(i + 1, end - i - 1));
    i = end;
    if (node->is_object()) {
      auto it = node->find(token);
      if (it == node->end()) return nullptr;
      node = &*it;
    } else if (node->is_array()) {
      std::size_t index = 0;
      auto [p, ec] =
          std::from_chars(token.data(), token.data() + token.size(), index);
      if (ec != std::errc() || p != token.data() + token.size() ||
          index >= node->size()) {
        return nullptr;
      }
      node = &(*node)[index];
    } else {
      return nullptr;
    }
  }
  return node;
}

bool SameValue(const json& a, const json& b, std::string_view path) {
  const json* x = ValueAt(a, path);
  const json* y = ValueAt(b, path);
  if (x == nullptr || y == nullptr) return x == y;
  return *x == *y;
}

std::string Key(const Finding& f) {
  // '\n' cannot occur in a rule id or a type, so keys cannot collide.
  return f.rule + '\n' + f.type + '\n' + f.path + '\n' + f.message;
}

bool IsUpdateWithOldObject(const Resource& resource) {
  return resource.admission.operation == "UPDATE" &&
         resource.admission.old_object.is_object();
}

// Everything but metadata is the same (status included: the API server
// copies it from the stored object on a main-resource update anyway).
bool OnlyMetadataChanges(const json& object, const json& old) {
  if (!object.is_object()) return false;
  if (object.size() - object.contains("metadata") !=
      old.size() - old.contains("metadata")) {
    return false;
  }
  for (const auto& [key, value] : object.items()) {
    if (key == "metadata") continue;
    auto it = old.find(key);
    if (it == old.end() || *it != value) return false;
  }
  return true;
}

bool IsTerminating(const json& old) {
  auto md = old.find("metadata");
  if (md == old.end() || !md->is_object()) return false;
  auto ts = md->find("deletionTimestamp");
  return ts != md->end() && !ts->is_null();
}

}  // namespace

bool Ratchets(const Finding& f) {
  const bool layer = f.rule == "schema" || StartsWith(f.rule, "schema/") ||
                     StartsWith(f.rule, "kuberay/");
  return layer && !EndsWith(f.rule, "-immutable");
}

void ForgiveUnchanged(const Resource& resource, const StoredCheck& check_stored,
                      Findings* findings) {
  if (!IsUpdateWithOldObject(resource)) return;
  bool any = false;
  for (const Finding& f : *findings) {
    any = any || (f.severity == Severity::kError && Ratchets(f));
  }
  if (!any) return;
  const Stored stored = check_stored(resource.admission.old_object);
  std::unordered_set<std::string> before;
  for (const Finding& f : stored.findings) before.insert(Key(f));
  for (Finding& f : *findings) {
    if (f.severity != Severity::kError || !Ratchets(f)) continue;
    if (before.count(Key(f)) == 0) continue;
    if (!SameValue(resource.object, stored.object, f.path)) continue;
    f.severity = Severity::kWarning;
    f.message += kUnchanged;
  }
}

bool IsMetadataOnlyUpdateWhileDeleting(const Resource& resource) {
  if (!IsUpdateWithOldObject(resource)) return false;
  const json& old = resource.admission.old_object;
  return IsTerminating(old) && OnlyMetadataChanges(resource.object, old);
}

void AllowWhileDeleting(Findings* findings) {
  for (Finding& f : *findings) {
    if (f.severity != Severity::kError) continue;
    f.severity = Severity::kWarning;
    f.message += kTerminating;
  }
}

}  // namespace rayguard::ratchet
