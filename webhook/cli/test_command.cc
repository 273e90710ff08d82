// `rayguard test`: runs policy unit tests (PolicyTest YAML) and reports them
// as text, JSON or JUnit. Exit codes per DESIGN.md: 0 all passed, 1 some
// failed, 2 a test or the policies it names did not load.
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "webhook/cli/commands.h"
#include "webhook/cli/repo_config.h"
#include "webhook/cli/validator_flags.h"
#include "webhook/mutation/json_patch.h"
#include "webhook/mutation/mutation_layer.h"
#include "webhook/policy/policy_test_suite.h"

namespace rayguard::cli {
namespace {

using policy::CaseOutcome;

void WriteText(const std::vector<CaseOutcome>& cases, std::ostream& out) {
  int failed = 0;
  for (const CaseOutcome& c : cases) {
    out << (c.passed ? "PASS  " : "FAIL  ") << c.file << ": " << c.test << " / "
        << c.name << "\n";
    for (const std::string& f : c.failures) out << "      " << f << "\n";
    failed += c.passed ? 0 : 1;
  }
  out << (cases.size() - failed) << " passed, " << failed << " failed\n";
}

void WriteJson(const std::vector<CaseOutcome>& cases, std::ostream& out) {
  nlohmann::json results = nlohmann::json::array();
  int failed = 0;
  for (const CaseOutcome& c : cases) {
    results.push_back({{"file", c.file},
                       {"test", c.test},
                       {"case", c.name},
                       {"passed", c.passed},
                       {"failures", c.failures},
                       // What `/mutate` would return for this object.
                       {"patch", json_patch::Diff(c.object, c.mutated)}});
    failed += c.passed ? 0 : 1;
  }
  nlohmann::json doc = {{"results", results},
                        {"summary",
                         {{"cases", cases.size()},
                          {"passed", static_cast<int>(cases.size()) - failed},
                          {"failed", failed}}}};
  out << doc.dump(2) << "\n";
}

std::string XmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// One <testsuite> per PolicyTest, one <testcase> per case.
void WriteJunit(const std::vector<CaseOutcome>& cases, std::ostream& out) {
  std::vector<std::pair<std::string, std::vector<const CaseOutcome*>>> suites;
  int failed = 0;
  for (const CaseOutcome& c : cases) {
    std::string suite = c.file + ": " + c.test;
    if (suites.empty() || suites.back().first != suite) {
      suites.push_back({suite, {}});
    }
    suites.back().second.push_back(&c);
    failed += c.passed ? 0 : 1;
  }
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<testsuites name=\"rayguard test\" tests=\"" << cases.size()
      << "\" failures=\"" << failed << "\">\n";
  for (const auto& [name, members] : suites) {
    int suite_failed = 0;
    for (const CaseOutcome* c : members) suite_failed += c->passed ? 0 : 1;
    out << "  <testsuite name=\"" << XmlEscape(name) << "\" tests=\""
        << members.size() << "\" failures=\"" << suite_failed << "\">\n";
    for (const CaseOutcome* c : members) {
      out << "    <testcase classname=\"" << XmlEscape(c->test) << "\" name=\""
          << XmlEscape(c->name) << "\"";
      if (c->passed) {
        out << "/>\n";
        continue;
      }
      std::string details;
      for (const std::string& f : c->failures) details += f + "\n";
      out << ">\n      <failure message=\"" << XmlEscape(c->failures[0])
          << "\">" << XmlEscape(details) << "</failure>\n    </testcase>\n";
    }
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
}

// The test's MutatingAdmissionPolicies, merged with the bundled schemas'
// list and map types as the webhook does.
policy::MutationLoader BundledMutationLoader(const std::string& schemas_dir) {
  return [schemas = schemas_dir](
             const std::vector<std::string>& policy_paths,
             const std::vector<std::string>& param_paths)
             -> Result<std::unique_ptr<const MutatingLayer>> {
    mutation::MutationLayerOptions options;
    options.policy_dirs = policy_paths;
    options.schemas_dir = schemas;
    auto layer = mutation::NewMutationLayer(options, param_paths);
    if (!layer.ok()) return layer.status();
    return std::unique_ptr<const MutatingLayer>(std::move(layer).value());
  };
}

void AddTestCommand(CLI::App& app, int* exit_code) {
  CLI::App* cmd = app.add_subcommand(
      "test",
      "Run policy unit tests (PolicyTest YAML, see policies/README.md)");
  auto format = std::make_shared<std::string>("text");
  auto paths = std::make_shared<std::vector<std::string>>();
  auto config_flags = std::make_shared<RepoConfigFlags>();
  cmd->add_option("-o,--output", *format, "Output format")
      ->check(CLI::IsMember({"text", "json", "junit"}));
  AddRepoConfigFlags(cmd, config_flags.get());
  cmd->add_option("paths", *paths, "Test files or directories")->required();
  cmd->callback([exit_code, format, paths, config_flags] {
    // Each test names its own policies; of the repository's config, the
    // schemas apply (and a malformed file is reported, as for `check`).
    auto config = ResolveRepoConfig(*config_flags);
    if (!config.ok()) {
      std::cerr << "rayguard test: " << config.status().message() << "\n";
      *exit_code = 2;
      return;
    }
    std::string schemas = FindBundled("schemas");
    if (*config && (*config)->schemas) schemas = *(*config)->schemas;
    auto cases = policy::RunPolicyTests(*paths, BundledMutationLoader(schemas),
                                        schemas);
    if (!cases.ok()) {
      std::cerr << "rayguard test: " << cases.status().message() << "\n";
      *exit_code = 2;
      return;
    }
    if (*format == "json") {
      WriteJson(*cases, std::cout);
    } else if (*format == "junit") {
      WriteJunit(*cases, std::cout);
    } else {
      WriteText(*cases, std::cout);
    }
    bool all = true;
    for (const CaseOutcome& c : *cases) all &= c.passed;
    *exit_code = all ? 0 : 1;
  });
}

const CommandRegistration kTest(30, AddTestCommand);

}  // namespace
}  // namespace rayguard::cli
