#ifndef RAYGUARD_POLICY_OBJECT_READER_H_
#define RAYGUARD_POLICY_OBJECT_READER_H_

#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "webhook/core/field_path.h"
#include "webhook/core/json_pointer.h"
#include "webhook/policy/policy_loader.h"
#include "webhook/policy/yaml_document.h"

namespace rayguard::policy {

// A location in a document: the field path users read and the JSON Pointer
// the source map is keyed by, built together.
struct Loc {
  FieldPath path;
  std::string pointer;

  Loc Child(const std::string& name) const {
    return {path.Child(name), pointer + "/" + EscapePointerToken(name)};
  }
  Loc Index(std::size_t i) const {
    return {path.Index(i), pointer + "/" + std::to_string(i)};
  }
  Loc Key(const std::string& key) const {
    return {path.Key(key), pointer + "/" + EscapePointerToken(key)};
  }
};

// Typed reads from one policy document that record a LoadError (with file,
// document, object, field, line and column) for every missing or mistyped
// field instead of failing at the first. Internal to the policy loaders.
class ObjectReader {
 public:
  ObjectReader(const YamlDocument& doc, std::string file, std::string kind,
               std::vector<LoadError>* errors);

  void SetName(const std::string& name);
  bool failed() const { return failed_; }
  void Error(const Loc& loc, const std::string& message);

  // The node at `loc`, or nullptr when absent (or null).
  const nlohmann::json* At(const Loc& loc) const;
  // The object at `loc`; nullptr (and an error if present but not an object).
  const nlohmann::json* Object(const Loc& loc);
  std::string String(const Loc& loc);
  std::string RequiredString(const Loc& loc);
  std::vector<std::string> StringList(const Loc& loc);
  // A string from `allowed`, or `fallback` when absent.
  std::string Enum(const Loc& loc, const std::set<std::string>& allowed,
                   const std::string& fallback);
  // A CEL expression (compiled later, by the policy engine).
  std::string Expression(const Loc& loc, bool required);
  // Calls fn for each element of the list at `loc` (absent: none).
  void ForEach(const Loc& loc, const std::function<void(const Loc&)>& fn);
  // Reports every key of the object at `loc` that is not in `known`, as the
  // API server's strict decoding does.
  void KnownFields(const Loc& loc, const std::set<std::string>& known);

 private:
  const YamlDocument& doc_;
  std::string file_;
  std::string kind_;
  std::string name_;
  std::vector<LoadError>* errors_;
  bool failed_ = false;
};

}  // namespace rayguard::policy

#endif  // RAYGUARD_POLICY_OBJECT_READER_H_
