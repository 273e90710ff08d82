#include "webhook/server/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rayguard::server {
namespace {

using ::testing::HasSubstr;

TEST(MetricsTest, RendersCountersHistogramAndGauges) {
  Metrics m;
  m.RecordReview("validate", "RayCluster", "CREATE", "denied", 0.0003,
                 {"kuberay/raycluster-name", "kuberay/raycluster-name"});
  m.RecordReview("validate", "RayCluster", "CREATE", "allowed", 2.0, {});
  m.RecordRejected(415);
  m.SetPoliciesLoaded(3);
  m.SetPoliciesSkipped(2);
  m.RecordValidatorReload(false);
  m.SetCertificateExpiry(1800000000);
  const std::string text = m.Render();
  EXPECT_THAT(text, HasSubstr("# TYPE rayguard_admission_requests_total counter\n"));
  EXPECT_THAT(text, HasSubstr("rayguard_admission_requests_total{endpoint=\"validate\","
                              "kind=\"RayCluster\",operation=\"CREATE\","
                              "verdict=\"denied\"} 1\n"));
  // Cumulative buckets: 300µs falls in le=0.0005 and above, 2s only in +Inf.
  EXPECT_THAT(text, HasSubstr("_bucket{endpoint=\"validate\",le=\"0.00025\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("_bucket{endpoint=\"validate\",le=\"0.0005\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("_bucket{endpoint=\"validate\",le=\"1\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("_bucket{endpoint=\"validate\",le=\"+Inf\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("rayguard_admission_duration_seconds_count{endpoint=\"validate\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("rayguard_violations_total{rule=\"kuberay/raycluster-name\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("rayguard_http_rejected_requests_total{code=\"415\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("rayguard_policies_loaded 3\n"));
  EXPECT_THAT(text, HasSubstr("rayguard_policies_skipped 2\n"));
  EXPECT_THAT(text, HasSubstr("rayguard_policy_reload_errors_total 1\n"));
  EXPECT_THAT(text, HasSubstr("rayguard_certificate_expiry_timestamp_seconds 1800000000\n"));
}

TEST(MetricsTest, EscapesLabelValues) {
  Metrics m;
  m.RecordReview("validate", "other", "CREATE", "allowed", 0.001,
                 {"policy/a\"b\\c\nd"});
  EXPECT_THAT(m.Render(), HasSubstr("{rule=\"policy/a\\\"b\\\\c\\nd\"}"));
}

}  // namespace
}  // namespace rayguard::server
