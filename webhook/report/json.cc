// DESIGN.md's `check -o json` document: results[] and summary{}.
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

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

// `json.dump(2)` as it reads at `indent` spaces of nesting: JSON strings
// hold no raw line breaks, so every line break is the dump's own.
void AppendIndented(const std::string& dumped, int indent, std::string* out) {
  const std::string spaces(indent, ' ');
  out->append(spaces);
  std::size_t from = 0;
  for (std::size_t nl = dumped.find('\n'); nl != std::string::npos;
       nl = dumped.find('\n', from)) {
    out->append(dumped, from, nl + 1 - from).append(spaces);
    from = nl + 1;
  }
  out->append(dumped, from);
}

// Each result is serialized as it arrives (while later files are still
// being checked) rather than all at the end, and kept as its own string:
// Flush writes them between the document's head and tail, byte for byte
// what dumping the whole document would give, without building one
// buffer of every result (tens of MB for a big repository, and fresh pages
// to fault in at every doubling).
class JsonReporter : public Reporter {
 public:
  explicit JsonReporter(std::ostream& out) : out_(out) {}

  void Write(const DocumentRecord& record) override {
    summary_.Add(record);
    if (record.outcome == Outcome::kSkipped) return;
    std::string& text = results_.emplace_back();
    AppendIndented(Dump(ResultJson(record)), 4, &text);
  }

  void Flush() override {
    const Summary& s = summary_;
    Json doc = {
        {"results", Json::array()},
        {"summary",
         {{"documents", s.documents},
          {"checked", s.checked},
          {"allowed", s.allowed},
          {"denied", s.denied},
          {"skipped", s.skipped},
          {"warnings", s.warnings},
          {"errors", s.errors}}}};
    const std::string text = Dump(doc);
    if (results_.empty()) {
      out_ << text << "\n";
    } else {
      // Splice the results in where the empty list is.
      constexpr std::string_view kEmpty = "\"results\": []";
      const std::size_t at = text.find(kEmpty) + kEmpty.size() - 1;
      out_.write(text.data(), static_cast<std::streamsize>(at));
      for (std::size_t i = 0; i < results_.size(); ++i) {
        out_ << (i == 0 ? "\n" : ",\n") << results_[i];
      }
      out_ << "\n  " << std::string_view(text).substr(at) << "\n";
    }
    out_.flush();
  }

 private:
  static std::string Dump(const Json& j) {
    return j.dump(2, ' ', false, Json::error_handler_t::replace);
  }

  std::ostream& out_;
  std::vector<std::string> results_;  // each indented as in the document
  Summary summary_;
};

}  // namespace

std::unique_ptr<Reporter> NewJsonReporter(std::ostream& out) {
  return std::make_unique<JsonReporter>(out);
}

}  // namespace rayguard::report
