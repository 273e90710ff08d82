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

const std::vector<FormatInfo>& Formats() {
  static const std::vector<FormatInfo> formats = {
      {Format::kText, "text", "txt"},
      {Format::kJson, "json", "json"},
      {Format::kJunit, "junit", "xml"},
      {Format::kSarif, "sarif", "sarif"},
      {Format::kGithub, "github", "txt"},
      {Format::kOpenReports, "openreports", "yaml"},
  };
  return formats;
}

std::string FormatNameList() {
  std::string out;
  const std::vector<FormatInfo>& formats = Formats();
  for (std::size_t i = 0; i < formats.size(); ++i) {
    if (i > 0) out += i + 1 == formats.size() ? " or " : ", ";
    out += formats[i].name;
  }
  return out;
}

Result<Format> ParseFormat(std::string_view name) {
  for (const FormatInfo& f : Formats()) {
    if (f.name == name) return f.format;
  }
  return Status::InvalidArgument("unknown output format \"" +
                                 std::string(name) + "\" (want " +
                                 FormatNameList() + ")");
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
    case Format::kOpenReports:
      return NewOpenReportsReporter(out);
  }
  return NewTextReporter(out, options);
}

}  // namespace rayguard::report
