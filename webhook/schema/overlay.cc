#include "webhook/schema/overlay.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "webhook/core/field_error.h"

namespace rayguard::schema {
namespace {

using nlohmann::json;

// valijson names each step of the failing location "[name]" (or "[0]" for
// an item) after a "<root>" step. Turns that into a field path, using the
// object to tell list items from properties.
std::string ContextToPath(const std::vector<std::string>& context,
                          const json& object, const json** value) {
  FieldPath path;
  const json* node = &object;
  for (const std::string& step : context) {
    if (step.size() < 2 || step.front() != '[' || step.back() != ']') continue;
    std::string token = step.substr(1, step.size() - 2);
    if (node && node->is_array()) {
      std::size_t i = std::stoul(token);
      path = path.Index(i);
      node = i < node->size() ? &(*node)[i] : nullptr;
    } else {
      path = path.empty() ? FieldPath(token) : path.Child(token);
      node = node && node->is_object() && node->contains(token)
                 ? &(*node)[token]
                 : nullptr;
    }
  }
  *value = node;
  return path.str();
}

bool IsPrefix(const std::vector<std::string>& a,
              const std::vector<std::string>& b) {
  return a.size() < b.size() && std::equal(a.begin(), a.end(), b.begin());
}

}  // namespace

Overlay::~Overlay() = default;

Result<std::unique_ptr<Overlay>> Overlay::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot read overlay " + path);
  std::unique_ptr<Overlay> o(new Overlay());
  try {
    std::stringstream text;
    text << in.rdbuf();
    o->document_ = json::parse(text.str());
    o->schema_ = std::make_unique<valijson::Schema>();
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(o->document_);
    parser.populateSchema(adapter, *o->schema_);
  } catch (const std::exception& e) {
    return Status::InvalidArgument("overlay " + path + ": " + e.what());
  }
  o->rule_ = "schema/overlay/";
  o->rule_ += std::filesystem::path(path).filename().string();
  if (auto gvks = o->document_.find("x-kubernetes-group-version-kind");
      gvks != o->document_.end() && gvks->is_array()) {
    for (const json& g : *gvks) {
      o->targets_.push_back(
          {g.value("group", ""), g.value("version", ""), g.value("kind", "")});
    }
  }
  return o;
}

bool Overlay::AppliesTo(std::string_view api_version,
                        std::string_view kind) const {
  if (targets_.empty()) return true;
  for (const Target& t : targets_) {
    // apiVersion is "<group>/<version>".
    const bool group_ok = api_version.size() > t.group.size() &&
                          api_version.starts_with(t.group) &&
                          api_version[t.group.size()] == '/';
    const bool version_ok =
        group_ok && (t.version.empty() ||
                     api_version.substr(t.group.size() + 1) == t.version);
    if (version_ok && t.kind == kind) return true;
  }
  return false;
}

void Overlay::Check(const json& object, Findings* findings) const {
  valijson::Validator validator(valijson::Validator::kStrongTypes);
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(object);
  try {
    if (validator.validate(*schema_, target, &results)) return;
  } catch (const std::exception& e) {
    Finding f =
        field_error::Invalid(rule_, FieldPath(), field_error::kOmitted,
                             std::string("overlay failed: ") + e.what());
    findings->push_back(std::move(f));
    return;
  }
  std::vector<valijson::ValidationResults::Error> errors(results.begin(),
                                                         results.end());
  // valijson reports every enclosing schema too ("Failed to validate against
  // schema associated with property..."); keep only the deepest errors.
  for (const auto& e : errors) {
    bool has_deeper = std::any_of(
        errors.begin(), errors.end(),
        [&](const auto& o) { return IsPrefix(e.context, o.context); });
    if (has_deeper) continue;
    const json* value = nullptr;
    std::string path = ContextToPath(e.context, object, &value);
    findings->push_back(field_error::Invalid(
        rule_, FieldPath(path), value ? *value : field_error::kOmitted,
        e.description));
  }
}

}  // namespace rayguard::schema
