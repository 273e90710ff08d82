#include "webhook/cli/repo_config.h"

#include <fstream>
#include <functional>
#include <system_error>

#include "webhook/manifest/yaml_reader.h"
#include "webhook/rules/feature_gates.h"
#include "webhook/rules/rule_set.h"

namespace rayguard::cli {
namespace {

namespace fs = std::filesystem;

// A config file is a few lines; anything far bigger is not one.
constexpr std::size_t kMaxConfigBytes = 1 << 20;

// Reads one key's value into the config, or says why it cannot.
// `dir` is the config file's directory, for relative paths.
using KeyReader = std::function<Status(const nlohmann::json& value,
                                       const fs::path& dir, RepoConfig*)>;

std::string ResolvePath(const fs::path& dir, const std::string& path) {
  return (dir / path).lexically_normal().string();
}

Status ReadPath(const nlohmann::json& value, const fs::path& dir,
                std::optional<std::string>* out) {
  if (!value.is_string() || value.get<std::string>().empty()) {
    return Status::InvalidArgument("must be a path (a non-empty string)");
  }
  *out = ResolvePath(dir, value.get<std::string>());
  return Status::Ok();
}

Status ReadPolicies(const nlohmann::json& value, const fs::path& dir,
                    RepoConfig* c) {
  std::vector<std::string> dirs;
  const nlohmann::json list =
      value.is_array() ? value : nlohmann::json::array({value});
  for (const nlohmann::json& item : list) {
    if (!item.is_string() || item.get<std::string>().empty()) {
      return Status::InvalidArgument("must be a path or a list of paths");
    }
    dirs.push_back(ResolvePath(dir, item.get<std::string>()));
  }
  c->policies = std::move(dirs);
  return Status::Ok();
}

// A map (RayClusterMTLS: true) or serve's "K=V,..." string.
Status ReadFeatureGates(const nlohmann::json& value, const fs::path&,
                        RepoConfig* c) {
  std::string text;
  if (value.is_string()) {
    text = value.get<std::string>();
  } else if (value.is_object()) {
    for (const auto& [gate, on] : value.items()) {
      if (!on.is_boolean()) {
        return Status::InvalidArgument(gate + ": must be true or false");
      }
      text.append(text.empty() ? "" : ",").append(gate).append(
          on.get<bool>() ? "=true" : "=false");
    }
  } else {
    return Status::InvalidArgument("must be a map or \"Name=true,...\"");
  }
  if (auto gates = rules::ParseFeatureGates(text); !gates.ok()) {
    return gates.status();
  }
  c->feature_gates = std::move(text);
  return Status::Ok();
}

Status ReadStrict(const nlohmann::json& value, const fs::path&,
                  RepoConfig* c) {
  if (!value.is_boolean()) return Status::InvalidArgument("must be true or false");
  c->strict = value.get<bool>();
  return Status::Ok();
}

// Rule ids a finding can carry: a typo would otherwise silently do nothing.
bool KnownRuleId(const std::string& id) {
  if (id == "schema" || id.starts_with("schema/overlay/") ||
      id.starts_with("policy/")) {
    return true;
  }
  for (const rules::Rule& rule : rules::AllRules()) {
    if (rule.id == id) return true;
  }
  return false;
}

Status ReadRules(const nlohmann::json& value, const fs::path&, RepoConfig* c) {
  if (!value.is_object()) {
    return Status::InvalidArgument("must be a map of rule id to off or warn");
  }
  for (const auto& [id, action] : value.items()) {
    if (!KnownRuleId(id)) {
      return Status::InvalidArgument(
          "unknown rule \"" + id + "\" (see `rayguard rules`)");
    }
    if (!action.is_string() ||
        (action.get<std::string>() != "off" &&
         action.get<std::string>() != "warn")) {
      return Status::InvalidArgument(id + ": must be off or warn");
    }
    c->rules[id] = action.get<std::string>();
  }
  return Status::Ok();
}

const std::map<std::string, KeyReader>& KeyReaders() {
  static const auto* readers = new std::map<std::string, KeyReader>{
      {"schemas",
       [](const nlohmann::json& v, const fs::path& dir, RepoConfig* c) {
         return ReadPath(v, dir, &c->schemas);
       }},
      {"policies", ReadPolicies},
      {"params",
       [](const nlohmann::json& v, const fs::path& dir, RepoConfig* c) {
         return ReadPath(v, dir, &c->params);
       }},
      {"feature-gates", ReadFeatureGates},
      {"strict", ReadStrict},
      {"rules", ReadRules},
  };
  return *readers;
}

std::string KnownKeys() {
  std::string out;
  for (const auto& [key, reader] : KeyReaders()) {
    out.append(out.empty() ? "" : ", ").append(key);
  }
  return out;
}

std::string Where(const std::string& path, const SourcePosition& pos) {
  return path + ":" + std::to_string(pos.line) + ":" +
         std::to_string(pos.column);
}

bool Exists(const fs::path& p) {
  std::error_code ec;
  return fs::exists(p, ec);
}

}  // namespace

void AddRepoConfigFlags(CLI::App* cmd, RepoConfigFlags* flags) {
  CLI::Option* file = cmd->add_option(
      "--config", flags->file,
      "Config file to use instead of the nearest .rayguard.yaml");
  cmd->add_flag("--no-config", flags->none,
                "Ignore .rayguard.yaml files")
      ->excludes(file);
}

std::string FindRepoConfig(const fs::path& start) {
  std::error_code ec;
  fs::path dir = fs::absolute(start, ec);
  if (ec) return "";
  while (true) {
    if (Exists(dir / kRepoConfigName)) return (dir / kRepoConfigName).string();
    if (Exists(dir / ".git") || dir == dir.parent_path()) return "";
    dir = dir.parent_path();
  }
}

Result<RepoConfig> LoadRepoConfig(const std::string& path) {
  std::error_code not_regular;
  std::ifstream in(path, std::ios::binary);
  if (!in || !fs::is_regular_file(path, not_regular)) {
    return Status::InvalidArgument(path + ": cannot read config file");
  }
  std::string text;
  text.resize(kMaxConfigBytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxConfigBytes) {
    return Status::InvalidArgument(path + ": config file larger than 1 MiB");
  }
  manifest::YamlStream stream = manifest::ReadYaml(text);
  if (!stream.error.ok()) {
    return stream.error.WithPrefix(
        stream.error_position ? Where(path, *stream.error_position) : path);
  }
  if (stream.documents.size() > 1) {
    return Status::InvalidArgument(
        Where(path, stream.documents[1].start) +
        ": a config file holds one YAML document");
  }
  RepoConfig config;
  config.path = path;
  if (stream.documents.empty() || stream.documents[0].value.is_null()) {
    return config;
  }
  const manifest::YamlDocument& doc = stream.documents[0];
  if (!doc.value.is_object()) {
    return Status::InvalidArgument(Where(path, doc.start) +
                                   ": must be a map of settings");
  }
  std::error_code ec;
  const fs::path dir = fs::absolute(path, ec).parent_path();
  for (const auto& [key, value] : doc.value.items()) {
    SourcePosition pos = doc.start;
    const std::string pointer = (nlohmann::json::json_pointer() / key).to_string();
    if (auto it = doc.source_map->find(pointer); it != doc.source_map->end()) {
      pos = it->second;
    }
    auto reader = KeyReaders().find(key);
    if (reader == KeyReaders().end()) {
      return Status::InvalidArgument(Where(path, pos) + ": unknown key \"" +
                                     key + "\" (known: " + KnownKeys() + ")");
    }
    if (Status s = reader->second(value, dir, &config); !s.ok()) {
      return s.WithPrefix(Where(path, pos) + ": " + key);
    }
  }
  return config;
}

Result<std::optional<RepoConfig>> ResolveRepoConfig(
    const RepoConfigFlags& flags) {
  if (flags.none) return std::optional<RepoConfig>();
  std::string path = flags.file;
  if (path.empty()) {
    std::error_code ec;
    path = FindRepoConfig(fs::current_path(ec));
    if (path.empty()) return std::optional<RepoConfig>();
    // Named as the user would reach it from here ("../.rayguard.yaml").
    const fs::path shown = fs::proximate(path, ec);
    if (!ec && !shown.empty()) path = shown.string();
  }
  Result<RepoConfig> config = LoadRepoConfig(path);
  if (!config.ok()) return config.status();
  return std::optional<RepoConfig>(std::move(config).value());
}

void ApplyRepoConfig(const RepoConfig& config, const CLI::App& cmd,
                     ValidatorFlags* flags) {
  auto given = [&cmd](const char* name) { return cmd.count(name) > 0; };
  if (!given("--schemas") && config.schemas) flags->schemas = *config.schemas;
  if (!given("--policies") && config.policies) {
    flags->policies = *config.policies;
  }
  if (!given("--params") && config.params) flags->params = *config.params;
  if (!given("--feature-gates") && config.feature_gates) {
    flags->feature_gates = *config.feature_gates;
  }
  if (!given("--strict") && config.strict) flags->strict = *config.strict;
  // Rule overrides have no flag of their own.
  flags->rule_overrides = config.rules;
}

}  // namespace rayguard::cli
