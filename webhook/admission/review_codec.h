#ifndef RAYGUARD_ADMISSION_REVIEW_CODEC_H_
#define RAYGUARD_ADMISSION_REVIEW_CODEC_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "webhook/core/result.h"

// The admission.k8s.io AdmissionReview wire format (v1 and v1beta1): JSON in,
// plain structs in between, JSON out. No HTTP and no decisions here.
namespace rayguard::admission {

inline constexpr char kAdmissionV1[] = "admission.k8s.io/v1";
inline constexpr char kAdmissionV1beta1[] = "admission.k8s.io/v1beta1";

// The parts of an AdmissionRequest the webhook uses.
struct AdmissionRequest {
  std::string api_version;  // of the review: kAdmissionV1 or kAdmissionV1beta1
  std::string uid;
  std::string kind;       // request.kind.kind, e.g. "RayCluster"
  std::string group;      // request.kind.group, e.g. "ray.io"
  std::string name;       // request.name (may be empty on CREATE)
  std::string namespace_name;
  std::string operation;  // CREATE, UPDATE, DELETE or CONNECT
  bool dry_run = false;
  nlohmann::json object;      // null when absent (DELETE)
  nlohmann::json old_object;  // null when absent (CREATE sends null)
  // The whole request without object/oldObject: what CEL's `request` sees.
  nlohmann::json attributes = nlohmann::json::object();
};

// One field-level cause of a denial (metav1.StatusCause).
struct StatusCause {
  std::string field;    // "spec.workerGroupSpecs[0].minReplicas"
  std::string message;  // "Invalid value: 5: must be ..."
  std::string reason;   // "FieldValueInvalid"
};

struct AdmissionResponse {
  std::string uid;
  bool allowed = true;
  // Set when denied: metav1.Status code, reason and message.
  int code = 0;
  std::string reason;
  std::string message;
  std::vector<StatusCause> causes;
  std::vector<std::string> warnings;
  // RFC 6902 patch as JSON text; sent base64-encoded, only when non-empty.
  std::string patch;
  std::map<std::string, std::string> audit_annotations;

  // Not sent: what the log line and metrics say about this review.
  std::string verdict = "allowed";  // allowed, denied, skipped or error
  std::vector<std::string> rules;   // rule ids of every finding
};

// Parses an AdmissionReview body. Accepts what the API server sends:
// `"oldObject": null`, HTML-escaped strings and a trailing newline.
// Returns InvalidArgument (saying what is wrong) for malformed JSON (as
// ParseStrictJson sees it: too deep, duplicate keys, ...), a body that is not an admission.k8s.io v1/v1beta1 AdmissionReview, or a request
// without a uid.
Result<AdmissionRequest> DecodeReview(std::string_view body);

// The AdmissionReview (same apiVersion as the request) that answers
// `request` with `response`. `response.uid` must echo the request's uid.
std::string EncodeReview(std::string_view api_version,
                         const AdmissionResponse& response);

// Standard base64 (RFC 4648, with padding), as Kubernetes encodes []byte.
std::string Base64Encode(std::string_view bytes);

}  // namespace rayguard::admission

#endif  // RAYGUARD_ADMISSION_REVIEW_CODEC_H_
