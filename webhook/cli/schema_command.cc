// `rayguard schema gen --crd CRD.yaml... --out DIR`: writes one JSON Schema
// per group/version/kind of the given CRDs (see DESIGN.md).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "webhook/cli/commands.h"
#include "webhook/schema/crd_schema_generator.h"

namespace rayguard::cli {
namespace {

namespace fs = std::filesystem;

struct SchemaGenFlags {
  std::vector<std::string> crds;
  std::string out;
};

// Returns false (after saying why on stderr) when a file fails.
bool GenerateOne(const std::string& crd_path, const fs::path& out_dir) {
  std::ifstream in(crd_path, std::ios::binary);
  if (!in) {
    std::cerr << "rayguard schema gen: cannot read " << crd_path << "\n";
    return false;
  }
  std::stringstream text;
  text << in.rdbuf();
  auto schemas = schema::GenerateSchemas(
      text.str(), fs::path(crd_path).filename().string());
  if (!schemas.ok()) {
    std::cerr << "rayguard schema gen: " << crd_path << ": "
              << schemas.status().message() << "\n";
    return false;
  }
  for (const schema::GeneratedSchema& g : *schemas) {
    fs::path target = out_dir / g.file_name;
    std::ofstream out(target, std::ios::binary | std::ios::trunc);
    out << schema::SchemaFileText(g.schema);
    if (!out) {
      std::cerr << "rayguard schema gen: cannot write " << target << "\n";
      return false;
    }
    std::cout << "wrote " << target.string() << "\n";
  }
  return true;
}

int RunSchemaGen(const SchemaGenFlags& flags) {
  std::error_code ec;
  fs::create_directories(flags.out, ec);
  if (ec) {
    std::cerr << "rayguard schema gen: cannot create " << flags.out << ": "
              << ec.message() << "\n";
    return 2;
  }
  for (const std::string& crd : flags.crds) {
    if (!GenerateOne(crd, flags.out)) return 2;
  }
  return 0;
}

void AddSchemaCommand(CLI::App& app, int* exit_code) {
  CLI::App* schema = app.add_subcommand(
      "schema", "Generate the JSON Schemas rayguard validates against");
  schema->require_subcommand(1);
  auto flags = std::make_shared<SchemaGenFlags>();
  CLI::App* gen = schema->add_subcommand(
      "gen", "Write one JSON Schema per group/version/kind of KubeRay CRDs");
  gen->add_option("--crd", flags->crds, "CustomResourceDefinition YAML file")
      ->required()
      ->expected(1, -1);
  gen->add_option("--out", flags->out, "Directory to write the schemas to")
      ->required();
  gen->callback([flags, exit_code] { *exit_code = RunSchemaGen(*flags); });
}

const CommandRegistration kSchema(40, AddSchemaCommand);

}  // namespace
}  // namespace rayguard::cli
