#include "webhook/validator/ratchet.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/fixtures.h"
#include "webhook/validator/validator.h"

namespace rayguard {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

// KubeRay's sample RayCluster (workers 1..5), as the API server sends it.
json Sample() {
  return json::parse(testing::ReadFile(testing::FixturePath(
      "admission/raycluster_create_v1.json")))["request"]["object"];
}

json WithMinReplicas(json object, int min) {
  object["spec"]["workerGroupSpecs"][0]["minReplicas"] = min;
  return object;
}

Resource Update(json object, json old_object) {
  Resource r;
  r.object = std::move(object);
  r.admission.operation = "UPDATE";
  r.admission.old_object = std::move(old_object);
  return r;
}

std::unique_ptr<const Validator> RealValidator(bool ratchet = true) {
  ValidatorOptions options;
  options.schemas_dir = testing::SourcePath("schemas");
  options.ratchet_updates = ratchet;
  auto v = Validator::Create(options);
  EXPECT_TRUE(v.ok()) << v.status().message();
  return std::move(v).value();
}

const Finding* FindRule(const CheckResult& r, const std::string& rule) {
  for (const Finding& f : r.findings) {
    if (f.rule == rule) return &f;
  }
  return nullptr;
}

constexpr char kRange[] = "kuberay/worker-replicas-range";

TEST(RatchetTest, AFaultTheStoredObjectHadIsAWarning) {
  json old = WithMinReplicas(Sample(), 6);  // above maxReplicas (5)
  json updated = old;
  updated["metadata"]["labels"]["team"] = "ml";
  CheckResult r = RealValidator()->Check(Update(updated, old));
  EXPECT_TRUE(r.allowed());
  const Finding* f = FindRule(r, kRange);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kWarning);
  EXPECT_EQ(f->ToString(),
            "spec.workerGroupSpecs[0].minReplicas: Invalid value: 6: must be "
            "less than or equal to maxReplicas (5) (unchanged since the "
            "object was stored)");
}

TEST(RatchetTest, ANewOrChangedFaultIsDenied) {
  auto validator = RealValidator();
  CheckResult added =
      validator->Check(Update(WithMinReplicas(Sample(), 6), Sample()));
  EXPECT_FALSE(added.allowed());
  // Same rule and path, another value: a changed fault.
  CheckResult changed = validator->Check(
      Update(WithMinReplicas(Sample(), 7), WithMinReplicas(Sample(), 6)));
  EXPECT_FALSE(changed.allowed());
  // Same value, but the fault changed with maxReplicas (its message did).
  json lower_max = WithMinReplicas(Sample(), 6);
  lower_max["spec"]["workerGroupSpecs"][0]["maxReplicas"] = 4;
  CheckResult moved =
      validator->Check(Update(lower_max, WithMinReplicas(Sample(), 6)));
  EXPECT_FALSE(moved.allowed());
}

TEST(RatchetTest, SchemaFaultsRatchetToo) {
  json old = Sample();
  old["spec"]["workerGroupSpecs"][0]["replicas"] = "three";
  json updated = old;
  updated["metadata"]["annotations"]["note"] = "x";
  CheckResult r = RealValidator()->Check(Update(updated, old));
  EXPECT_TRUE(r.allowed());
  const Finding* f = FindRule(r, "schema");
  ASSERT_NE(f, nullptr);
  EXPECT_THAT(f->message, HasSubstr("(unchanged since the object was stored)"));
}

TEST(RatchetTest, OffJudgesEveryUpdateAsNew) {
  json old = WithMinReplicas(Sample(), 6);
  CheckResult r = RealValidator(/*ratchet=*/false)->Check(Update(old, old));
  EXPECT_FALSE(r.allowed());
}

TEST(RatchetTest, CreateIsNeverRatcheted) {
  Resource create;
  create.object = WithMinReplicas(Sample(), 6);
  create.admission.old_object = create.object;  // ignored: not an UPDATE
  EXPECT_FALSE(RealValidator()->Check(create).allowed());
}

TEST(RatchetTest, PoliciesAndImmutableRulesDoNotRatchet) {
  auto rule = [](const char* id) {
    Finding f;
    f.rule = id;
    return f;
  };
  EXPECT_TRUE(ratchet::Ratchets(rule("schema")));
  EXPECT_TRUE(ratchet::Ratchets(rule("schema/overlay/ray-version.json")));
  EXPECT_TRUE(ratchet::Ratchets(rule(kRange)));
  EXPECT_FALSE(ratchet::Ratchets(rule("policy/approved-registries")));
  EXPECT_FALSE(ratchet::Ratchets(rule("kuberay/managed-by-immutable")));
  EXPECT_FALSE(ratchet::Ratchets(rule("kuberay/gcs-ft-backend-immutable")));
  EXPECT_FALSE(ratchet::Ratchets(rule(kTooManyFindingsRule)));
}

TEST(RatchetTest, TheStoredObjectIsOnlyCheckedWhenAnErrorCouldBeForgiven) {
  int calls = 0;
  ratchet::StoredCheck count = [&calls](const json& old) {
    ++calls;
    return ratchet::Stored{old, {}};
  };
  Findings warnings(1);
  warnings[0].rule = kRange;
  warnings[0].severity = Severity::kWarning;
  ratchet::ForgiveUnchanged(Update(Sample(), Sample()), count, &warnings);
  Findings policy(1);
  policy[0].rule = "policy/p";
  ratchet::ForgiveUnchanged(Update(Sample(), Sample()), count, &policy);
  EXPECT_EQ(calls, 0);
  Findings error(1);
  error[0].rule = kRange;
  ratchet::ForgiveUnchanged(Update(Sample(), Sample()), count, &error);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(error[0].severity, Severity::kError);  // the old one had none
}

json Terminating(json object) {
  object["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z";
  object["metadata"]["finalizers"] = {"ray.io/gcs-ft-redis-cleanup-finalizer"};
  return object;
}

TEST(RatchetTest, AFinalizerRemovalOfAnObjectBeingDeletedIsAllowed) {
  json old = Terminating(WithMinReplicas(Sample(), 6));
  json updated = old;
  updated["metadata"].erase("finalizers");
  updated["metadata"]["labels"]["gone"] = "soon";
  CheckResult r = RealValidator(/*ratchet=*/false)->Check(Update(updated, old));
  EXPECT_TRUE(r.allowed());
  const Finding* f = FindRule(r, kRange);
  ASSERT_NE(f, nullptr);
  EXPECT_THAT(f->message, HasSubstr("the object is being deleted"));
}

TEST(RatchetTest, ASpecChangeOfAnObjectBeingDeletedIsStillJudged) {
  json old = Terminating(Sample());
  json updated = WithMinReplicas(old, 6);
  updated["metadata"].erase("finalizers");
  EXPECT_FALSE(RealValidator()->Check(Update(updated, old)).allowed());
  // Not being deleted: a metadata-only update is judged as usual.
  json live = WithMinReplicas(Sample(), 6);
  json relabelled = live;
  relabelled["metadata"]["labels"]["x"] = "y";
  EXPECT_FALSE(RealValidator(false)->Check(Update(relabelled, live)).allowed());
}

}  // namespace
}  // namespace rayguard
