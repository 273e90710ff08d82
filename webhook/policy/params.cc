#include "webhook/policy/params.h"

#include <algorithm>

#include "webhook/policy/file_list.h"
#include "webhook/policy/match.h"
#include "webhook/policy/yaml_document.h"

namespace rayguard::policy {
namespace {

// A view of the string at object[section][key] (object[key] without a
// section), or "": Find runs for every object and binding, so no copies.
std::string_view StringAt(const nlohmann::json& object, const char* section,
                          const char* key) {
  const nlohmann::json* node = &object;
  if (section != nullptr) {
    auto it = object.find(section);
    if (it == object.end() || !it->is_object()) return "";
    node = &*it;
  }
  auto it = node->find(key);
  if (it == node->end() || !it->is_string()) return "";
  return it->get_ref<const std::string&>();
}

nlohmann::json LabelsOf(const nlohmann::json& object) {
  auto md = object.find("metadata");
  if (md == object.end() || !md->is_object()) return nlohmann::json::object();
  auto labels = md->find("labels");
  return labels != md->end() ? *labels : nlohmann::json::object();
}

}  // namespace

Result<ParamStore> ParamStore::Load(const std::vector<std::string>& dirs) {
  ParamStore store;
  for (const std::string& dir : dirs) {
    auto files = ListYamlFiles(dir, {});
    if (!files.ok()) return files.status();
    for (const std::string& file : *files) {
      auto docs = ReadYamlFile(file);
      if (!docs.ok()) return docs.status();
      for (YamlDocument& doc : *docs) {
        if (!doc.json.is_object()) {
          return Status::InvalidArgument(file + ": document " +
                                         std::to_string(doc.index) +
                                         ": a param must be an object");
        }
        store.Add(std::move(doc.json));
      }
    }
  }
  return store;
}

void ParamStore::Add(nlohmann::json object) {
  objects_.push_back(std::move(object));
  std::stable_sort(objects_.begin(), objects_.end(),
                   [](const nlohmann::json& a, const nlohmann::json& b) {
                     return std::pair(StringAt(a, "metadata", "namespace"),
                                      StringAt(a, "metadata", "name")) <
                            std::pair(StringAt(b, "metadata", "namespace"),
                                      StringAt(b, "metadata", "name"));
                   });
}

std::vector<const nlohmann::json*> ParamStore::Find(
    const ParamKind& kind, const ParamRef& ref,
    const std::string& object_namespace) const {
  const std::string& ns =
      ref.namespace_name.empty() ? object_namespace : ref.namespace_name;
  std::vector<const nlohmann::json*> out;
  for (const nlohmann::json& p : objects_) {
    if (StringAt(p, nullptr, "apiVersion") != kind.api_version ||
        StringAt(p, nullptr, "kind") != kind.kind) {
      continue;
    }
    const std::string_view param_ns = StringAt(p, "metadata", "namespace");
    if (!param_ns.empty() && param_ns != ns) continue;
    if (!ref.name.empty()) {
      if (StringAt(p, "metadata", "name") == ref.name) return {&p};
      continue;
    }
    if (SelectorMatches(ref.selector.value_or(LabelSelector{}), LabelsOf(p))) {
      out.push_back(&p);
    }
  }
  return out;
}

}  // namespace rayguard::policy
