#ifndef RAYGUARD_POLICY_POLICY_ENGINE_H_
#define RAYGUARD_POLICY_POLICY_ENGINE_H_

#include <memory>
#include <string>
#include <vector>

#include "webhook/core/check_result.h"
#include "webhook/core/layer.h"
#include "webhook/core/resource.h"
#include "webhook/core/result.h"
#include "webhook/policy/params.h"
#include "webhook/policy/policy.h"
#include "webhook/policy/policy_loader.h"

namespace rayguard::policy {

struct CompiledPolicy;  // compiled_policy.h

// How many policy objects a load kept and left out.
struct LoadCounts {
  int policies = 0;  // compiled and in force
  int bindings = 0;
  int skipped_policies = 0;  // left out by skip_invalid
  int skipped_bindings = 0;
};

// Compiled ValidatingAdmissionPolicies with their bindings and params,
// evaluated with the API server's semantics. Immutable once built; Evaluate
// is safe to call from many threads at once.
class PolicyEngine {
 public:
  struct Options {
    // Leave out (and count) policies and bindings that do not load instead
    // of failing.
    bool skip_invalid = false;
    // Generated schemas (`schemas/`): expressions of a policy that matches
    // only kinds found there are checked against them at load, so an
    // unknown field of `object` is a load error. Empty: no such check.
    std::string schemas_dir;
  };

  // Compiles every expression of `objects`. Every fault, including those
  // already in *errors from reading, is described in *errors. Fails (naming
  // each fault) when there is any and skip_invalid is off; otherwise the
  // faulty policies, and the bindings of missing policies, are left out.
  // REQUIRES: errors != nullptr
  static Result<std::unique_ptr<const PolicyEngine>> Create(
      PolicyObjects objects, ParamStore params, const Options& options,
      std::vector<LoadError>* errors);

  // Appends a Finding per failed validation and binding action (DESIGN.md:
  // `policy/<name>/<index>`, type Policy; Warn gives a warning, Audit a
  // warning with audit set and an entry in audit_annotations) and the
  // policies' auditAnnotations (keyed "<policy>/<key>") to *result.
  // REQUIRES: result != nullptr
  void Evaluate(const Resource& resource, CheckResult* result) const;

  const LoadCounts& counts() const { return counts_; }

  ~PolicyEngine();

 private:
  PolicyEngine();

  std::vector<std::unique_ptr<CompiledPolicy>> policies_;
  ParamStore params_;
  LoadCounts counts_;
};

// Reads `dirs` (and params from each dir's params/ folder, or `params_dir`
// when set) and builds the engine. Fails naming every fault unless
// `skip_invalid`, which logs each fault as an error and leaves it out.
struct LoadOptions {
  std::vector<std::string> dirs;
  std::string params_dir;
  bool skip_invalid = false;
  std::string schemas_dir;  // see PolicyEngine::Options
};
Result<std::unique_ptr<const PolicyEngine>> LoadPolicyEngine(
    const LoadOptions& options);

// The policy layer of a Validator ("policies").
class PolicyLayer : public Layer {
 public:
  explicit PolicyLayer(std::unique_ptr<const PolicyEngine> engine)
      : engine_(std::move(engine)) {}
  std::string_view name() const override { return "policies"; }
  void Check(const Resource& resource, CheckResult* result) const override {
    engine_->Evaluate(resource, result);
  }
  const PolicyEngine& engine() const { return *engine_; }

 private:
  std::unique_ptr<const PolicyEngine> engine_;
};

}  // namespace rayguard::policy

#endif  // RAYGUARD_POLICY_POLICY_ENGINE_H_
