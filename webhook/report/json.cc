// DESIGN.md's `check -o json` document: results[] and summary{}.
#include <ostream>
#include <string>
#include <string_view>

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

// Each result is written as it arrives (while later files are still being
// checked) rather than collected: a big repository's report would be tens
// of MB held until the end. The document is written in pieces that are
// byte for byte what dumping it whole would give: the head up to the
// results list, the results, then (in Flush) the rest with the summary.
class JsonReporter : public Reporter {
 public:
  explicit JsonReporter(std::ostream& out) : out_(out) {}

  void Write(const DocumentRecord& record) override {
    summary_.Add(record);
    if (record.outcome == Outcome::kSkipped) return;
    std::string text;
    AppendIndented(Dump(ResultJson(record)), 4, &text);
    if (!started_) {
      const std::string whole = Document();
      out_.write(whole.data(), static_cast<std::streamsize>(ListEnd(whole)));
      out_ << "\n";
      started_ = true;
    } else {
      out_ << ",\n";
    }
    out_ << text;
  }

  void Flush() override {
    const std::string whole = Document();
    if (started_) {
      out_ << "\n  " << std::string_view(whole).substr(ListEnd(whole));
    } else {
      out_ << whole;
    }
    out_ << "\n";
    out_.flush();
  }

 private:
  static std::string Dump(const Json& j) {
    return j.dump(2, ' ', false, Json::error_handler_t::replace);
  }

  // The report with an empty results list and the summary so far.
  std::string Document() const {
    const Summary& s = summary_;
    return Dump({{"results", Json::array()},
                 {"summary",
                  {{"documents", s.documents},
                   {"checked", s.checked},
                   {"allowed", s.allowed},
                   {"denied", s.denied},
                   {"skipped", s.skipped},
                   {"warnings", s.warnings},
                   {"errors", s.errors}}}});
  }

  // The offset of the empty results list's ']' in Document()'s text.
  static std::size_t ListEnd(const std::string& document) {
    constexpr std::string_view kEmpty = "\"results\": []";
    return document.find(kEmpty) + kEmpty.size() - 1;
  }

  std::ostream& out_;
  bool started_ = false;  // the head and the first result are written
  Summary summary_;
};

}  // namespace

std::unique_ptr<Reporter> NewJsonReporter(std::ostream& out) {
  return std::make_unique<JsonReporter>(out);
}

}  // namespace rayguard::report
