#include "webhook/admission/review_codec.h"

#include <utility>

#include "webhook/admission/strict_json.h"

namespace rayguard::admission {
namespace {

using nlohmann::json;

std::string StringField(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

// Moves `key` out of `object`. Absent and null both mean "no object" (the
// API server sends "oldObject": null on CREATE).
json TakeField(json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end()) return json();
  json value = std::move(*it);
  object.erase(it);
  return value;
}

Status CheckEnvelope(const json& review) {
  if (!review.is_object()) {
    return Status::InvalidArgument("body is not a JSON object");
  }
  const std::string api_version = StringField(review, "apiVersion");
  if (api_version != kAdmissionV1 && api_version != kAdmissionV1beta1) {
    return Status::InvalidArgument(
        "apiVersion must be admission.k8s.io/v1 or admission.k8s.io/v1beta1, "
        "got \"" + api_version.substr(0, 64) + "\"");
  }
  if (StringField(review, "kind") != "AdmissionReview") {
    return Status::InvalidArgument("kind must be AdmissionReview");
  }
  auto request = review.find("request");
  if (request == review.end() || !request->is_object()) {
    return Status::InvalidArgument("request is missing or not an object");
  }
  if (StringField(*request, "uid").empty()) {
    return Status::InvalidArgument("request.uid is missing or empty");
  }
  return Status::Ok();
}

json EncodeStatus(const AdmissionResponse& r) {
  json status = {{"metadata", json::object()},
                 {"status", "Failure"},
                 {"code", r.code},
                 {"message", r.message}};
  if (!r.reason.empty()) status["reason"] = r.reason;
  if (!r.causes.empty()) {
    json causes = json::array();
    for (const StatusCause& c : r.causes) {
      json cause = {{"reason", c.reason}, {"message", c.message}};
      if (!c.field.empty()) cause["field"] = c.field;
      causes.push_back(std::move(cause));
    }
    status["details"] = {{"causes", std::move(causes)}};
  }
  return status;
}

}  // namespace

Result<AdmissionRequest> DecodeReview(std::string_view body) {
  Result<json> parsed = ParseStrictJson(body);
  if (!parsed.ok()) return parsed.status();
  json& review = *parsed;
  if (Status s = CheckEnvelope(review); !s.ok()) return s;
  json& request = *review.find("request");

  AdmissionRequest out;
  out.api_version = StringField(review, "apiVersion");
  out.uid = StringField(request, "uid");
  if (auto kind = request.find("kind"); kind != request.end() &&
                                        kind->is_object()) {
    out.kind = StringField(*kind, "kind");
    out.group = StringField(*kind, "group");
  }
  out.name = StringField(request, "name");
  out.namespace_name = StringField(request, "namespace");
  out.operation = StringField(request, "operation");
  auto dry_run = request.find("dryRun");
  out.dry_run = dry_run != request.end() && dry_run->is_boolean() &&
                dry_run->get<bool>();
  // The parsed document is ours: its parts move, nothing is copied.
  out.object = TakeField(request, "object");
  out.old_object = TakeField(request, "oldObject");
  out.attributes = std::move(request);
  return out;
}

std::string EncodeReview(std::string_view api_version,
                         const AdmissionResponse& r) {
  json response = {{"uid", r.uid}, {"allowed", r.allowed}};
  if (!r.allowed) response["status"] = EncodeStatus(r);
  if (!r.warnings.empty()) response["warnings"] = r.warnings;
  if (!r.patch.empty()) {
    response["patchType"] = "JSONPatch";
    response["patch"] = Base64Encode(r.patch);
  }
  if (!r.audit_annotations.empty()) {
    response["auditAnnotations"] = r.audit_annotations;
  }
  json review = {{"apiVersion", std::string(api_version)},
                 {"kind", "AdmissionReview"},
                 {"response", std::move(response)}};
  // Invalid UTF-8 in a message (echoed from a user's object) must not turn
  // a verdict into an exception: replace it instead.
  return review.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string Base64Encode(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16 |
                       static_cast<unsigned char>(bytes[i + 1]) << 8 |
                       static_cast<unsigned char>(bytes[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(v >> shift) & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

}  // namespace rayguard::admission
