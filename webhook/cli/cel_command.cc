// `rayguard cel eval EXPR`: compiles and evaluates one expression in the
// environment policies get, over objects read from YAML/JSON files.
// Exit codes: 0 a value, 1 an evaluation error, 2 a compile or usage error.
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "webhook/cel/cel.h"
#include "webhook/cli/commands.h"
#include "webhook/manifest/yaml_reader.h"

namespace rayguard::cli {
namespace {

struct CelEvalFlags {
  std::string expression;
  std::string object_file, old_file, params_file;
  std::vector<std::string> vars;
  std::string format = "text";
};

// The first document of a YAML or JSON file.
Result<nlohmann::json> ReadDocument(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  manifest::YamlStream stream = manifest::ReadYaml(text.str());
  if (!stream.error.ok()) return stream.error.WithPrefix(path);
  if (stream.documents.empty()) {
    return Status::InvalidArgument(path + ": no document");
  }
  return std::move(stream.documents[0].value);
}

int Fail(const CelEvalFlags& f, const std::string& stage,
         const std::string& message) {
  if (f.format == "json") {
    std::cout << nlohmann::json{{"error", message}, {"stage", stage}}.dump()
              << "\n";
  } else {
    std::cerr << stage << " error: " << message << "\n";
  }
  return stage == "eval" ? 1 : 2;
}

int RunCelEval(const CelEvalFlags& f) {
  // Documents must outlive the activation, which borrows them.
  std::vector<std::pair<std::string, nlohmann::json>> docs;
  for (auto [name, file] : {std::pair{"object", f.object_file},
                            std::pair{"oldObject", f.old_file},
                            std::pair{"params", f.params_file}}) {
    if (file.empty()) continue;
    auto doc = ReadDocument(file);
    if (!doc.ok()) return Fail(f, "input", doc.status().message());
    docs.emplace_back(name, std::move(*doc));
  }
  std::vector<std::pair<cel::Value, cel::Value>> variables;
  for (const std::string& v : f.vars) {
    size_t eq = v.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Fail(f, "input", "--var wants NAME=JSON, got '" + v + "'");
    }
    nlohmann::json value = nlohmann::json::parse(v.substr(eq + 1), nullptr,
                                                 /*allow_exceptions=*/false);
    if (value.is_discarded()) {
      return Fail(f, "input", "--var " + v.substr(0, eq) + ": not JSON");
    }
    variables.emplace_back(cel::Value::String(v.substr(0, eq)),
                           cel::Value::FromJsonCopy(std::move(value)));
  }
  auto program = cel::Compile(f.expression, cel::Env::Admission());
  if (!program.ok()) return Fail(f, "compile", program.status().message());
  cel::Activation act;
  for (const auto& [name, doc] : docs) act.Bind(name, &doc);
  if (f.old_file.empty()) {
    act.Bind("oldObject", static_cast<const nlohmann::json*>(nullptr));
  }
  act.Bind("variables", cel::Value::Map(std::move(variables)));
  cel::Value v = (*program)->Eval(act);
  if (v.IsError()) return Fail(f, "eval", cel::DescribeError(v, f.expression));
  if (f.format == "json") {
    auto j = v.ToJson();
    if (!j.ok()) return Fail(f, "eval", j.status().message());
    std::cout << nlohmann::json{{"value", *j}, {"type", v.TypeName()}}.dump()
              << "\n";
  } else {
    std::cout << v.DebugString() << "\n";
  }
  return 0;
}

void AddCelCommand(CLI::App& app, int* exit_code) {
  CLI::App* cel = app.add_subcommand("cel", "Work with CEL expressions");
  cel->require_subcommand(1);
  CLI::App* eval = cel->add_subcommand(
      "eval", "Compile and evaluate one expression in the policy environment");
  auto flags = std::make_shared<CelEvalFlags>();
  eval->add_option("EXPR", flags->expression, "CEL expression")->required();
  eval->add_option("--object", flags->object_file, "YAML/JSON bound to object");
  eval->add_option("--old", flags->old_file, "YAML/JSON bound to oldObject");
  eval->add_option("--params", flags->params_file, "YAML/JSON bound to params");
  eval->add_option("--var", flags->vars, "variables.NAME as JSON (NAME=JSON)");
  eval->add_option("-o,--output", flags->format, "Output format")
      ->check(CLI::IsMember({"text", "json"}));
  eval->callback([exit_code, flags] { *exit_code = RunCelEval(*flags); });
}

const CommandRegistration kCel(60, AddCelCommand);

}  // namespace
}  // namespace rayguard::cli
