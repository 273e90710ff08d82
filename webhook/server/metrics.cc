#include "webhook/server/metrics.h"

#include <sstream>

namespace rayguard::server {
namespace {

// Prometheus label value escaping: backslash, double quote and newline.
std::string Escape(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string Label(std::string_view name, std::string_view value) {
  return std::string(name) + "=\"" + Escape(value) + "\"";
}

void Header(std::ostream& out, const char* name, const char* type,
            const char* help) {
  out << "# HELP " << name << " " << help << "\n# TYPE " << name << " "
      << type << "\n";
}

template <typename T>
void Family(std::ostream& out, const char* name, const char* type,
            const char* help, const std::map<std::string, T>& series) {
  Header(out, name, type, help);
  for (const auto& [labels, value] : series) {
    out << name << "{" << labels << "} " << value << "\n";
  }
}

template <typename T>
void Single(std::ostream& out, const char* name, const char* type,
            const char* help, T value) {
  Header(out, name, type, help);
  out << name << " " << value << "\n";
}

}  // namespace

void Metrics::RecordReview(std::string_view endpoint, std::string_view kind,
                           std::string_view operation,
                           std::string_view verdict, double seconds,
                           const std::vector<std::string>& rules) {
  const std::string request_key =
      Label("endpoint", endpoint) + "," + Label("kind", kind) + "," +
      Label("operation", operation) + "," + Label("verdict", verdict);
  const std::string endpoint_key = Label("endpoint", endpoint);
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[request_key];
  Histogram& h = durations_[endpoint_key];
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++h.buckets[i];
  }
  ++h.count;
  h.sum += seconds;
  for (const std::string& rule : rules) ++violations_[Label("rule", rule)];
}

void Metrics::RecordRejected(int http_status) {
  std::lock_guard<std::mutex> lock(mu_);
  ++rejected_[Label("code", std::to_string(http_status))];
}

void Metrics::SetPoliciesLoaded(std::int64_t count) {
  std::lock_guard<std::mutex> lock(mu_);
  policies_loaded_ = count;
}

void Metrics::SetPoliciesSkipped(std::int64_t count) {
  std::lock_guard<std::mutex> lock(mu_);
  policies_skipped_ = count;
}

void Metrics::RecordValidatorReload(bool ok) {
  std::lock_guard<std::mutex> lock(mu_);
  ++(ok ? reloads_ : reload_errors_);
}

void Metrics::SetLastLoadSuccess(std::int64_t unix_seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  last_load_success_ = unix_seconds;
}

void Metrics::SetCertificateExpiry(std::int64_t unix_seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  certificate_expiry_ = unix_seconds;
}

void Metrics::RecordCertificateReload(bool ok) {
  std::lock_guard<std::mutex> lock(mu_);
  ++(ok ? certificate_reloads_ : certificate_reload_errors_);
}

std::string Metrics::Render() const {
  std::ostringstream out;
  std::lock_guard<std::mutex> lock(mu_);
  Family(out, "rayguard_admission_requests_total", "counter",
         "AdmissionReviews answered, by endpoint, kind, operation and verdict.",
         requests_);
  Header(out, "rayguard_admission_duration_seconds", "histogram",
         "Time to decode, decide and encode one AdmissionReview.");
  for (const auto& [labels, h] : durations_) {
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      out << "rayguard_admission_duration_seconds_bucket{" << labels
          << ",le=\"" << kBuckets[i] << "\"} " << h.buckets[i] << "\n";
    }
    out << "rayguard_admission_duration_seconds_bucket{" << labels
        << ",le=\"+Inf\"} " << h.count << "\n"
        << "rayguard_admission_duration_seconds_sum{" << labels << "} "
        << h.sum << "\n"
        << "rayguard_admission_duration_seconds_count{" << labels << "} "
        << h.count << "\n";
  }
  Family(out, "rayguard_violations_total", "counter",
         "Findings reported in answered reviews, by rule id.", violations_);
  Family(out, "rayguard_http_rejected_requests_total", "counter",
         "Requests refused before review, by HTTP status.", rejected_);
  Single(out, "rayguard_policies_loaded", "gauge",
         "Policies compiled into the validator currently serving.", policies_loaded_);
  Single(out, "rayguard_policies_skipped", "gauge",
         "Invalid policies and bindings left out (--skip-invalid-policies).",
         policies_skipped_);
  Single(out, "rayguard_policy_reloads_total", "counter",
         "Successful reloads of schemas and policies.", reloads_);
  Single(out, "rayguard_policy_reload_errors_total", "counter",
         "Reloads of schemas and policies that failed (old ones kept).",
         reload_errors_);
  Single(out, "rayguard_policies_last_reload_success_timestamp_seconds",
         "gauge",
         "When the serving schemas and policies were loaded (start-up or "
         "the last successful reload), as a Unix timestamp.",
         last_load_success_);
  Single(out, "rayguard_certificate_expiry_timestamp_seconds", "gauge",
         "notAfter of the serving certificate, as a Unix timestamp.",
         certificate_expiry_);
  Single(out, "rayguard_certificate_reloads_total", "counter",
         "Successful reloads of the serving certificate.",
         certificate_reloads_);
  Single(out, "rayguard_certificate_reload_errors_total", "counter",
         "Reloads of the serving certificate that failed (old pair kept).",
         certificate_reload_errors_);
  return out.str();
}

}  // namespace rayguard::server
