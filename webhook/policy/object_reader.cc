#include "webhook/policy/object_reader.h"

namespace rayguard::policy {

ObjectReader::ObjectReader(const YamlDocument& doc, std::string file,
                           std::string kind, std::vector<LoadError>* errors)
    : doc_(doc),
      file_(std::move(file)),
      kind_(std::move(kind)),
      errors_(errors) {}

void ObjectReader::SetName(const std::string& name) { name_ = name; }

void ObjectReader::Error(const Loc& loc, const std::string& message) {
  failed_ = true;
  std::string object = name_.empty() ? kind_ : kind_ + " \"" + name_ + "\"";
  errors_->push_back({file_, doc_.index, object, name_, loc.path.str(),
                      doc_.PositionOf(loc.pointer), message});
}

const nlohmann::json* ObjectReader::At(const Loc& loc) const {
  if (loc.pointer.empty()) return &doc_.json;
  const nlohmann::json* node = &doc_.json;
  try {
    node = &doc_.json.at(nlohmann::json::json_pointer(loc.pointer));
  } catch (const nlohmann::json::exception&) {
    return nullptr;
  }
  return node->is_null() ? nullptr : node;
}

const nlohmann::json* ObjectReader::Object(const Loc& loc) {
  const nlohmann::json* node = At(loc);
  if (node == nullptr) return nullptr;
  if (!node->is_object()) {
    Error(loc, "Invalid value: must be an object");
    return nullptr;
  }
  return node;
}

std::string ObjectReader::String(const Loc& loc) {
  const nlohmann::json* node = At(loc);
  if (node == nullptr) return "";
  if (!node->is_string()) {
    Error(loc, "Invalid value: " + node->dump() + ": must be a string");
    return "";
  }
  return node->get<std::string>();
}

std::string ObjectReader::RequiredString(const Loc& loc) {
  std::string s = String(loc);
  if (s.empty() && At(loc) == nullptr) Error(loc, "Required value");
  return s;
}

std::vector<std::string> ObjectReader::StringList(const Loc& loc) {
  std::vector<std::string> out;
  ForEach(loc, [&](const Loc& e) { out.push_back(String(e)); });
  return out;
}

std::string ObjectReader::Enum(const Loc& loc,
                               const std::set<std::string>& allowed,
                               const std::string& fallback) {
  std::string s = String(loc);
  if (At(loc) == nullptr) return fallback;
  if (allowed.count(s) == 0) {
    std::string list;
    for (const std::string& a : allowed) {
      list += (list.empty() ? "\"" : ", \"") + a + "\"";
    }
    Error(loc, "Unsupported value: \"" + s + "\": supported values: " + list);
    return fallback;
  }
  return s;
}

std::string ObjectReader::Expression(const Loc& loc, bool required) {
  return required ? RequiredString(loc) : String(loc);
}

void ObjectReader::ForEach(const Loc& loc,
                           const std::function<void(const Loc&)>& fn) {
  const nlohmann::json* node = At(loc);
  if (node == nullptr) return;
  if (!node->is_array()) {
    Error(loc, "Invalid value: must be a list");
    return;
  }
  for (std::size_t i = 0; i < node->size(); ++i) fn(loc.Index(i));
}

void ObjectReader::KnownFields(const Loc& loc,
                               const std::set<std::string>& known) {
  const nlohmann::json* node = At(loc);
  if (node == nullptr || !node->is_object()) return;
  for (const auto& [key, value] : node->items()) {
    if (known.count(key) == 0) {
      Error(loc.Child(key), "unknown field \"" + key + "\"");
    }
  }
}

}  // namespace rayguard::policy
