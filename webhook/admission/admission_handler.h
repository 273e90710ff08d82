#ifndef RAYGUARD_ADMISSION_ADMISSION_HANDLER_H_
#define RAYGUARD_ADMISSION_ADMISSION_HANDLER_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "webhook/admission/review_codec.h"
#include "webhook/validator/validator.h"

namespace rayguard::admission {

// Turns a decoded AdmissionRequest into the AdmissionResponse, with no HTTP
// involved. Safe to call from many threads at once.
class AdmissionHandler {
 public:
  // Returns the validator to use for one review (the current one after hot
  // reloads), or nullptr while none is loaded.
  using ValidatorSource = std::function<std::shared_ptr<const Validator>()>;

  explicit AdmissionHandler(ValidatorSource source);

  // /validate: allowed unless the validator reports an error-severity
  // Finding; warnings go to `warnings`. The message, `causes` and
  // `warnings` list the first 100 errors/warnings and then say how many more
  // there are. DELETE and CONNECT, and objects that
  // are not ray.io RayCluster/RayJob/RayService, are allowed unchecked
  // (verdict "skipped"). Never throws: an internal failure is a denial with
  // code 500 (fail closed).
  AdmissionResponse Validate(const AdmissionRequest& request) const;

  // /mutate: runs the mutating layers on a copy of the object and returns
  // the RFC 6902 patch from the original to the result (empty when nothing
  // changed). Same skipping and fail-closed rules as Validate.
  AdmissionResponse Mutate(const AdmissionRequest& request) const;

  // The same two, without copying the request's JSON: its object, oldObject
  // and attributes are lent to the review and moved back before returning
  // (exceptions included), so `request` reads the same afterwards. The
  // const overloads copy them instead.
  AdmissionResponse Validate(AdmissionRequest& request) const;
  AdmissionResponse Mutate(AdmissionRequest& request) const;

 private:
  enum class Mode { kValidate, kMutate };
  AdmissionResponse Copying(const AdmissionRequest& request, Mode mode) const;
  AdmissionResponse Review(AdmissionRequest& request, Mode mode) const;
  AdmissionResponse Decide(const AdmissionRequest& request,
                           const Resource& resource, Mode mode) const;

  ValidatorSource source_;
};

// The key under which a webhook's audit annotation `key` survives the API
// server, which stores it as "<webhook name>/<key>" and drops it unless that
// is a qualified name with a single '/'. rayguard's keys are those of
// in-process policies ("<policy>/<key>",
// "validation.policy.admission.k8s.io/validation_failure"), so '/' and any
// other character a name may not hold become '_', and a key over 63
// characters keeps a prefix and a hash of the whole.
std::string WebhookAuditKey(std::string_view key);

}  // namespace rayguard::admission

#endif  // RAYGUARD_ADMISSION_ADMISSION_HANDLER_H_
