#ifndef RAYGUARD_CORE_FINDING_H_
#define RAYGUARD_CORE_FINDING_H_

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

}  // namespace rayguard

#endif  // RAYGUARD_CORE_FINDING_H_
