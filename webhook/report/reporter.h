#ifndef RAYGUARD_REPORT_REPORTER_H_
#define RAYGUARD_REPORT_REPORTER_H_

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "webhook/core/check_result.h"
#include "webhook/core/resource.h"
#include "webhook/core/result.h"

namespace rayguard::report {

// What happened to one document (or List item) of the input.
enum class Outcome {
  kChecked,  // a Ray object: `result` holds the findings
  kSkipped,  // not a ray.io RayCluster/RayJob/RayService
  kError,    // unreadable, unparsable, or without apiVersion/kind
};

// Everything a reporter needs about one document.
struct DocumentRecord {
  std::string file;
  int document = 0;
  int item = -1;  // index within a List document, or -1
  std::string api_version, kind, namespace_name, name;
  std::string uid;  // metadata.uid: set on objects read from a cluster
  Outcome outcome = Outcome::kChecked;
  // kChecked: false when any finding denies (or any warning does, with
  // --warnings-as-errors). Always false for kError.
  bool allowed = true;
  CheckResult result;
  // One per result.findings entry: where the field at fault is in `file`.
  std::vector<std::optional<SourcePosition>> positions;
  std::optional<nlohmann::json> patch;  // RFC 6902, only with --mutate
  std::string error;                    // kError: why
  std::optional<SourcePosition> error_position;
};

// Totals over every record written, as DESIGN.md's JSON summary names them.
struct Summary {
  int documents = 0;  // every record
  int checked = 0;
  int allowed = 0;
  int denied = 0;
  int skipped = 0;
  int warnings = 0;  // warning-severity findings
  int errors = 0;    // kError records
  void Add(const DocumentRecord& record);
};

struct ReporterOptions {
  bool color = false;          // ANSI colours (text only)
  std::string tool_version;    // SARIF driver version
  // One-line description of a rule id, or "" if unknown (SARIF rules).
  std::function<std::string(const std::string&)> describe_rule;
  // The repository config file the run used, named in the text summary;
  // empty when none was.
  std::string config_file;
};

// Writes a check's results in one format. Streaming formats print in Write;
// document formats collect and print in Flush. Not thread-safe: call from
// one thread, in the order results should appear.
class Reporter {
 public:
  virtual ~Reporter() = default;
  virtual void Write(const DocumentRecord& record) = 0;
  // Prints whatever is left (the summary, the whole document). Call once.
  virtual void Flush() = 0;
};

// "file:line:col", or just "file" when the position is unknown.
std::string LocationString(const std::string& file,
                           const std::optional<SourcePosition>& pos);

enum class Format { kText, kJson, kJunit, kSarif, kGithub, kOpenReports };

// One report format as users name it: `check -o <name>`, its help text and
// the tests all read this table, so a format is added in one place.
struct FormatInfo {
  Format format;
  std::string_view name;       // the -o value
  std::string_view extension;  // the usual file suffix of a saved report
};

// Every format, in the order help text lists them.
const std::vector<FormatInfo>& Formats();

// The names of Formats(), as "text, json, ... or openreports".
std::string FormatNameList();

// A name of Formats(); InvalidArgument naming the valid ones otherwise.
Result<Format> ParseFormat(std::string_view name);

// The reporter for `format`, writing to `out` (which must outlive it).
std::unique_ptr<Reporter> NewReporter(Format format, std::ostream& out,
                                      const ReporterOptions& options = {});

std::unique_ptr<Reporter> NewTextReporter(std::ostream& out,
                                          const ReporterOptions& options);
std::unique_ptr<Reporter> NewJsonReporter(std::ostream& out);
std::unique_ptr<Reporter> NewJunitReporter(std::ostream& out);
std::unique_ptr<Reporter> NewSarifReporter(std::ostream& out,
                                           const ReporterOptions& options);
std::unique_ptr<Reporter> NewGithubReporter(std::ostream& out);
std::unique_ptr<Reporter> NewOpenReportsReporter(std::ostream& out);

}  // namespace rayguard::report

#endif  // RAYGUARD_REPORT_REPORTER_H_
