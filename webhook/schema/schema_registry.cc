#include "webhook/schema/schema_registry.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <sstream>
#include <system_error>

namespace rayguard::schema {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// *.json files directly in `dir`, sorted so load order is stable.
std::vector<fs::path> JsonFiles(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Read whole with one copy: going through a stringstream took as long as
// parsing the hundreds of KB of each schema.
Result<json> ReadJson(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + path.string());
  std::string text;
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (!ec) text.resize(size);
  if (!in.read(text.data(), static_cast<std::streamsize>(text.size()))) {
    return Status::NotFound("cannot read " + path.string());
  }
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    return Status::InvalidArgument(path.string() + ": " + e.what());
  }
}

// Adds one KindSchema per group/version/kind the schema file declares.
Status AddSchemaFile(const fs::path& path,
                     std::vector<std::unique_ptr<KindSchema>>* out) {
  auto doc = ReadJson(path);
  if (!doc.ok()) return doc.status();
  auto gvks = doc->find("x-kubernetes-group-version-kind");
  if (gvks == doc->end() || !gvks->is_array() || gvks->empty()) {
    return Status::InvalidArgument(
        path.string() +
        ": no x-kubernetes-group-version-kind (write schemas "
        "with `rayguard schema gen`)");
  }
  for (const json& gvk : *gvks) {
    auto root = CompileStructuralSchema(*doc);
    if (!root.ok()) return root.status().WithPrefix(path.string());
    auto k = std::make_unique<KindSchema>();
    k->api_version = gvk.value("group", "") + "/" + gvk.value("version", "");
    k->kind = gvk.value("kind", "");
    k->file = path.string();
    k->root = std::move(root).value();
    out->push_back(std::move(k));
  }
  return Status::Ok();
}

struct CompiledFile {
  Status status;
  std::vector<std::unique_ptr<KindSchema>> schemas;
};

}  // namespace

Result<std::unique_ptr<const SchemaRegistry>> SchemaRegistry::Load(
    const std::string& dir, bool parallel) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Status::NotFound("schemas directory " + dir +
                            " does not exist or is not a directory");
  }
  std::unique_ptr<SchemaRegistry> registry(new SchemaRegistry());
  // Each file (hundreds of KB of JSON) is parsed and compiled on its own
  // thread (with `parallel`); they are kept, and the first error reported,
  // in file order.
  const std::vector<fs::path> files = JsonFiles(dir);
  std::vector<std::future<CompiledFile>> compiling;
  for (const fs::path& file : files) {
    compiling.push_back(std::async(
        parallel ? std::launch::async : std::launch::deferred, [file] {
      CompiledFile out;
      out.status = AddSchemaFile(file, &out.schemas);
      return out;
    }));
  }
  std::vector<CompiledFile> compiled;
  for (auto& c : compiling) compiled.push_back(c.get());
  for (CompiledFile& c : compiled) {
    if (!c.status.ok()) return c.status;
    for (auto& k : c.schemas) registry->schemas_.push_back(std::move(k));
  }
  if (registry->schemas_.empty()) {
    return Status::NotFound("schemas directory " + dir +
                            " has no *.json schema");
  }
  for (const fs::path& file : JsonFiles(fs::path(dir) / "overlays")) {
    auto overlay = Overlay::Load(file.string());
    if (!overlay.ok()) return overlay.status();
    registry->overlays_.push_back(std::move(overlay).value());
  }
  return std::unique_ptr<const SchemaRegistry>(std::move(registry));
}

const KindSchema* SchemaRegistry::Find(std::string_view api_version,
                                       std::string_view kind) const {
  for (const auto& s : schemas_) {
    if (s->api_version == api_version && s->kind == kind) return s.get();
  }
  return nullptr;
}

std::vector<std::string> SchemaRegistry::ApiVersionsOf(
    std::string_view kind) const {
  std::vector<std::string> versions;
  for (const auto& s : schemas_) {
    if (s->kind == kind) versions.push_back(s->api_version);
  }
  std::sort(versions.begin(), versions.end());
  return versions;
}

std::string ResolveSchemasDir(const std::string& flag) {
  if (!flag.empty()) return flag;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path installed =
        exe.parent_path().parent_path() / "share" / "rayguard" / "schemas";
    if (fs::is_directory(installed, ec)) return installed.string();
  }
  return RAYGUARD_BUNDLED_SCHEMAS_DIR;
}

}  // namespace rayguard::schema
