// Evidence that strict structural validation agrees with the API server on
// KubeRay's own samples (tests/fixtures/samples, from KubeRay v1.7.0): every
// RayCluster, RayJob and RayService document is accepted, except those named
// below with the reason they really are invalid for their CRD.
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <string>

#include "tests/testing/fixtures.h"
#include "webhook/core/check_result.h"
#include "webhook/schema/schema_layer.h"

namespace rayguard::schema {
namespace {

// sample file -> why strict validation rejects it (none known so far).
const std::map<std::string, std::string> kKnownInvalid = {};

bool IsRayWorkload(const nlohmann::json& doc) {
  const std::string kind = doc.value("kind", "");
  return doc.value("apiVersion", "").starts_with("ray.io/") &&
         (kind == "RayCluster" || kind == "RayJob" || kind == "RayService");
}

TEST(SamplesTest, StrictValidationAcceptsEveryKubeRaySample) {
  auto layer = NewSchemaLayer({"", /*strict=*/true});
  ASSERT_TRUE(layer.ok()) << layer.status().message();
  int total = 0, accepted = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(testing::FixturePath("samples"))) {
    if (entry.path().extension() != ".yaml") continue;
    const std::string file = entry.path().filename().string();
    for (nlohmann::json& doc : testing::LoadYamlDocuments(entry.path())) {
      if (!IsRayWorkload(doc)) continue;
      ++total;
      Resource r;
      (*layer)->ApplyDefaults(&doc);
      r.object = std::move(doc);
      CheckResult result;
      (*layer)->Check(r, &result);
      // Warnings (x-kubernetes-validations rules not evaluated) allow.
      if (result.allowed()) {
        ++accepted;
        EXPECT_FALSE(kKnownInvalid.contains(file)) << file << " now passes";
        continue;
      }
      if (kKnownInvalid.contains(file)) continue;
      for (const Finding& f : result.findings) {
        if (f.severity == Severity::kError)
          ADD_FAILURE() << file << ": " << f.ToString();
      }
    }
  }
  std::cout << "KubeRay samples accepted by strict validation: " << accepted
            << "/" << total << "\n";
  EXPECT_GE(total, 60);
  EXPECT_EQ(accepted + static_cast<int>(kKnownInvalid.size()), total);
}

}  // namespace
}  // namespace rayguard::schema
