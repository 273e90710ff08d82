#ifndef RAYGUARD_SCHEMA_OVERLAY_H_
#define RAYGUARD_SCHEMA_OVERLAY_H_

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "webhook/core/finding.h"
#include "webhook/core/result.h"

namespace valijson {
class Schema;
}

namespace rayguard::schema {

// An organisation's extra JSON Schema (draft 7) for a kind, from
// schemas/overlays/<file>.json, validated with valijson. It applies to the
// kinds its "x-kubernetes-group-version-kind" list names (group, kind and,
// optionally, version), or to every kind when the list is absent.
// Immutable after Load; safe to share between threads.
class Overlay {
 public:
  // Reads and compiles `path`. Returns InvalidArgument naming the file when
  // it is not JSON or not a schema valijson accepts.
  static Result<std::unique_ptr<Overlay>> Load(const std::string& path);
  ~Overlay();

  bool AppliesTo(std::string_view api_version, std::string_view kind) const;

  // Appends one error Finding (rule "schema/overlay/<file>") per fault of
  // `object`: the deepest failing location only, worded as
  // "Invalid value: <value>: <reason>".
  // REQUIRES: findings != nullptr
  void Check(const nlohmann::json& object, Findings* findings) const;

  const std::string& rule() const { return rule_; }

 private:
  struct Target {
    std::string group, version, kind;
  };
  Overlay() = default;

  std::string rule_;
  std::vector<Target> targets_;
  nlohmann::json document_;  // valijson's schema refers into it
  std::unique_ptr<valijson::Schema> schema_;
};

}  // namespace rayguard::schema

#endif  // RAYGUARD_SCHEMA_OVERLAY_H_
