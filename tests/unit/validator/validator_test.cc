#include "webhook/validator/validator.h"

#include <gtest/gtest.h>

namespace rayguard {
namespace {

// A layer that reports one finding per object, to test the plumbing.
class AlwaysFinds : public Layer {
 public:
  std::string_view name() const override { return "always"; }
  void ApplyDefaults(nlohmann::json* object) const override {
    (*object)["spec"]["defaulted"] = true;
  }
  void Check(const Resource& r, CheckResult* result) const override {
    Finding f;
    f.rule = "test/always";
    f.path = "spec";
    f.message = r.object["spec"].value("defaulted", false) ? "defaulted"
                                                            : "raw";
    result->findings.push_back(f);
  }
};

Validator MakeValidator(std::map<std::string, std::string> overrides = {}) {
  std::vector<std::unique_ptr<Layer>> layers;
  layers.push_back(std::make_unique<AlwaysFinds>());
  return Validator(std::move(layers), {}, std::move(overrides));
}

Resource Cluster() {
  Resource r;
  r.object = {{"apiVersion", "ray.io/v1"}, {"kind", "RayCluster"},
              {"metadata", {{"name", "c"}}}, {"spec", nlohmann::json::object()}};
  return r;
}

TEST(ValidatorTest, HandlesOnlyRayKinds) {
  EXPECT_TRUE(Validator::Handles(Cluster().object));
  EXPECT_TRUE(Validator::Handles({{"apiVersion", "ray.io/v1alpha1"}, {"kind", "RayJob"}}));
  EXPECT_FALSE(Validator::Handles({{"apiVersion", "v1"}, {"kind", "Pod"}}));
  EXPECT_FALSE(Validator::Handles({{"apiVersion", "ray.io/v1"}}));
  EXPECT_FALSE(Validator::Handles(nlohmann::json::array()));
}

TEST(ValidatorTest, LayersSeeTheDefaultedObject) {
  CheckResult r = MakeValidator().Check(Cluster());
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].message, "defaulted");
  EXPECT_FALSE(r.allowed());
}

TEST(ValidatorTest, RuleOverridesTurnOffOrDowngrade) {
  EXPECT_TRUE(MakeValidator({{"test/always", "off"}}).Check(Cluster()).findings.empty());
  CheckResult warn = MakeValidator({{"test/always", "warn"}}).Check(Cluster());
  ASSERT_EQ(warn.findings.size(), 1u);
  EXPECT_EQ(warn.findings[0].severity, Severity::kWarning);
  EXPECT_TRUE(warn.allowed());
}

// A stand-in for the structural schema layer: replicas must not be negative.
class NonNegativeReplicas : public Layer {
 public:
  std::string_view name() const override { return "schema"; }
  void Check(const Resource& r, CheckResult* result) const override {
    for (const char* field : {"replicas", "minReplicas"}) {
      if (r.object["spec"].value(field, 0) < 0) {
        result->findings.push_back({Severity::kError, "schema",
                                    std::string("spec.") + field, "Invalid",
                                    "must be non-negative", false, ""});
      }
    }
  }
};

// Sets spec.replicas to a fixed value.
class SetReplicas : public MutatingLayer {
 public:
  explicit SetReplicas(int n) : n_(n) {}
  std::string_view name() const override { return "mutation"; }
  Status Mutate(const Resource&, nlohmann::json* object,
                CheckResult*) const override {
    (*object)["spec"]["replicas"] = n_;
    return Status::Ok();
  }

 private:
  int n_;
};

Validator MutatingValidator(int replicas) {
  std::vector<std::unique_ptr<Layer>> layers;
  layers.push_back(std::make_unique<NonNegativeReplicas>());
  std::vector<std::unique_ptr<MutatingLayer>> mutators;
  mutators.push_back(std::make_unique<SetReplicas>(replicas));
  return Validator(std::move(layers), std::move(mutators));
}

TEST(ValidatorTest, MutateReturnsTheMutatedCopy) {
  Resource r = Cluster();
  Result<MutationOutcome> out = MutatingValidator(3).Mutate(r);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->object["spec"]["replicas"], 3);
  EXPECT_FALSE(r.object["spec"].contains("replicas"));
}

TEST(ValidatorTest, MutationThatBreaksTheSchemaFails) {
  Result<MutationOutcome> out = MutatingValidator(-1).Mutate(Cluster());
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().message(),
            "mutation would make the object fail its schema: "
            "spec.replicas: must be non-negative");
}

TEST(ValidatorTest, SchemaErrorsTheObjectAlreadyHadDoNotFailMutation) {
  Resource r = Cluster();
  r.object["spec"]["minReplicas"] = -1;
  Result<MutationOutcome> out = MutatingValidator(2).Mutate(r);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->object["spec"]["replicas"], 2);
}

}  // namespace
}  // namespace rayguard
