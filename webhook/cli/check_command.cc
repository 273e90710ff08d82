// `rayguard check`: the offline front end. Reads manifests, runs the same
// Validator the webhook runs on every Ray document, and reports in a format
// CI systems read. Files are read and checked in parallel; results are
// written in input order so the output is the same on every run.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "webhook/cli/commands.h"
#include "webhook/cli/repo_config.h"
#include "webhook/cli/validator_flags.h"
#include "webhook/core/field_path.h"
#include "webhook/manifest/file_walker.h"
#include "webhook/manifest/yaml_writer.h"
#include "webhook/mutation/json_patch.h"
#include "webhook/report/reporter.h"
#include "webhook/rules/rule_set.h"
#include "webhook/validator/validator.h"

namespace rayguard::cli {
namespace {

struct CheckFlags {
  std::string output = "text";
  bool mutate = false;
  ValidatorFlags validator;
  RepoConfigFlags config;
  std::string namespace_object;
  std::string operation = "CREATE";
  std::string old_file;
  bool warnings_as_errors = false;
  std::string color = "auto";
  unsigned jobs = 0;
  std::vector<std::string> paths;
};

// What the checks of every document share, loaded once.
struct CheckContext {
  const CheckFlags& flags;
  const Validator& validator;
  nlohmann::json namespace_object;
  std::vector<nlohmann::json> old_objects;
};

// The results of one input file, in document order.
struct FileOutput {
  std::vector<report::DocumentRecord> records;
  std::string mutated_yaml;  // --mutate: every document, "---"-separated
};

Result<std::vector<nlohmann::json>> ReadObjects(const std::string& path) {
  std::vector<nlohmann::json> objects;
  for (manifest::ManifestEntry& e : manifest::ReadManifestFile(path)) {
    if (!e.error.ok()) return e.error.WithPrefix(path);
    objects.push_back(std::move(e.resource.object));
  }
  if (objects.empty()) return Status::InvalidArgument(path + ": no objects");
  return objects;
}

// The old object of an UPDATE: same kind, namespace and name, or the only
// object of --old.
nlohmann::json FindOld(const CheckContext& ctx, const Resource& r) {
  for (const nlohmann::json& old : ctx.old_objects) {
    Resource o;
    o.object = old;
    if (o.kind() == r.kind() && o.name() == r.name() &&
        o.namespace_name() == r.namespace_name()) {
      return old;
    }
  }
  return ctx.old_objects.size() == 1 ? ctx.old_objects[0] : nlohmann::json();
}

void SetAdmission(const CheckContext& ctx, Resource* r) {
  const std::string api = r->api_version();
  const std::size_t slash = api.find('/');
  std::string plural = r->kind();
  std::transform(plural.begin(), plural.end(), plural.begin(), ::tolower);
  r->admission.operation = ctx.flags.operation;
  if (ctx.flags.operation == "UPDATE") r->admission.old_object = FindOld(ctx, *r);
  r->admission.namespace_object = ctx.namespace_object;
  r->admission.dry_run = true;
  r->admission.request = {
      {"kind", {{"group", api.substr(0, slash)},
                {"version", api.substr(slash + 1)},
                {"kind", r->kind()}}},
      {"resource", {{"group", api.substr(0, slash)},
                    {"version", api.substr(slash + 1)},
                    {"resource", plural + "s"}}},
      {"name", r->name()},
      {"namespace", r->namespace_name()},
      {"operation", ctx.flags.operation},
      {"userInfo", nlohmann::json::object()},
      {"dryRun", true}};
}

// metadata.uid when it is a string (objects dumped from a cluster have one).
const nlohmann::json* UidOf(const nlohmann::json& object) {
  if (!object.is_object()) return nullptr;
  auto meta = object.find("metadata");
  if (meta == object.end() || !meta->is_object()) return nullptr;
  auto uid = meta->find("uid");
  return uid != meta->end() && uid->is_string() ? &*uid : nullptr;
}

report::DocumentRecord CheckEntry(const CheckContext& ctx,
                                  manifest::ManifestEntry entry,
                                  std::string* yaml) {
  Resource& r = entry.resource;
  report::DocumentRecord rec;
  rec.file = r.file;
  rec.document = r.document;
  rec.item = r.item;
  rec.api_version = r.api_version();
  rec.kind = r.kind();
  rec.namespace_name = r.namespace_name();
  rec.name = r.name();
  if (const nlohmann::json* uid = UidOf(r.object)) rec.uid = *uid;
  if (!entry.error.ok()) {
    rec.outcome = report::Outcome::kError;
    rec.allowed = false;
    rec.error = entry.error.message();
    rec.error_position = entry.error_position;
    return rec;
  }
  if (!Validator::Handles(r.object)) {
    rec.outcome = report::Outcome::kSkipped;
    if (yaml) yaml->append("---\n").append(manifest::WriteYaml(r.object));
    return rec;
  }
  SetAdmission(ctx, &r);
  if (ctx.flags.mutate) {
    Result<MutationOutcome> m = ctx.validator.Mutate(r);
    if (!m.ok()) {
      rec.outcome = report::Outcome::kError;
      rec.allowed = false;
      rec.error = "mutation failed: " + m.status().message();
      return rec;
    }
    rec.patch = json_patch::Diff(r.object, m->object);
    rec.result = std::move(m->result);
    r.object = std::move(m->object);
    if (yaml) yaml->append("---\n").append(manifest::WriteYaml(r.object));
  }
  // Only the source map is needed after the check: the object moves in.
  Resource located;
  located.source_map = r.source_map;
  CheckResult checked = ctx.validator.Check(std::move(r));
  rec.result.findings.insert(rec.result.findings.end(),
                             std::make_move_iterator(checked.findings.begin()),
                             std::make_move_iterator(checked.findings.end()));
  rec.result.audit_annotations.merge(checked.audit_annotations);
  for (const Finding& f : rec.result.findings) {
    rec.positions.push_back(located.PositionOf(FieldPathToPointer(f.path)));
    if (ctx.flags.warnings_as_errors && f.severity == Severity::kWarning) {
      rec.allowed = false;
    }
  }
  rec.allowed = rec.allowed && rec.result.allowed();
  return rec;
}

report::DocumentRecord InternalError(const Resource& where, const char* what) {
  report::DocumentRecord rec;
  rec.file = where.file;
  rec.document = where.document;
  rec.item = where.item;
  rec.outcome = report::Outcome::kError;
  rec.allowed = false;
  rec.error = std::string("internal error: ") + what;
  return rec;
}

// Calls fn(0) ... fn(n - 1) on up to `jobs` threads (this one included).
template <typename Fn>
void ParallelFor(std::size_t n, unsigned jobs, Fn fn) {
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i; (i = next++) < n;) fn(i);
  };
  std::vector<std::jthread> helpers;
  for (unsigned t = 1; t < jobs && t < n; ++t) helpers.emplace_back(work);
  work();
}

// Reads one input and checks its documents, on `jobs` threads when a single
// big stream (helm output on stdin) would otherwise keep one core busy.
FileOutput CheckFile(const CheckContext& ctx, const manifest::InputFile& in,
                     unsigned jobs) {
  FileOutput out;
  std::vector<manifest::ManifestEntry> entries;
  if (in.error.ok()) {
    try {
      entries = manifest::ReadManifestFile(in.path);
    } catch (const std::exception& e) {  // e.g. out of memory
      Resource where;
      where.file = in.path;
      out.records.push_back(InternalError(where, e.what()));
      return out;
    }
  } else {
    entries.emplace_back();
    entries.back().resource.file = in.path;
    entries.back().error = in.error;
  }
  out.records.resize(entries.size());
  std::vector<std::string> yaml(entries.size());
  ParallelFor(entries.size(), jobs, [&](std::size_t i) {
    Resource where;  // for the error record if the check itself fails
    where.file = entries[i].resource.file;
    where.document = entries[i].resource.document;
    where.item = entries[i].resource.item;
    try {
      out.records[i] = CheckEntry(ctx, std::move(entries[i]),
                                  ctx.flags.mutate ? &yaml[i] : nullptr);
    } catch (const std::exception& e) {
      out.records[i] = InternalError(where, e.what());
    }
  });
  for (const std::string& y : yaml) out.mutated_yaml += y;
  return out;
}

// Checks every input on `jobs` threads and hands each file's results to
// `emit` in input order, as soon as that file and all before it are done.
// The thread that completes the next file in order emits it (and any done
// after it), under a lock: no thread sleeps and wakes once per file.
template <typename Emit>
void CheckAll(const CheckContext& ctx,
              const std::vector<manifest::InputFile>& inputs, unsigned jobs,
              Emit emit) {
  // Cores not needed for one file each go to the documents within files.
  const unsigned inner_jobs =
      std::max<unsigned>(1, jobs / std::max<std::size_t>(1, inputs.size()));
  std::vector<std::optional<FileOutput>> outputs(inputs.size());
  std::size_t next_to_emit = 0;  // guarded by mu
  std::mutex mu;
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i; (i = next++) < inputs.size();) {
      FileOutput out = CheckFile(ctx, inputs[i], inner_jobs);
      std::lock_guard lock(mu);
      outputs[i] = std::move(out);
      for (; next_to_emit < outputs.size() && outputs[next_to_emit];
           ++next_to_emit) {
        emit(*outputs[next_to_emit]);
        outputs[next_to_emit].reset();
      }
    }
  };
  jobs = std::max(1u, std::min<unsigned>(jobs, inputs.size()));
  std::vector<std::jthread> helpers;
  for (unsigned t = 1; t < jobs; ++t) helpers.emplace_back(work);
  work();
}

bool UseColor(const std::string& mode, std::FILE* stream) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  const char* term = std::getenv("TERM");
  return isatty(fileno(stream)) && std::getenv("NO_COLOR") == nullptr &&
         !(term && std::string(term) == "dumb");
}

std::string DescribeRule(const std::string& id) {
  for (const rules::Rule& rule : rules::AllRules()) {
    if (rule.id == id) return rule.description;
  }
  if (id == "schema") return "The object matches the CRD's OpenAPI schema";
  return "";
}

// Policies left out by --skip-invalid-policies are logged one by one as
// they load (on stderr, so reports on stdout stay parseable); this says how
// many, so a CI log shows it even when the report does not.
void ReportSkippedPolicies(const Validator& validator) {
  const int skipped = validator.policy_counts().skipped;
  if (skipped == 0) return;
  std::cerr << "rayguard check: WARNING: " << skipped
            << " invalid policies or bindings skipped "
               "(--skip-invalid-policies); they were not enforced\n";
}

int RunCheck(const CLI::App& cmd, CheckFlags flags) {
  auto fail = [](const Status& s) {
    std::cerr << "rayguard check: " << s.message() << "\n";
    return 2;
  };
  Result<report::Format> format = report::ParseFormat(flags.output);
  if (!format.ok()) return fail(format.status());
  Result<std::optional<RepoConfig>> config = ResolveRepoConfig(flags.config);
  if (!config.ok()) return fail(config.status());
  if (*config) ApplyRepoConfig(**config, cmd, &flags.validator);
  Result<ValidatorOptions> options = BuildValidatorOptions(flags.validator);
  if (!options.ok()) return fail(options.status());
  spdlog::set_default_logger(spdlog::stderr_logger_mt("rayguard"));
  // Walking a big repository (a stat per file) overlaps the loading.
  auto listing = std::async(std::launch::async,
                            [&flags] { return manifest::ListInputs(flags.paths); });
  Result<std::unique_ptr<const Validator>> validator =
      Validator::Create(*options);
  if (!validator.ok()) return fail(validator.status());
  ReportSkippedPolicies(**validator);
  CheckContext ctx{flags, **validator, nullptr, {}};
  if (!flags.namespace_object.empty()) {
    auto ns = ReadObjects(flags.namespace_object);
    if (!ns.ok()) return fail(ns.status());
    ctx.namespace_object = ns->front();
  }
  if (!flags.old_file.empty()) {
    auto old = ReadObjects(flags.old_file);
    if (!old.ok()) return fail(old.status());
    ctx.old_objects = std::move(*old);
  }
  // With --mutate in text form, stdout carries the mutated documents (for a
  // pipe into kubectl) and the report goes to stderr.
  const bool yaml_out = flags.mutate && *format == report::Format::kText;
  std::ostream& report_stream = yaml_out ? std::cerr : std::cout;
  report::ReporterOptions ropts;
  ropts.color = UseColor(flags.color, yaml_out ? stderr : stdout);
  ropts.tool_version = RAYGUARD_VERSION;
  ropts.describe_rule = DescribeRule;
  if (*config) ropts.config_file = (*config)->path;
  auto reporter = report::NewReporter(*format, report_stream, ropts);
  bool denied = false, errors = false;
  const unsigned jobs =
      flags.jobs ? flags.jobs : std::max(1u, std::thread::hardware_concurrency());
  CheckAll(ctx, listing.get(), jobs,
           [&](const FileOutput& out) {
             if (yaml_out) std::cout << out.mutated_yaml;
             for (const report::DocumentRecord& rec : out.records) {
               reporter->Write(rec);
               errors |= rec.outcome == report::Outcome::kError;
               denied |= rec.outcome == report::Outcome::kChecked && !rec.allowed;
             }
           });
  reporter->Flush();
  return errors ? 2 : denied ? 1 : 0;
}

void AddCheckCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<CheckFlags>();
  CLI::App* cmd = app.add_subcommand(
      "check", "Check manifests offline (files, directories, - for stdin)");
  std::vector<std::string> formats;
  for (const report::FormatInfo& f : report::Formats()) {
    formats.emplace_back(f.name);
  }
  cmd->add_option("-o,--output", flags->output,
                  "Report format: " + report::FormatNameList())
      ->check(CLI::IsMember(formats));
  cmd->add_flag("--mutate", flags->mutate,
                "Apply mutations; print the mutated YAML (text) or the patch "
                "per document (json)");
  // Unknown fields are errors by default, as in `kubectl apply`: a typo
  // that CI let through would fail at deploy time.
  flags->validator.strict = true;
  AddValidatorFlags(cmd, &flags->validator);
  AddRepoConfigFlags(cmd, &flags->config);
  cmd->add_option("--namespace-object", flags->namespace_object,
                  "Namespace object (YAML) for policies' namespaceObject");
  cmd->add_option("--operation", flags->operation, "CREATE or UPDATE")
      ->check(CLI::IsMember({"CREATE", "UPDATE"}));
  cmd->add_option("--old", flags->old_file,
                  "The objects before the update (with --operation UPDATE)");
  cmd->add_flag("--warnings-as-errors", flags->warnings_as_errors,
                "A warning denies the document");
  cmd->add_option("--color", flags->color, "auto, always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  cmd->add_option("-j,--jobs", flags->jobs,
                  "Parallel workers (default: one per core)");
  cmd->add_option("paths", flags->paths, "Files, directories or -")
      ->required();
  cmd->callback(
      [cmd, flags, exit_code] { *exit_code = RunCheck(*cmd, *flags); });
}

const CommandRegistration kCheck(20, AddCheckCommand);

}  // namespace
}  // namespace rayguard::cli
