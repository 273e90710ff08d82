#include "webhook/report/reporter.h"

namespace rayguard::report {

void Summary::Add(const DocumentRecord& record) {
  ++documents;
  switch (record.outcome) {
    case Outcome::kSkipped:
      ++skipped;
      return;
    case Outcome::kError:
      ++errors;
      return;
    case Outcome::kChecked:
      ++checked;
      ++(record.allowed ? allowed : denied);
      for (const Finding& f : record.result.findings) {
        if (f.severity == Severity::kWarning) ++warnings;
      }
      return;
  }
}

std::string LocationString(const std::string& file,
                           const std::optional<SourcePosition>& pos) {
  std::string out = file;
  if (pos) {
    out.append(":").append(std::to_string(pos->line));
    out.append(":").append(std::to_string(pos->column));
  }
  return out;
}

Result<Format> ParseFormat(std::string_view name) {
  if (name == "text") return Format::kText;
  if (name == "json") return Format::kJson;
  if (name == "junit") return Format::kJunit;
  if (name == "sarif") return Format::kSarif;
  if (name == "github") return Format::kGithub;
  return Status::InvalidArgument("unknown output format \"" +
                                 std::string(name) +
                                 "\" (want text, json, junit, sarif or github)");
}

std::unique_ptr<Reporter> NewReporter(Format format, std::ostream& out,
                                      const ReporterOptions& options) {
  switch (format) {
    case Format::kText:
      return NewTextReporter(out, options);
    case Format::kJson:
      return NewJsonReporter(out);
    case Format::kJunit:
      return NewJunitReporter(out);
    case Format::kSarif:
      return NewSarifReporter(out, options);
    case Format::kGithub:
      return NewGithubReporter(out);
  }
  return NewTextReporter(out, options);
}

}  // namespace rayguard::report
