#ifndef RAYGUARD_CORE_FINDING_H_
#define RAYGUARD_CORE_FINDING_H_

#include <cstddef>
#include <string>
#include <vector>

namespace rayguard {

enum class Severity { kError, kWarning };

inline const char* SeverityName(Severity s) {
  return s == Severity::kError ? "error" : "warning";
}

// One thing wrong with an object, found by a successful check.
struct Finding {
  Severity severity = Severity::kError;
  // Stable id: "schema", "schema/overlay/<file>", "kuberay/<name>",
  // "policy/<policy-name>[/<index>]".
  std::string rule;
  // Kubernetes field.Path of the deepest field at fault
  // ("spec.workerGroupSpecs[0].minReplicas"); empty when none applies.
  std::string path;
  // Kubernetes field error type: Required, Invalid, NotSupported, Duplicate,
  // Forbidden, TooLong, TooMany, TypeInvalid, or Policy.
  std::string type = "Invalid";
  // The message without the path, e.g.
  // "Invalid value: 5: must be less than or equal to maxReplicas (2)".
  std::string message;
  // Audit-only finding (a policy binding's Audit action).
  bool audit = false;
  // Overrides the denial's status reason (a policy's `reason`), e.g. "Forbidden".
  std::string reason;

  // "path: message", or just the message when there is no path.
  std::string ToString() const {
    return path.empty() ? message : path + ": " + message;
  }
};

using Findings = std::vector<Finding>;

// The most findings kept for one object. An object with a million bad list
// elements (3 MB, under the API server's request limit) would otherwise cost
// seconds of CPU and gigabytes of findings; once this many are found, layers
// stop looking and the validator says what was left out.
inline constexpr std::size_t kMaxFindings = 1000;
// The rule of the finding that says so; reports keep it when they shorten
// the list further.
inline constexpr char kTooManyFindingsRule[] = "rayguard/too-many-findings";

}  // namespace rayguard

#endif  // RAYGUARD_CORE_FINDING_H_
