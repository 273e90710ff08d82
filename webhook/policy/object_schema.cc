#include "webhook/policy/object_schema.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>

namespace rayguard::policy {
namespace {

using nlohmann::json;

// One generated schema file: <group>_<version>_<lower-case kind>.json.
struct SchemaFile {
  std::string group;
  std::string version;
  std::string kind_lower;
  std::string path;
};

// Proper names for the messages of the kinds rayguard ships schemas for.
std::string KindName(const std::string& kind_lower) {
  static const std::map<std::string, std::string> kKinds = {
      {"raycluster", "RayCluster"},
      {"rayjob", "RayJob"},
      {"rayservice", "RayService"},
      {"raycronjob", "RayCronJob"}};
  auto it = kKinds.find(kind_lower);
  return it == kKinds.end() ? "" : it->second;
}

std::vector<SchemaFile> ListSchemaFiles(const std::string& dir) {
  std::vector<SchemaFile> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".json") {
      continue;
    }
    std::string stem = entry.path().stem().string();
    std::size_t a = stem.find('_');
    std::size_t b = a == std::string::npos ? a : stem.find('_', a + 1);
    if (b == std::string::npos) continue;
    out.push_back({stem.substr(0, a), stem.substr(a + 1, b - a - 1),
                   stem.substr(b + 1), entry.path().string()});
  }
  return out;
}

// Whether `resource` (a plural, as in resourceRules) names `kind_lower`.
bool IsPluralOf(const std::string& resource, const std::string& kind_lower) {
  if (resource == kind_lower + "s" || resource == kind_lower + "es") {
    return true;
  }
  return !kind_lower.empty() && kind_lower.back() == 'y' &&
         resource == kind_lower.substr(0, kind_lower.size() - 1) + "ies";
}

bool Contains(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

// The files a rule selects for group `group` and resource `resource`.
std::vector<const SchemaFile*> FilesFor(const std::vector<SchemaFile>& files,
                                        const ResourceRule& rule,
                                        const std::string& group,
                                        const std::string& resource,
                                        bool equivalent) {
  bool any_version = equivalent || Contains(rule.api_versions, "*");
  std::vector<const SchemaFile*> out;
  for (const SchemaFile& f : files) {
    if (f.group != group) continue;
    if (resource != "*" && !IsPluralOf(resource, f.kind_lower)) continue;
    if (any_version || Contains(rule.api_versions, f.version)) {
      out.push_back(&f);
    }
  }
  return out;
}

// Merged schemas, read once per process: the generated schemas are large
// and every policy of a directory selects the same few. An entry is read
// again when one of its files changed (serve reloads edited schemas).
class SchemaCache {
 public:
  static SchemaCache& Get() {
    static SchemaCache* cache = new SchemaCache();
    return *cache;
  }

  std::shared_ptr<const json> Merged(const std::set<std::string>& paths) {
    std::string key;
    std::string stamp;
    for (const std::string& p : paths) {
      key += p + "\n";
      stamp += Stamp(p) + "\n";
    }
    std::lock_guard<std::mutex> lock(mu_);
    Entry& entry = merged_[key];
    if (entry.stamp != stamp || entry.stamp.empty()) {
      entry = {stamp, Read(paths)};
    }
    return entry.schema;
  }

 private:
  struct Entry {
    std::string stamp;
    std::shared_ptr<const json> schema;
  };

  // Size and modification time of `path`, or "" when it cannot be read.
  static std::string Stamp(const std::string& path) {
    std::error_code ec;
    auto size = std::filesystem::file_size(path, ec);
    if (ec) return "";
    auto time = std::filesystem::last_write_time(path, ec);
    if (ec) return "";
    return std::to_string(size) + "@" +
           std::to_string(time.time_since_epoch().count());
  }

  static std::shared_ptr<const json> Read(const std::set<std::string>& paths) {
    std::shared_ptr<json> out;
    for (const std::string& p : paths) {
      std::ifstream in(p, std::ios::binary);
      if (!in.is_open()) return nullptr;  // an unreadable schema: no check
      // Parsing from a string is several times faster than from a stream.
      std::error_code ec;
      std::string text(std::filesystem::file_size(p, ec), '\0');
      if (ec ||
          !in.read(text.data(), static_cast<std::streamsize>(text.size()))) {
        return nullptr;
      }
      json schema = json::parse(text, nullptr, false);
      if (!schema.is_object()) return nullptr;
      if (out == nullptr) {
        out = std::make_shared<json>(std::move(schema));
      } else {
        MergeObjectSchema(out.get(), schema);
      }
    }
    return out;
  }

  std::mutex mu_;
  std::map<std::string, Entry> merged_;
};

// Whether the schema checker accepts any field of `s` without looking
// further (an open object, or one that keeps unknown fields).
bool AcceptsAnyField(const json& s) {
  if (!s.is_object()) return true;
  if (s.value("x-kubernetes-preserve-unknown-fields", false)) return true;
  auto props = s.find("properties");
  auto ap = s.find("additionalProperties");
  bool has_props = props != s.end() && props->is_object();
  bool has_ap = ap != s.end() && (ap->is_object() || *ap == true);
  return !has_props && !has_ap;
}

void MergeChild(json* into, const json& from, const char* key) {
  auto f = from.find(key);
  if (f == from.end()) return;
  auto i = into->find(key);
  if (i == into->end()) {
    (*into)[key] = *f;
  } else if (*f == true || !f->is_object()) {
    if (*f == true) (*into)[key] = true;
  } else if (i->is_object()) {
    MergeObjectSchema(&*i, *f);
  }
}

}  // namespace

void MergeObjectSchema(json* into, const json& from) {
  if (!into->is_object() || !from.is_object()) return;
  MergeChild(into, from, "items");  // list elements, whatever the rest
  if (AcceptsAnyField(*into)) return;
  if (AcceptsAnyField(from)) {
    (*into)["x-kubernetes-preserve-unknown-fields"] = true;
    return;
  }
  if (auto props = from.find("properties");
      props != from.end() && props->is_object()) {
    json& mine = (*into)["properties"];
    if (!mine.is_object()) mine = json::object();
    for (const auto& [name, schema] : props->items()) {
      auto it = mine.find(name);
      if (it == mine.end()) {
        mine[name] = schema;
      } else {
        MergeObjectSchema(&*it, schema);
      }
    }
  }
  MergeChild(into, from, "additionalProperties");
}

ObjectSchema ObjectSchemaFor(const MatchResources& constraints,
                             const std::string& schemas_dir) {
  if (schemas_dir.empty() || constraints.resource_rules.empty()) return {};
  std::vector<SchemaFile> files = ListSchemaFiles(schemas_dir);
  bool equivalent = constraints.match_policy != "Exact";
  std::set<std::string> paths;
  std::set<std::string> kinds;
  for (const ResourceRule& rule : constraints.resource_rules) {
    if (rule.api_groups.empty() || rule.resources.empty()) return {};
    for (const std::string& group : rule.api_groups) {
      for (const std::string& resource : rule.resources) {
        // "*" groups and subresources may bring objects of any shape.
        if (group == "*" || resource.find('/') != std::string::npos) return {};
        auto selected = FilesFor(files, rule, group, resource, equivalent);
        if (selected.empty()) return {};
        for (const SchemaFile* f : selected) {
          paths.insert(f->path);
          kinds.insert(f->kind_lower);
        }
      }
    }
  }
  ObjectSchema out;
  out.schema = SchemaCache::Get().Merged(paths);
  if (out.schema != nullptr && kinds.size() == 1) {
    out.kind = KindName(*kinds.begin());
  }
  return out;
}

}  // namespace rayguard::policy
