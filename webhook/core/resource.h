#ifndef RAYGUARD_CORE_RESOURCE_H_
#define RAYGUARD_CORE_RESOURCE_H_

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include <nlohmann/json.hpp>

namespace rayguard {

// Where a node of a document starts in its source file (1-based).
struct SourcePosition {
  int line = 0;
  int column = 0;
};

// JSON Pointer ("/spec/workerGroupSpecs/0") -> source position of that node.
using SourceMap = std::unordered_map<std::string, SourcePosition>;

// What the admission request says beyond the object itself: what the update
// rules and the CEL `request`, `oldObject` and `namespaceObject` variables see.
struct AdmissionContext {
  std::string operation = "CREATE";  // CREATE, UPDATE, DELETE or CONNECT
  nlohmann::json old_object;         // null unless UPDATE (or DELETE)
  // AdmissionRequest-shaped JSON (kind, resource, name, namespace,
  // operation, userInfo, dryRun, options...) for CEL's `request`.
  nlohmann::json request = nlohmann::json::object();
  nlohmann::json namespace_object;   // null when unknown
  bool dry_run = false;
};

// One Kubernetes object to check, with where it came from.
struct Resource {
  nlohmann::json object;
  AdmissionContext admission;

  // Origin for offline checks; empty for webhook requests.
  std::string file;
  int document = 0;  // 0-based YAML document index in `file`
  int item = -1;     // index within a List document, or -1
  std::shared_ptr<const SourceMap> source_map;

  std::string api_version() const { return StringAt("apiVersion"); }
  std::string kind() const { return StringAt("kind"); }
  std::string name() const { return MetadataString("name"); }
  std::string generate_name() const { return MetadataString("generateName"); }
  std::string namespace_name() const { return MetadataString("namespace"); }

  // The position of the node at `pointer` or its nearest known ancestor.
  std::optional<SourcePosition> PositionOf(const std::string& pointer) const {
    if (!source_map) return std::nullopt;
    std::string p = pointer;
    while (true) {
      auto it = source_map->find(p);
      if (it != source_map->end()) return it->second;
      if (p.empty()) return std::nullopt;
      p.erase(p.rfind('/'));
    }
  }

 private:
  std::string StringAt(const char* key) const {
    auto it = object.is_object() ? object.find(key) : object.end();
    return it != object.end() && it->is_string() ? it->get<std::string>() : "";
  }
  std::string MetadataString(const char* key) const {
    if (!object.is_object()) return "";
    auto md = object.find("metadata");
    if (md == object.end() || !md->is_object()) return "";
    auto it = md->find(key);
    return it != md->end() && it->is_string() ? it->get<std::string>() : "";
  }
};

}  // namespace rayguard

#endif  // RAYGUARD_CORE_RESOURCE_H_
