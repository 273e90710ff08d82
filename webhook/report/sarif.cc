// SARIF 2.1.0 as GitHub code scanning reads it: a rule per rule id seen, a
// result per finding with its file, line and column, so the pull request is
// annotated at the field to fix.
#include <map>
#include <ostream>
#include <string>

#include "webhook/report/reporter.h"

namespace rayguard::report {
namespace {

using Json = nlohmann::ordered_json;

// Rule id under which unreadable or unparsable input is reported.
constexpr char kManifestRule[] = "manifest";

// artifactLocation.uri is a URI reference: escape what a path may hold but
// a URI may not.
std::string PathToUri(const std::string& path) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    if (std::isalnum(c) || std::string_view("/-._~").find(c) !=
                               std::string_view::npos) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

Json Location(const std::string& file,
              const std::optional<SourcePosition>& pos) {
  Json physical = {{"artifactLocation", {{"uri", PathToUri(file)}}}};
  if (pos && pos->line > 0) {
    physical["region"] = {{"startLine", pos->line},
                          {"startColumn", std::max(pos->column, 1)}};
  }
  return Json::array({{{"physicalLocation", std::move(physical)}}});
}

class SarifReporter : public Reporter {
 public:
  SarifReporter(std::ostream& out, const ReporterOptions& options)
      : out_(out), options_(options) {}

  void Write(const DocumentRecord& r) override {
    if (r.outcome == Outcome::kError) {
      Add(kManifestRule, "error", r.error, r.file, r.error_position);
      return;
    }
    for (std::size_t i = 0; i < r.result.findings.size(); ++i) {
      const Finding& f = r.result.findings[i];
      std::string level = f.severity == Severity::kError ? "error" : "warning";
      Add(f.rule, level, f.ToString(), r.file, r.positions[i]);
    }
  }

  void Flush() override {
    Json driver = {{"name", "rayguard"},
                   {"informationUri", "https://github.com/ray-project/kuberay"},
                   {"version", options_.tool_version.empty()
                                   ? std::string("0.0.0")
                                   : options_.tool_version},
                   {"rules", std::move(rules_)}};
    Json run = {{"tool", {{"driver", std::move(driver)}}},
                {"columnKind", "unicodeCodePoints"},
                {"results", std::move(results_)}};
    Json doc = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                {"version", "2.1.0"},
                {"runs", Json::array({std::move(run)})}};
    out_ << doc.dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
    out_.flush();
  }

 private:
  int RuleIndex(const std::string& id) {
    auto [it, inserted] = rule_index_.emplace(id, rules_.size());
    if (inserted) {
      std::string text =
          options_.describe_rule ? options_.describe_rule(id) : "";
      if (text.empty()) {
        text = id == kManifestRule ? "Manifest cannot be read or parsed"
                                   : "rayguard check " + id;
      }
      rules_.push_back({{"id", id}, {"shortDescription", {{"text", text}}}});
    }
    return it->second;
  }

  void Add(const std::string& rule, const std::string& level,
           const std::string& message, const std::string& file,
           const std::optional<SourcePosition>& pos) {
    const int index = RuleIndex(rule);
    results_.push_back({{"ruleId", rule},
                        {"ruleIndex", index},
                        {"level", level},
                        {"message", {{"text", message}}},
                        {"locations", Location(file, pos)}});
  }

  std::ostream& out_;
  ReporterOptions options_;
  std::map<std::string, int> rule_index_;
  Json rules_ = Json::array();
  Json results_ = Json::array();
};

}  // namespace

std::unique_ptr<Reporter> NewSarifReporter(std::ostream& out,
                                           const ReporterOptions& options) {
  return std::make_unique<SarifReporter>(out, options);
}

}  // namespace rayguard::report
