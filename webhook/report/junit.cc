// JUnit XML as GitLab and Jenkins read it: one <testsuite> per file, one
// <testcase> per document; denied documents and unreadable input fail.
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "webhook/report/reporter.h"

namespace rayguard::report {
namespace {

std::string Xml(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 forbids most control characters, even escaped.
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\n' || c == '\t') {
          out += c;
        }
    }
  }
  return out;
}

std::string CaseName(const DocumentRecord& r) {
  std::string name = "document ";
  name.append(std::to_string(r.document));
  if (r.item >= 0) name.append(" item ").append(std::to_string(r.item));
  if (!r.kind.empty()) {
    name.append(": ").append(r.kind).append(" ");
    if (!r.namespace_name.empty()) name.append(r.namespace_name).append("/");
    name.append(r.name);
  }
  return name;
}

std::string FindingLine(const DocumentRecord& r, std::size_t i) {
  const Finding& f = r.result.findings[i];
  std::string line = LocationString(r.file, r.positions[i]);
  line.append(": ");
  if (f.severity == Severity::kWarning) line.append("warning: ");
  return line.append(f.ToString()).append(" [").append(f.rule).append("]");
}

struct Suite {
  std::vector<std::string> cases;
  int failures = 0, errors = 0, skipped = 0;
};

class JunitReporter : public Reporter {
 public:
  explicit JunitReporter(std::ostream& out) : out_(out) {}

  void Write(const DocumentRecord& r) override {
    if (!suites_.count(r.file)) order_.push_back(r.file);
    Suite& suite = suites_[r.file];
    std::string tc = "    <testcase classname=\"" + Xml(r.file) +
                     "\" name=\"" + Xml(CaseName(r)) + "\">";
    if (r.outcome == Outcome::kSkipped) {
      ++suite.skipped;
      tc += "<skipped message=\"not a ray.io RayCluster, RayJob or "
            "RayService\"/>";
    } else if (r.outcome == Outcome::kError) {
      ++suite.errors;
      tc += "<error message=\"" + Xml(r.error) + "\"/>";
    } else if (!r.allowed || !r.result.findings.empty()) {
      std::string text;
      for (std::size_t i = 0; i < r.result.findings.size(); ++i) {
        text += FindingLine(r, i) + "\n";
      }
      if (!r.allowed) {
        ++suite.failures;
        tc.append("\n      <failure message=\"denied: ")
            .append(std::to_string(r.result.findings.size()))
            .append(" finding(s)\">")
            .append(Xml(text))
            .append("</failure>\n    ");
      } else {
        tc += "\n      <system-out>" + Xml(text) + "</system-out>\n    ";
      }
    }
    suite.cases.push_back(tc + "</testcase>\n");
  }

  void Flush() override {
    int tests = 0, failures = 0, errors = 0, skipped = 0;
    for (const auto& [file, s] : suites_) {
      tests += static_cast<int>(s.cases.size());
      failures += s.failures;
      errors += s.errors;
      skipped += s.skipped;
    }
    out_ << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         << "<testsuites name=\"rayguard check\" tests=\"" << tests
         << "\" failures=\"" << failures << "\" errors=\"" << errors
         << "\" skipped=\"" << skipped << "\">\n";
    for (const std::string& file : order_) {
      const Suite& s = suites_[file];
      out_ << "  <testsuite name=\"" << Xml(file) << "\" tests=\""
           << s.cases.size() << "\" failures=\"" << s.failures
           << "\" errors=\"" << s.errors << "\" skipped=\"" << s.skipped
           << "\">\n";
      for (const std::string& c : s.cases) out_ << c;
      out_ << "  </testsuite>\n";
    }
    out_ << "</testsuites>\n";
    out_.flush();
  }

 private:
  std::ostream& out_;
  std::vector<std::string> order_;
  std::map<std::string, Suite> suites_;
};

}  // namespace

std::unique_ptr<Reporter> NewJunitReporter(std::ostream& out) {
  return std::make_unique<JunitReporter>(out);
}

}  // namespace rayguard::report
