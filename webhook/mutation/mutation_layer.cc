#include "webhook/mutation/mutation_layer.h"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>

#include "webhook/mutation/mutating_policy_loader.h"
#include "webhook/mutation/policy_mutator.h"
#include "webhook/policy/file_list.h"
#include "webhook/policy/params.h"
#include "webhook/policy/yaml_document.h"

namespace rayguard::mutation {
namespace {

// Schemas by file, read once per process: the generated schemas are large
// and the same for every layer built from the same directory.
class SchemaCache {
 public:
  static SchemaCache& Get() {
    static SchemaCache* cache = new SchemaCache();
    return *cache;
  }

  // The openAPIV3Schema of `api_version`/`kind` under `dir`: the generated
  // <group>_<version>_<kind>.json (`rayguard schema gen`), else the CRD in
  // crds/<group>_<plural>.yaml; nullptr when neither has it.
  const nlohmann::json* Find(const std::string& dir,
                             const std::string& api_version,
                             const std::string& kind) {
    std::string key = dir + "\n" + api_version + "\n" + kind;
    std::lock_guard<std::mutex> lock(mu_);
    auto it = schemas_.find(key);
    if (it == schemas_.end()) {
      it = schemas_.emplace(key, Load(dir, api_version, kind)).first;
    }
    return it->second ? it->second.get() : nullptr;
  }

 private:
  static std::unique_ptr<const nlohmann::json> Load(
      const std::string& dir, const std::string& api_version,
      const std::string& kind) {
    std::size_t slash = api_version.find('/');
    if (dir.empty() || slash == std::string::npos) return nullptr;
    std::string group = api_version.substr(0, slash);
    std::string version = api_version.substr(slash + 1);
    std::string lower = kind;
    for (char& c : lower) c = static_cast<char>(std::tolower(c));
    std::filesystem::path root(dir);
    std::ifstream generated(root /
                            (group + "_" + version + "_" + lower + ".json"));
    if (generated) {
      auto schema = nlohmann::json::parse(generated, nullptr, false);
      if (schema.is_object()) {
        return std::make_unique<const nlohmann::json>(std::move(schema));
      }
    }
    auto docs = policy::ReadYamlFile(
        (root / "crds" / (group + "_" + lower + "s.yaml")).string());
    if (!docs.ok()) return nullptr;
    for (const policy::YamlDocument& doc : *docs) {
      const nlohmann::json* versions = nullptr;
      if (doc.json.contains("spec") && doc.json["spec"].contains("versions")) {
        versions = &doc.json["spec"]["versions"];
      }
      if (versions == nullptr || !versions->is_array()) continue;
      for (const nlohmann::json& v : *versions) {
        if (v.value("name", "") != version || !v.contains("schema")) continue;
        const nlohmann::json& s = v["schema"];
        if (s.contains("openAPIV3Schema")) {
          return std::make_unique<const nlohmann::json>(s["openAPIV3Schema"]);
        }
      }
    }
    return nullptr;
  }

  std::mutex mu_;
  std::map<std::string, std::unique_ptr<const nlohmann::json>> schemas_;
};

std::vector<std::string> ParamDirs(const MutationLayerOptions& options) {
  if (!options.params_dir.empty()) return {options.params_dir};
  std::vector<std::string> dirs;
  for (const std::string& d : options.policy_dirs) {
    if (std::filesystem::is_directory(d)) {
      dirs.push_back((std::filesystem::path(d) / "params").string());
    }
  }
  return dirs;
}

}  // namespace

Result<std::unique_ptr<MutationSystem>> NewMutationLayer(
    const MutationLayerOptions& options) {
  return NewMutationLayer(options, ParamDirs(options));
}

Result<std::unique_ptr<MutationSystem>> NewMutationLayer(
    const MutationLayerOptions& options,
    const std::vector<std::string>& param_paths) {
  std::vector<policy::LoadError> errors;
  MutatingPolicyObjects objects;
  ReadMutatingPolicyDirs(options.policy_dirs, &objects, &errors);
  if (objects.policies.empty() && objects.bindings.empty() && errors.empty()) {
    return std::make_unique<MutationSystem>(
        std::vector<std::unique_ptr<Mutator>>{});
  }
  auto params = policy::ParamStore::Load(param_paths);
  if (!params.ok()) return params.status();
  SchemaLookup lookup = [dir = options.schemas_dir](
                            const std::string& api_version,
                            const std::string& kind) {
    return SchemaCache::Get().Find(dir, api_version, kind);
  };
  auto mutators = CompileMutatingPolicies(
      std::move(objects),
      std::make_shared<const policy::ParamStore>(std::move(params).value()),
      std::move(lookup), options.skip_invalid_policies, &errors);
  if (!mutators.ok()) return mutators.status();
  return std::make_unique<MutationSystem>(std::move(mutators).value());
}

}  // namespace rayguard::mutation
