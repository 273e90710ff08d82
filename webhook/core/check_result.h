#ifndef RAYGUARD_CORE_CHECK_RESULT_H_
#define RAYGUARD_CORE_CHECK_RESULT_H_

#include <map>
#include <string>

#include "webhook/core/finding.h"

namespace rayguard {

// What all checking layers found for one object.
struct CheckResult {
  Findings findings;
  // Audit annotations for the AdmissionResponse (policy auditAnnotations and
  // Audit actions), keyed "<policy-name>/<key>".
  std::map<std::string, std::string> audit_annotations;

  // An object is allowed unless there is an error-severity finding.
  bool allowed() const {
    for (const Finding& f : findings) {
      if (f.severity == Severity::kError) return false;
    }
    return true;
  }
};

}  // namespace rayguard

#endif  // RAYGUARD_CORE_CHECK_RESULT_H_
