#include "webhook/admission/admission_handler.h"

#include <stdexcept>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/fixtures.h"

namespace rayguard::admission {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

AdmissionRequest LoadRequest(const std::string& name) {
  Result<AdmissionRequest> r = DecodeReview(
      testing::ReadFile(testing::FixturePath("admission/" + name)));
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : AdmissionRequest{};
}

// The validator `rayguard serve` builds from the bundled files.
AdmissionHandler RealHandler() {
  std::shared_ptr<const Validator> v = Validator::Create({}).value();
  return AdmissionHandler([v] { return v; });
}

// A layer that reports what a test asks for, or throws.
class ScriptedLayer : public Layer {
 public:
  explicit ScriptedLayer(Findings findings, bool throws = false)
      : findings_(std::move(findings)), throws_(throws) {}
  std::string_view name() const override { return "scripted"; }
  void Check(const Resource& resource, CheckResult* result) const override {
    if (throws_) throw std::runtime_error("layer blew up");
    seen_operation = resource.admission.operation;
    seen_old = resource.admission.old_object;
    for (const Finding& f : findings_) result->findings.push_back(f);
    result->audit_annotations["scripted/checked"] = "true";
  }
  mutable std::string seen_operation;
  mutable nlohmann::json seen_old;

 private:
  Findings findings_;
  bool throws_;
};

class AddsLabel : public MutatingLayer {
 public:
  std::string_view name() const override { return "adds-label"; }
  Status Mutate(const Resource&, nlohmann::json* object,
                CheckResult*) const override {
    (*object)["metadata"]["labels"]["team"] = "ml";
    return Status::Ok();
  }
};

AdmissionHandler HandlerOver(std::shared_ptr<const Validator> v) {
  return AdmissionHandler([v] { return v; });
}

std::shared_ptr<const Validator> ValidatorWith(
    std::shared_ptr<ScriptedLayer>* out, Findings findings,
    bool throws = false) {
  auto layer = std::make_unique<ScriptedLayer>(std::move(findings), throws);
  // The Validator owns the layer; keep a non-owning alias for assertions.
  *out = std::shared_ptr<ScriptedLayer>(std::shared_ptr<void>(), layer.get());
  std::vector<std::unique_ptr<Layer>> layers;
  layers.push_back(std::move(layer));
  return std::make_shared<const Validator>(std::move(layers),
                                           std::vector<std::unique_ptr<MutatingLayer>>{});
}

Finding Warning(std::string rule, std::string path, std::string message) {
  Finding f;
  f.severity = Severity::kWarning;
  f.rule = std::move(rule);
  f.path = std::move(path);
  f.message = std::move(message);
  return f;
}

TEST(AdmissionHandlerTest, AllowsTheKubeRaySample) {
  AdmissionResponse r = RealHandler().Validate(LoadRequest("raycluster_create_v1.json"));
  EXPECT_TRUE(r.allowed);
  EXPECT_EQ(r.uid, "705ab4f5-6393-11e8-b7cc-42010a800002");
  EXPECT_EQ(r.verdict, "allowed");
  EXPECT_THAT(r.rules, IsEmpty());
}

TEST(AdmissionHandlerTest, DeniesBadNameWithEveryErrorAndItsPath) {
  AdmissionResponse r = RealHandler().Validate(LoadRequest("raycluster_bad_name_v1.json"));
  EXPECT_FALSE(r.allowed);
  EXPECT_EQ(r.code, 422);
  EXPECT_EQ(r.reason, "Invalid");
  EXPECT_EQ(r.verdict, "denied");
  EXPECT_THAT(r.message,
              HasSubstr("RayCluster.ray.io \"Train-Cluster-For-The-Very-Long-"
                        "Named-Research-Team-East\" is invalid: [metadata.name: "
                        "Invalid value: \"Train-Cluster-For-The-Very-Long-"
                        "Named-Research-Team-East\": must be no more than 53 "
                        "characters, metadata.name: Invalid value:"));
  ASSERT_EQ(r.causes.size(), 2u);
  EXPECT_EQ(r.causes[0].field, "metadata.name");
  EXPECT_EQ(r.causes[0].reason, "FieldValueInvalid");
  EXPECT_THAT(r.rules, ElementsAre("kuberay/raycluster-name",
                                   "kuberay/raycluster-name"));
}

TEST(AdmissionHandlerTest, DryRunIsJudgedTheSameWay) {
  AdmissionResponse r =
      RealHandler().Validate(LoadRequest("raycluster_bad_name_dry_run_v1.json"));
  EXPECT_FALSE(r.allowed);
}

TEST(AdmissionHandlerTest, AllowsDeleteAndOtherKindsUnchecked) {
  std::shared_ptr<ScriptedLayer> layer;
  auto handler = HandlerOver(ValidatorWith(&layer, {}, /*throws=*/true));
  for (const char* name : {"raycluster_delete_v1.json", "pod_create_v1.json"}) {
    AdmissionResponse r = handler.Validate(LoadRequest(name));
    EXPECT_TRUE(r.allowed) << name;
    EXPECT_EQ(r.verdict, "skipped") << name;
  }
}

TEST(AdmissionHandlerTest, UpdatePassesOldObjectToTheChecks) {
  std::shared_ptr<ScriptedLayer> layer;
  auto handler = HandlerOver(ValidatorWith(&layer, {}));
  AdmissionResponse r = handler.Validate(LoadRequest("raycluster_update_v1beta1.json"));
  EXPECT_TRUE(r.allowed);
  EXPECT_EQ(layer->seen_operation, "UPDATE");
  EXPECT_EQ(layer->seen_old["spec"]["workerGroupSpecs"][0]["replicas"], 1);
}

// `rayguard serve` lends the decoded request to the review instead of
// copying it: same answer, and the request reads the same afterwards (the
// server logs from it), including when CRD defaults had to be applied.
TEST(AdmissionHandlerTest, LendingTheRequestAnswersAsCopyingAndGivesItBack) {
  AdmissionHandler handler = RealHandler();
  for (const char* name :
       {"raycluster_create_v1.json", "raycluster_bad_name_v1.json",
        "raycluster_update_v1beta1.json", "raycluster_delete_v1.json",
        "pod_create_v1.json"}) {
    for (bool mutate : {false, true}) {
      const AdmissionRequest before = LoadRequest(name);
      AdmissionRequest lent = before;
      AdmissionResponse copied =
          mutate ? handler.Mutate(before) : handler.Validate(before);
      AdmissionResponse lending =
          mutate ? handler.Mutate(lent) : handler.Validate(lent);
      EXPECT_EQ(EncodeReview(kAdmissionV1, lending),
                EncodeReview(kAdmissionV1, copied))
          << name;
      EXPECT_EQ(lending.verdict, copied.verdict) << name;
      EXPECT_EQ(lending.rules, copied.rules) << name;
      EXPECT_EQ(lent.object, before.object) << name;
      EXPECT_EQ(lent.old_object, before.old_object) << name;
      EXPECT_EQ(lent.attributes, before.attributes) << name;
    }
  }
}

TEST(AdmissionHandlerTest, ALentRequestComesBackWhenALayerThrows) {
  std::shared_ptr<ScriptedLayer> layer;
  auto handler = HandlerOver(ValidatorWith(&layer, {}, /*throws=*/true));
  const AdmissionRequest before = LoadRequest("raycluster_update_v1beta1.json");
  AdmissionRequest lent = before;
  AdmissionResponse r = handler.Validate(lent);
  EXPECT_EQ(r.code, 500);
  EXPECT_EQ(lent.object, before.object);
  EXPECT_EQ(lent.old_object, before.old_object);
  EXPECT_EQ(lent.attributes, before.attributes);
}

TEST(AdmissionHandlerTest, WarningsAllowAndAuditFindingsStayOutOfWarnings) {
  Finding audit = Warning("policy/p", "spec", "audited");
  audit.audit = true;
  std::shared_ptr<ScriptedLayer> layer;
  auto handler = HandlerOver(ValidatorWith(
      &layer, {Warning("policy/p", "spec.rayVersion", "is old"), audit}));
  AdmissionResponse r = handler.Validate(LoadRequest("raycluster_create_v1.json"));
  EXPECT_TRUE(r.allowed);
  EXPECT_THAT(r.warnings, ElementsAre("spec.rayVersion: is old"));
  EXPECT_EQ(r.audit_annotations.at("scripted_checked"), "true");
}

TEST(AdmissionHandlerTest, AuditAnnotationKeysAreNamesTheApiServerKeeps) {
  EXPECT_EQ(WebhookAuditKey("rayguard-idle-timeout/workers"),
            "rayguard-idle-timeout_workers");
  EXPECT_EQ(WebhookAuditKey("validation.policy.admission.k8s.io/validation_failure"),
            "validation.policy.admission.k8s.io_validation_failure");
  EXPECT_EQ(WebhookAuditKey("/odd key!/"), "odd_key");
  EXPECT_EQ(WebhookAuditKey("//"), "annotation");
  const std::string long_policy(70, 'p');
  std::string a = WebhookAuditKey(long_policy + "/a");
  std::string b = WebhookAuditKey(long_policy + "/b");
  EXPECT_EQ(a.size(), 63u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.substr(0, 54), std::string(54, 'p'));
}

TEST(AdmissionHandlerTest, PolicyReasonOverridesTheStatusReasonAndCode) {
  Finding f;
  f.rule = "policy/no-latest";
  f.type = "Policy";
  f.reason = "Forbidden";
  f.message = "image tag latest is not allowed";
  std::shared_ptr<ScriptedLayer> layer;
  AdmissionResponse r = HandlerOver(ValidatorWith(&layer, {f}))
                            .Validate(LoadRequest("raycluster_create_v1.json"));
  EXPECT_FALSE(r.allowed);
  EXPECT_EQ(r.reason, "Forbidden");
  EXPECT_EQ(r.code, 403);
  EXPECT_THAT(r.message, HasSubstr("is invalid: image tag latest"));
}

// A hostile object with hundreds of broken items gets a denial of a few
// kilobytes: the first 100 errors and warnings, then how many more (the
// validator itself stops at kMaxFindings).
TEST(AdmissionHandlerTest, ListsTheFirstHundredErrorsAndWarnings) {
  Findings findings;
  for (int i = 0; i < 400; ++i) {
    Finding error;
    error.rule = "schema";
    error.type = "Required";
    error.path = "spec.workerGroupSpecs[" + std::to_string(i) + "].groupName";
    error.message = "Required value";
    findings.push_back(error);
    findings.push_back(Warning("schema", error.path, "unknown field"));
  }
  std::shared_ptr<ScriptedLayer> layer;
  AdmissionResponse r = HandlerOver(ValidatorWith(&layer, findings))
                            .Validate(LoadRequest("raycluster_create_v1.json"));
  EXPECT_FALSE(r.allowed);
  EXPECT_EQ(r.causes.size(), 100u);
  EXPECT_EQ(r.causes[99].field, "spec.workerGroupSpecs[99].groupName");
  EXPECT_THAT(r.message, HasSubstr("spec.workerGroupSpecs[99].groupName: "
                                   "Required value, and 300 more errors "
                                   "not listed]"));
  EXPECT_LT(r.message.size(), 10000u);
  ASSERT_EQ(r.warnings.size(), 101u);
  EXPECT_EQ(r.warnings.back(), "and 300 more warnings not listed");
  EXPECT_EQ(r.rules.size(), 800u);  // metrics still count every finding
}

TEST(AdmissionHandlerTest, ExceptionInALayerFailsClosedWith500) {
  std::shared_ptr<ScriptedLayer> layer;
  AdmissionResponse r = HandlerOver(ValidatorWith(&layer, {}, /*throws=*/true))
                            .Validate(LoadRequest("raycluster_create_v1.json"));
  EXPECT_FALSE(r.allowed);
  EXPECT_EQ(r.code, 500);
  EXPECT_EQ(r.verdict, "error");
  EXPECT_EQ(r.uid, "705ab4f5-6393-11e8-b7cc-42010a800002");
  EXPECT_THAT(r.message, HasSubstr("layer blew up"));
}

TEST(AdmissionHandlerTest, NoValidatorLoadedFailsClosed) {
  AdmissionHandler handler([] { return std::shared_ptr<const Validator>(); });
  AdmissionResponse r = handler.Validate(LoadRequest("raycluster_create_v1.json"));
  EXPECT_FALSE(r.allowed);
  EXPECT_EQ(r.code, 500);
}

TEST(AdmissionHandlerTest, MutateWithoutChangesSendsNoPatch) {
  AdmissionResponse r = RealHandler().Mutate(LoadRequest("raycluster_create_v1.json"));
  EXPECT_TRUE(r.allowed);
  EXPECT_TRUE(r.patch.empty());
}

TEST(AdmissionHandlerTest, MutateReturnsThePatchOfTheChange) {
  std::vector<std::unique_ptr<MutatingLayer>> mutators;
  mutators.push_back(std::make_unique<AddsLabel>());
  auto v = std::make_shared<const Validator>(
      std::vector<std::unique_ptr<Layer>>{}, std::move(mutators));
  AdmissionResponse r =
      HandlerOver(v).Mutate(LoadRequest("raycluster_create_v1.json"));
  EXPECT_TRUE(r.allowed);
  EXPECT_EQ(nlohmann::json::parse(r.patch),
            nlohmann::json::parse(
                R"([{"op":"add","path":"/metadata/labels","value":{"team":"ml"}}])"));
}

}  // namespace
}  // namespace rayguard::admission
