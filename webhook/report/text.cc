// kubectl/compiler-style lines a person (or an editor's error parser) reads:
//   file:line:col: path: message [rule]
// Lines of one file come together because inputs are reported in order.
#include <ostream>
#include <string>

#include "webhook/report/reporter.h"

namespace rayguard::report {
namespace {

constexpr char kBold[] = "\033[1m";
constexpr char kRed[] = "\033[31m";
constexpr char kYellow[] = "\033[33m";
constexpr char kDim[] = "\033[2m";
constexpr char kReset[] = "\033[0m";

std::string Plural(int n, const std::string& word) {
  std::string out = std::to_string(n);
  out.append(" ").append(word).append(n == 1 ? "" : "s");
  return out;
}

class TextReporter : public Reporter {
 public:
  TextReporter(std::ostream& out, const ReporterOptions& options)
      : out_(out), color_(options.color), config_file_(options.config_file) {}

  void Write(const DocumentRecord& record) override {
    summary_.Add(record);
    if (record.outcome == Outcome::kError) {
      Location(record.file, record.error_position);
      out_ << Paint(kRed, "error: ") << record.error << "\n";
      return;
    }
    const Findings& findings = record.result.findings;
    for (std::size_t i = 0; i < findings.size(); ++i) {
      const Finding& f = findings[i];
      Location(record.file, record.positions[i]);
      if (f.severity == Severity::kWarning) {
        out_ << Paint(kYellow, f.audit ? "warning (audit): " : "warning: ");
      }
      out_ << f.ToString() << " " << Paint(kDim, std::string("[").append(f.rule).append("]")) << "\n";
    }
  }

  void Flush() override {
    const Summary& s = summary_;
    out_ << Paint(kBold, "Summary:") << " " << Plural(s.documents, "document")
         << ", " << s.checked << " checked, " << s.allowed << " allowed, "
         << s.denied << " denied, " << s.skipped << " skipped, "
         << Plural(s.errors, "error") << ", " << Plural(s.warnings, "warning")
         << "\n";
    // Which policies applied depends on the file; a CI log should say so.
    if (!config_file_.empty()) {
      out_ << Paint(kBold, "Config:") << " " << config_file_ << "\n";
    }
    out_.flush();
  }

 private:
  std::string Paint(const char* color, const std::string& text) const {
    if (!color_) return text;
    std::string out(color);
    out.append(text).append(kReset);
    return out;
  }

  void Location(const std::string& file,
                const std::optional<SourcePosition>& pos) {
    out_ << Paint(kBold, LocationString(file, pos).append(":")) << " ";
  }

  std::ostream& out_;
  bool color_;
  std::string config_file_;
  Summary summary_;
};

}  // namespace

std::unique_ptr<Reporter> NewTextReporter(std::ostream& out,
                                          const ReporterOptions& options) {
  return std::make_unique<TextReporter>(out, options);
}

}  // namespace rayguard::report
