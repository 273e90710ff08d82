#include "webhook/rules/feature_gates.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rayguard::rules {
namespace {

TEST(FeatureGatesTest, DefaultsMatchKubeRay170) {
  const auto& d = DefaultFeatureGates();
  EXPECT_TRUE(d.at("RayJobDeletionPolicy"));
  EXPECT_TRUE(d.at("RayServiceIncrementalUpgrade"));
  EXPECT_FALSE(d.at("RayClusterNetworkPolicy"));
  EXPECT_FALSE(d.at("RayClusterMTLS"));
  EXPECT_FALSE(d.at("GCSFaultToleranceEmbeddedStorage"));
  EXPECT_FALSE(d.at("RayClusterHistoryServer"));
}

TEST(FeatureGatesTest, ParsesGoBooleanSpellingsAndSpaces) {
  auto gates = ParseFeatureGates(
      " RayClusterMTLS=true, RayJobDeletionPolicy=False,,"
      "RayClusterNetworkPolicy=1");
  ASSERT_TRUE(gates.ok()) << gates.status().message();
  EXPECT_EQ(*gates,
            (std::map<std::string, bool>{{"RayClusterMTLS", true},
                                         {"RayJobDeletionPolicy", false},
                                         {"RayClusterNetworkPolicy", true}}));
  EXPECT_TRUE(ParseFeatureGates("")->empty());
}

TEST(FeatureGatesTest, RejectsUnknownGatesMissingEqualsAndBadValues) {
  auto unknown = ParseFeatureGates("NoSuchGate=true");
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.status().message(),
              ::testing::HasSubstr("unrecognized feature gate: NoSuchGate"));
  EXPECT_FALSE(ParseFeatureGates("RayClusterMTLS").ok());
  auto bad = ParseFeatureGates("RayClusterMTLS=yes");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), ::testing::HasSubstr("\"yes\""));
}

TEST(FeatureGatesTest, WithDefaultGatesOverridesOnlyWhatIsGiven) {
  auto gates = WithDefaultGates({{"RayClusterMTLS", true}});
  EXPECT_TRUE(gates.at("RayClusterMTLS"));
  EXPECT_TRUE(gates.at("RayJobDeletionPolicy"));
  EXPECT_EQ(gates.size(), DefaultFeatureGates().size());
}

}  // namespace
}  // namespace rayguard::rules
