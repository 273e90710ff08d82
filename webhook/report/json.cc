// DESIGN.md's `check -o json` document: results[] and summary{}.
#include <ostream>

#include "webhook/report/reporter.h"

namespace rayguard::report {
namespace {

// Keys in DESIGN.md's order, so the report reads like the documentation.
using Json = nlohmann::ordered_json;

void AddPosition(const std::optional<SourcePosition>& pos,
                 Json* out) {
  if (!pos) return;
  (*out)["line"] = pos->line;
  (*out)["column"] = pos->column;
}

Json Violation(const Finding& f,
                         const std::optional<SourcePosition>& pos) {
  Json v = {{"rule", f.rule},
                      {"path", f.path},
                      {"type", f.type},
                      {"message", f.message},
                      {"severity", SeverityName(f.severity)}};
  if (f.audit) v["audit"] = true;
  AddPosition(pos, &v);
  return v;
}

Json ResultJson(const DocumentRecord& r) {
  Json out = {{"file", r.file}, {"document", r.document}};
  if (r.item >= 0) out["item"] = r.item;
  out["apiVersion"] = r.api_version;
  out["kind"] = r.kind;
  out["namespace"] = r.namespace_name;
  out["name"] = r.name;
  out["allowed"] = r.allowed;
  Json violations = Json::array();
  for (std::size_t i = 0; i < r.result.findings.size(); ++i) {
    violations.push_back(Violation(r.result.findings[i], r.positions[i]));
  }
  out["violations"] = std::move(violations);
  if (r.outcome == Outcome::kError) {
    out["error"] = r.error;
    AddPosition(r.error_position, &out);
  }
  if (r.patch) out["patch"] = Json(*r.patch);
  return out;
}

class JsonReporter : public Reporter {
 public:
  explicit JsonReporter(std::ostream& out) : out_(out) {}

  void Write(const DocumentRecord& record) override {
    summary_.Add(record);
    if (record.outcome != Outcome::kSkipped) {
      results_.push_back(ResultJson(record));
    }
  }

  void Flush() override {
    const Summary& s = summary_;
    Json doc = {
        {"results", std::move(results_)},
        {"summary",
         {{"documents", s.documents},
          {"checked", s.checked},
          {"allowed", s.allowed},
          {"denied", s.denied},
          {"skipped", s.skipped},
          {"warnings", s.warnings},
          {"errors", s.errors}}}};
    out_ << doc.dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
    out_.flush();
  }

 private:
  std::ostream& out_;
  Json results_ = Json::array();
  Summary summary_;
};

}  // namespace

std::unique_ptr<Reporter> NewJsonReporter(std::ostream& out) {
  return std::make_unique<JsonReporter>(out);
}

}  // namespace rayguard::report
