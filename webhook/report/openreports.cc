// OpenReports (`openreports.io/v1alpha1` Report, the format Kyverno and
// Policy Reporter read): one Report per checked resource, as a YAML stream
// that `kubectl apply -f -` takes, so an audit of a live cluster is
//   kubectl get rayclusters,rayjobs,rayservices -A -o yaml |
//     rayguard check -o openreports - | kubectl apply -f -
// Each Report is written as soon as its resource is checked.
#include <algorithm>
#include <cctype>
#include <ostream>
#include <string>

#include "webhook/manifest/yaml_writer.h"
#include "webhook/report/reporter.h"

namespace rayguard::report {
namespace {

constexpr char kSource[] = "rayguard";
// metadata.name is a DNS-1123 subdomain: at most 253 characters.
constexpr std::size_t kMaxNameLength = 253;

// A Report's name from the resource's: "rayguard-raycluster-train". Names
// in the input may be invalid (that may be the very finding), so anything
// outside [a-z0-9.-] becomes '-'.
std::string ReportName(const DocumentRecord& r) {
  // An object with only a generateName has no name yet: its place in the
  // input tells its Report apart from others.
  std::string name_part = r.name;
  if (name_part.empty()) {
    name_part = "document-" + std::to_string(r.document);
    if (r.item >= 0) name_part += "-item-" + std::to_string(r.item);
  }
  std::string raw = std::string(kSource) + "-" + r.kind + "-" + name_part;
  std::string name;
  for (char c : raw) {
    const char lower = static_cast<char>(
        std::tolower(static_cast<unsigned char>(c)));
    const bool ok = (lower >= 'a' && lower <= 'z') ||
                    (lower >= '0' && lower <= '9') || lower == '.' ||
                    lower == '-';
    name += ok ? lower : '-';
  }
  if (name.size() > kMaxNameLength) name.resize(kMaxNameLength);
  while (!name.empty() && !std::isalnum(static_cast<unsigned char>(
                              name.back()))) {
    name.pop_back();
  }
  return name;
}

// The resource is in force (fail) or reported (warn); OpenReports' severity
// says how much it matters to whoever triages the report.
const char* SeverityOf(const Finding& f) {
  if (f.severity == Severity::kError) return "high";
  return f.audit ? "low" : "medium";
}

// "schema", "kuberay" or "policy": the part of the rule id before '/'.
std::string CategoryOf(const std::string& rule) {
  return rule.substr(0, rule.find('/'));
}

nlohmann::json ResultEntry(const DocumentRecord& r, std::size_t i) {
  const Finding& f = r.result.findings[i];
  // Property values are strings in the CRD.
  nlohmann::json properties = {{"path", f.path}, {"file", r.file},
                               {"type", f.type}};
  if (const std::optional<SourcePosition>& pos = r.positions[i]) {
    properties["line"] = std::to_string(pos->line);
    properties["column"] = std::to_string(pos->column);
  }
  if (f.audit) properties["audit"] = "true";
  return {{"policy", f.rule},
          {"category", CategoryOf(f.rule)},
          {"result", f.severity == Severity::kError ? "fail" : "warn"},
          {"message", f.ToString()},
          {"severity", SeverityOf(f)},
          {"source", kSource},
          {"properties", std::move(properties)}};
}

nlohmann::json ReportObject(const DocumentRecord& r) {
  nlohmann::json metadata = {
      {"name", ReportName(r)},
      {"labels", {{"app.kubernetes.io/managed-by", kSource}}}};
  nlohmann::json scope = {
      {"apiVersion", r.api_version}, {"kind", r.kind}, {"name", r.name}};
  if (!r.namespace_name.empty()) {
    metadata["namespace"] = r.namespace_name;
    scope["namespace"] = r.namespace_name;
  }
  if (!r.uid.empty()) {
    // From a live cluster: the Report goes when its resource is deleted.
    scope["uid"] = r.uid;
    metadata["ownerReferences"] = nlohmann::json::array(
        {{{"apiVersion", r.api_version}, {"kind", r.kind}, {"name", r.name},
          {"uid", r.uid}}});
  }
  nlohmann::json results = nlohmann::json::array();
  int fail = 0, warn = 0;
  for (std::size_t i = 0; i < r.result.findings.size(); ++i) {
    ++(r.result.findings[i].severity == Severity::kError ? fail : warn);
    results.push_back(ResultEntry(r, i));
  }
  return {{"apiVersion", "openreports.io/v1alpha1"},
          {"kind", "Report"},
          {"metadata", std::move(metadata)},
          {"scope", std::move(scope)},
          {"source", kSource},
          {"results", std::move(results)},
          {"summary",
           {{"pass", 0}, {"fail", fail}, {"warn", warn}, {"error", 0},
            {"skip", 0}}}};
}

class OpenReportsReporter : public Reporter {
 public:
  explicit OpenReportsReporter(std::ostream& out) : out_(out) {}

  void Write(const DocumentRecord& record) override {
    switch (record.outcome) {
      case Outcome::kSkipped:
        return;
      case Outcome::kError: {
        // No resource to scope a Report to; a comment keeps the stream
        // appliable while whoever reads it sees what was not checked (the
        // exit code is 2 either way).
        std::string line = LocationString(record.file, record.error_position);
        line.append(": error: ").append(record.error);
        std::replace(line.begin(), line.end(), '\n', ' ');
        std::replace(line.begin(), line.end(), '\r', ' ');
        out_ << "# " << line << "\n";
        return;
      }
      case Outcome::kChecked:
        out_ << "---\n" << manifest::WriteYaml(ReportObject(record));
        return;
    }
  }

  void Flush() override { out_.flush(); }

 private:
  std::ostream& out_;
};

}  // namespace

std::unique_ptr<Reporter> NewOpenReportsReporter(std::ostream& out) {
  return std::make_unique<OpenReportsReporter>(out);
}

}  // namespace rayguard::report
