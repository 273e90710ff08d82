#include "webhook/admission/admission_handler.h"

#include <cstdint>
#include <cstdio>
#include <exception>
#include <string_view>
#include <utility>

#include "webhook/admission/patch.h"

namespace rayguard::admission {
namespace {

// A review lists at most this many errors (in the message and the causes)
// and warnings: an object with a million broken list items must get a
// denial of a few kilobytes, not hundreds of megabytes built and sent.
constexpr std::size_t kMaxListed = 100;

std::string NotListed(std::size_t count, const char* what) {
  return "and " + std::to_string(count) + " more " + what + " not listed";
}

// metav1.CauseType for each Kubernetes field error type.
std::string CauseReason(std::string_view type) {
  if (type == "Required") return "FieldValueRequired";
  if (type == "NotSupported") return "FieldValueNotSupported";
  if (type == "Duplicate") return "FieldValueDuplicate";
  if (type == "Forbidden") return "FieldValueForbidden";
  if (type == "TooLong") return "FieldValueTooLong";
  if (type == "TooMany") return "FieldValueTooMany";
  if (type == "TypeInvalid") return "FieldValueTypeInvalid";
  return "FieldValueInvalid";
}

// The HTTP-style code the API server reports for a status reason (a
// policy's `reason` may be any of the ones ValidatingAdmissionPolicy allows).
int CodeForReason(std::string_view reason) {
  if (reason == "Forbidden") return 403;
  if (reason == "Unauthorized") return 401;
  if (reason == "RequestEntityTooLarge") return 413;
  if (reason == "BadRequest") return 400;
  return 422;
}

bool IsAlphanumeric(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9');
}

// `RayCluster.ray.io "train" is invalid: <error>` or `...: [<e1>, <e2>]`,
// the way the API server words an Invalid status.
std::string InvalidMessage(const AdmissionRequest& request,
                           const nlohmann::json& object,
                           const std::vector<std::string>& errors) {
  std::string subject = request.kind;
  if (!request.group.empty()) subject += "." + request.group;
  std::string name = request.name;
  if (name.empty() && object.is_object()) {
    name = object.value("/metadata/name"_json_pointer, "");
  }
  std::string message = subject + " \"" + name + "\" is invalid: ";
  if (errors.size() == 1) return message + errors[0];
  message += "[";
  for (std::size_t i = 0; i < errors.size(); ++i) {
    if (i > 0) message += ", ";
    message += errors[i];
  }
  return message + "]";
}

void Deny(const AdmissionRequest& request, const nlohmann::json& object,
          const Findings& findings, AdmissionResponse* r) {
  std::vector<std::string> errors;
  std::size_t unlisted = 0;
  for (const Finding& f : findings) {
    if (f.severity != Severity::kError) continue;
    if (r->reason.empty() && !f.reason.empty()) r->reason = f.reason;
    if (errors.size() == kMaxListed && f.rule != kTooManyFindingsRule) {
      ++unlisted;
      continue;
    }
    errors.push_back(f.ToString());
    r->causes.push_back({f.path, f.message, CauseReason(f.type)});
  }
  if (unlisted > 0) {
    // Before the validator's own "too many" error, which stays last.
    const bool stopped = errors.size() > kMaxListed;
    errors.insert(stopped ? errors.end() - 1 : errors.end(),
                  NotListed(unlisted, "errors"));
  }
  if (r->reason.empty()) r->reason = "Invalid";
  r->code = CodeForReason(r->reason);
  r->allowed = false;
  r->verdict = "denied";
  r->message = InvalidMessage(request, object, errors);
}

// Fills the response from what the validator found.
void ApplyResult(const AdmissionRequest& request, const nlohmann::json& object,
                 const CheckResult& result, AdmissionResponse* r) {
  std::size_t unlisted = 0;
  for (const Finding& f : result.findings) {
    r->rules.push_back(f.rule);
    // Audit-only findings belong in the audit log, not in the user's face.
    if (f.severity != Severity::kWarning || f.audit) continue;
    if (r->warnings.size() < kMaxListed) {
      r->warnings.push_back(f.ToString());
    } else {
      ++unlisted;
    }
  }
  if (unlisted > 0) r->warnings.push_back(NotListed(unlisted, "warnings"));
  for (const auto& [key, value] : result.audit_annotations) {
    r->audit_annotations[WebhookAuditKey(key)] = value;
  }
  if (!result.allowed()) Deny(request, object, result.findings, r);
}

AdmissionResponse FailClosed(const AdmissionRequest& request,
                             std::string_view why) {
  AdmissionResponse r;
  r.uid = request.uid;
  r.allowed = false;
  r.code = 500;
  r.reason = "InternalError";
  r.message = "rayguard could not decide this review: " + std::string(why);
  r.verdict = "error";
  return r;
}

// The request's JSON as a Resource for the length of one review: moved in,
// and moved back on the way out whatever happens (moves do not throw).
class LentResource {
 public:
  explicit LentResource(AdmissionRequest& request) : request_(request) {
    resource_.object = std::move(request.object);
    resource_.admission.operation = request.operation;
    resource_.admission.old_object = std::move(request.old_object);
    resource_.admission.request = std::move(request.attributes);
    resource_.admission.dry_run = request.dry_run;
  }
  ~LentResource() {
    request_.object = std::move(resource_.object);
    request_.old_object = std::move(resource_.admission.old_object);
    request_.attributes = std::move(resource_.admission.request);
  }
  LentResource(const LentResource&) = delete;
  LentResource& operator=(const LentResource&) = delete;

  const Resource& resource() const { return resource_; }

 private:
  AdmissionRequest& request_;
  Resource resource_;
};

}  // namespace

AdmissionHandler::AdmissionHandler(ValidatorSource source)
    : source_(std::move(source)) {}

AdmissionResponse AdmissionHandler::Validate(
    const AdmissionRequest& request) const {
  return Copying(request, Mode::kValidate);
}

AdmissionResponse AdmissionHandler::Mutate(
    const AdmissionRequest& request) const {
  return Copying(request, Mode::kMutate);
}

AdmissionResponse AdmissionHandler::Validate(AdmissionRequest& request) const {
  return Review(request, Mode::kValidate);
}

AdmissionResponse AdmissionHandler::Mutate(AdmissionRequest& request) const {
  return Review(request, Mode::kMutate);
}

AdmissionResponse AdmissionHandler::Copying(const AdmissionRequest& request,
                                            Mode mode) const {
  try {
    AdmissionRequest copy = request;
    return Review(copy, mode);
  } catch (const std::exception& e) {  // the copy itself failed
    return FailClosed(request, e.what());
  }
}

// The one place exceptions from the layers stop: any of them denies.
AdmissionResponse AdmissionHandler::Review(AdmissionRequest& request,
                                           Mode mode) const {
  try {
    LentResource lent(request);
    return Decide(request, lent.resource(), mode);
  } catch (const std::exception& e) {
    return FailClosed(request, e.what());
  } catch (...) {
    return FailClosed(request, "unknown exception");
  }
}

// `request` supplies the identifiers; its JSON is in `resource`.
AdmissionResponse AdmissionHandler::Decide(const AdmissionRequest& request,
                                           const Resource& resource,
                                           Mode mode) const {
  AdmissionResponse r;
  r.uid = request.uid;
  // Deleting or exec'ing into an object cannot make its spec wrong.
  if (request.operation == "DELETE" || request.operation == "CONNECT" ||
      !Validator::Handles(resource.object)) {
    r.verdict = "skipped";
    return r;
  }
  std::shared_ptr<const Validator> validator = source_();
  if (validator == nullptr) return FailClosed(request, "no validator loaded");
  if (mode == Mode::kValidate) {
    ApplyResult(request, resource.object, validator->Check(resource), &r);
    return r;
  }
  Result<MutationOutcome> outcome = validator->Mutate(resource);
  if (!outcome.ok()) return FailClosed(request, outcome.status().message());
  ApplyResult(request, resource.object, outcome->result, &r);
  if (r.allowed) {
    Result<std::string> patch = PatchBetween(resource.object, outcome->object);
    if (!patch.ok()) return FailClosed(request, patch.status().message());
    r.patch = *patch;
  }
  return r;
}

std::string WebhookAuditKey(std::string_view key) {
  constexpr std::size_t kMaxName = 63;  // a qualified name's name part
  std::string out;
  for (char c : key) {
    bool allowed = IsAlphanumeric(c) || c == '-' || c == '_' || c == '.';
    out += allowed ? c : '_';
  }
  auto trim = [](std::string* s) {
    while (!s->empty() && !IsAlphanumeric(s->back())) s->pop_back();
    std::size_t start = 0;
    while (start < s->size() && !IsAlphanumeric((*s)[start])) ++start;
    s->erase(0, start);
  };
  trim(&out);
  if (out.size() > kMaxName) {
    // Keep long keys apart: a prefix plus a hash of the whole key (FNV-1a).
    uint32_t hash = 2166136261u;
    for (char c : key)
      hash = (hash ^ static_cast<unsigned char>(c)) * 16777619u;
    char hex[9];
    std::snprintf(hex, sizeof(hex), "%08x", hash);
    out.resize(kMaxName - 9);
    trim(&out);
    out += "-" + std::string(hex);
  }
  return out.empty() ? "annotation" : out;
}

}  // namespace rayguard::admission
