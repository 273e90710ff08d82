// Kubernetes `authz` library (k8s.io/apiserver/pkg/cel/library/authz.go and
// the selector additions, Kubernetes 1.34): `authorizer.group('apps')
// .resource('deployments').namespace(ns).check('create').allowed()` and
// the path, serviceAccount, subresource, name, fieldSelector and
// labelSelector builders.
//
// rayguard has no authorizer to ask: it cannot send SubjectAccessReviews,
// offline or in `serve`. The builders work, so policies that use the library
// compile and type as in the API server, and every check() evaluates to an
// error, so the expression's failure handling (the policy's failurePolicy)
// decides instead of a guessed answer.

#include "webhook/cel/function_registry.h"

namespace rayguard::cel {

namespace {

using K = Value::Kind;
using Args = std::span<const Value>;

constexpr std::string_view kAuthorizer = "kubernetes.authorization.Authorizer";
constexpr std::string_view kPathCheck = "kubernetes.authorization.PathCheck";
constexpr std::string_view kGroupCheck = "kubernetes.authorization.GroupCheck";
constexpr std::string_view kResourceCheck =
    "kubernetes.authorization.ResourceCheck";
constexpr std::string_view kDecision = "kubernetes.authorization.Decision";

// A step of a check being built. Only its type matters: no check is ever
// decided here.
class AuthzValue : public OpaqueValue {
 public:
  explicit AuthzValue(std::string_view type) : type_(type) {}
  std::string_view TypeName() const override { return type_; }
  bool Equals(const OpaqueValue& other) const override {
    return this == &other;
  }
  nlohmann::json ToJson() const override { return std::string(type_); }

 private:
  std::string_view type_;
};

Value Of(std::string_view type) {
  return Value::Opaque(std::make_shared<const AuthzValue>(type));
}

template <const std::string_view& kType>
Value Builder(Args) {
  return Of(kType);
}

Value Check(Args) {
  return Value::Error(
      "authorizer check not available: rayguard cannot ask the API server's "
      "authorizer, so the check is not decided (the policy's failurePolicy "
      "applies)");
}

Value NoDecision(Args) {
  return Value::Error("authorizer decision not available");
}

}  // namespace

Value OfflineAuthorizer() { return Of(kAuthorizer); }
Value OfflineRequestResource() { return Of(kResourceCheck); }

Status RegisterAuthzLibrary(FunctionRegistry& r) {
  r.AddMember("path", {kAuthorizer, K::kString}, Builder<kPathCheck>);
  r.AddMember("group", {kAuthorizer, K::kString}, Builder<kGroupCheck>);
  r.AddMember("serviceAccount", {kAuthorizer, K::kString, K::kString},
              Builder<kAuthorizer>);
  r.AddMember("resource", {kGroupCheck, K::kString}, Builder<kResourceCheck>);
  for (const char* step : {"subresource", "namespace", "name", "fieldSelector",
                           "labelSelector"}) {
    r.AddMember(step, {kResourceCheck, K::kString}, Builder<kResourceCheck>);
  }
  r.AddMember("check", {kPathCheck, K::kString}, Check);
  r.AddMember("check", {kResourceCheck, K::kString}, Check);
  for (const char* field : {"allowed", "errored", "reason", "error"}) {
    r.AddMember(field, {kDecision}, NoDecision);
  }
  return Status::Ok();
}

}  // namespace rayguard::cel
