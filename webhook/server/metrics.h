#ifndef RAYGUARD_SERVER_METRICS_H_
#define RAYGUARD_SERVER_METRICS_H_

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace rayguard::server {

// The webhook's Prometheus metrics, rendered in the text exposition format.
// Label values are bounded by the callers (kinds and operations outside the
// known set are recorded as "other"). Safe to use from many threads.
class Metrics {
 public:
  // Latency buckets in seconds: reviews take tens of microseconds, so the
  // buckets start at 50µs and end at 1s.
  static constexpr std::array<double, 14> kBuckets = {
      0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
      0.01,    0.025,  0.05,    0.1,    0.25,  0.5,    1.0};

  // One answered AdmissionReview; `rules` holds the rule id of every finding.
  void RecordReview(std::string_view endpoint, std::string_view kind,
                    std::string_view operation, std::string_view verdict,
                    double seconds, const std::vector<std::string>& rules);
  // A request refused before review (400, 405, 413, 415, 404).
  void RecordRejected(int http_status);
  void SetPoliciesLoaded(std::int64_t count);
  void SetPoliciesSkipped(std::int64_t count);
  void RecordValidatorReload(bool ok);
  // When the serving validator was built (start-up or the last successful
  // reload): alerts on its age catch reloads that keep failing.
  void SetLastLoadSuccess(std::int64_t unix_seconds);
  void SetCertificateExpiry(std::int64_t unix_seconds);
  void RecordCertificateReload(bool ok);

  std::string Render() const;

 private:
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;
  };

  mutable std::mutex mu_;
  // Keys are rendered label sets, e.g. endpoint="validate",kind="RayCluster".
  std::map<std::string, std::uint64_t> requests_;
  std::map<std::string, Histogram> durations_;
  std::map<std::string, std::uint64_t> violations_;
  std::map<std::string, std::uint64_t> rejected_;
  std::int64_t policies_loaded_ = 0;
  std::int64_t policies_skipped_ = 0;
  std::uint64_t reloads_ = 0;
  std::uint64_t reload_errors_ = 0;
  std::int64_t last_load_success_ = 0;
  std::int64_t certificate_expiry_ = 0;
  std::uint64_t certificate_reloads_ = 0;
  std::uint64_t certificate_reload_errors_ = 0;
};

}  // namespace rayguard::server

#endif  // RAYGUARD_SERVER_METRICS_H_
