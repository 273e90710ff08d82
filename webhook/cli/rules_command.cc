// `rayguard rules [-o text|json]`: the built-in KubeRay rule catalogue,
// printed from the rule table itself so it cannot drift from the code.
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "webhook/cli/commands.h"
#include "webhook/rules/feature_gates.h"
#include "webhook/rules/rule_set.h"

namespace rayguard::cli {
namespace {

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ",") + s;
  return out;
}

void PrintText(std::ostream& out) {
  for (const rules::Rule& rule : rules::AllRules()) {
    out << rule.id << "\n  kinds: " << Join(rule.kinds) << "\n";
    if (!rule.feature_gate.empty()) {
      bool on = rules::DefaultFeatureGates().at(rule.feature_gate);
      out << "  feature gate: " << rule.feature_gate << " (default "
          << (on ? "on" : "off") << ")\n";
    }
    out << "  " << rule.description << "\n";
  }
  out << rules::AllRules().size() << " rules\n";
}

void PrintJson(std::ostream& out) {
  nlohmann::json list = nlohmann::json::array();
  for (const rules::Rule& rule : rules::AllRules()) {
    nlohmann::json entry = {{"id", rule.id},
                            {"kinds", rule.kinds},
                            {"description", rule.description}};
    if (!rule.feature_gate.empty()) entry["featureGate"] = rule.feature_gate;
    list.push_back(std::move(entry));
  }
  nlohmann::json gates = nlohmann::json::object();
  for (const auto& [name, on] : rules::DefaultFeatureGates()) gates[name] = on;
  out << nlohmann::json{{"rules", list}, {"defaultFeatureGates", gates}}.dump(2)
      << "\n";
}

void AddRulesCommand(CLI::App& app, int* exit_code) {
  CLI::App* cmd = app.add_subcommand(
      "rules",
      "Print the built-in KubeRay rule catalogue (id, kinds, "
      "description, feature gate)");
  auto format = std::make_shared<std::string>("text");
  cmd->add_option("-o,--output", *format, "Output format")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->callback([exit_code, format] {
    if (*format == "json") {
      PrintJson(std::cout);
    } else {
      PrintText(std::cout);
    }
    *exit_code = 0;
  });
}

const CommandRegistration kRules(60, AddRulesCommand);

}  // namespace
}  // namespace rayguard::cli
