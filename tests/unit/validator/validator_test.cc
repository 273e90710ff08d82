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

}  // namespace
}  // namespace rayguard
