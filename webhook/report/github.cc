// GitHub Actions workflow commands: each finding becomes an annotation on
// the file and line of the pull request.
// https://docs.github.com/actions/reference/workflow-commands-for-github-actions
#include <ostream>
#include <string>

#include "webhook/report/reporter.h"

namespace rayguard::report {
namespace {

// Workflow commands end at a newline and split on "::"; '%', CR and LF are
// escaped in the message, and also ':' and ',' in property values.
std::string Escape(const std::string& s, bool property) {
  std::string out;
  for (char c : s) {
    if (c == '%') out += "%25";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else if (property && c == ':') out += "%3A";
    else if (property && c == ',') out += "%2C";
    else out += c;
  }
  return out;
}

class GithubReporter : public Reporter {
 public:
  explicit GithubReporter(std::ostream& out) : out_(out) {}

  void Write(const DocumentRecord& r) override {
    summary_.Add(r);
    if (r.outcome == Outcome::kError) {
      Line("error", r.file, r.error_position, "manifest", r.error);
      return;
    }
    for (std::size_t i = 0; i < r.result.findings.size(); ++i) {
      const Finding& f = r.result.findings[i];
      Line(f.severity == Severity::kError ? "error" : "warning", r.file,
           r.positions[i], f.rule, f.ToString());
    }
  }

  void Flush() override {
    out_ << "rayguard: " << summary_.documents << " documents, "
         << summary_.denied << " denied, " << summary_.errors << " errors, "
         << summary_.warnings << " warnings\n";
    out_.flush();
  }

 private:
  void Line(const char* level, const std::string& file,
            const std::optional<SourcePosition>& pos, const std::string& rule,
            const std::string& message) {
    out_ << "::" << level << " file=" << Escape(file, true);
    if (pos) out_ << ",line=" << pos->line << ",col=" << pos->column;
    out_ << ",title=" << Escape(rule, true) << "::" << Escape(message, false)
         << "\n";
  }

  std::ostream& out_;
  Summary summary_;
};

}  // namespace

std::unique_ptr<Reporter> NewGithubReporter(std::ostream& out) {
  return std::make_unique<GithubReporter>(out);
}

}  // namespace rayguard::report
