#include "webhook/schema/schema_layer.h"

#include "webhook/core/field_error.h"
#include "webhook/schema/defaulter.h"
#include "webhook/schema/schema_registry.h"
#include "webhook/schema/structural_validator.h"

namespace rayguard::schema {
namespace {

std::string StringField(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

class SchemaLayer : public Layer {
 public:
  SchemaLayer(std::unique_ptr<const SchemaRegistry> registry, bool strict)
      : registry_(std::move(registry)), strict_(strict) {}

  std::string_view name() const override { return "schema"; }

  void ApplyDefaults(nlohmann::json* object) const override {
    const KindSchema* s = registry_->Find(StringField(*object, "apiVersion"),
                                          StringField(*object, "kind"));
    if (s) ApplyStructuralDefaults(*s->root, object);
  }

  bool NeedsDefaults(const nlohmann::json& object) const override {
    const KindSchema* s = registry_->Find(StringField(object, "apiVersion"),
                                          StringField(object, "kind"));
    return s != nullptr && NeedsStructuralDefaults(*s->root, object);
  }

  void Check(const Resource& resource, CheckResult* result) const override {
    const std::string api_version = resource.api_version();
    const std::string kind = resource.kind();
    const KindSchema* s = registry_->Find(api_version, kind);
    if (!s) {
      result->findings.push_back(field_error::NotSupported(
          "schema", FieldPath("apiVersion"), api_version,
          registry_->ApiVersionsOf(kind)));
      return;
    }
    StructuralOptions options;
    options.strict = strict_;
    options.has_old_object = !resource.admission.old_object.is_null();
    ValidateStructural(*s->root, resource.object, options, &result->findings);
    for (const auto& overlay : registry_->overlays()) {
      if (overlay->AppliesTo(api_version, kind)) {
        overlay->Check(resource.object, &result->findings);
      }
    }
  }

 private:
  std::unique_ptr<const SchemaRegistry> registry_;
  bool strict_;
};

}  // namespace

Result<std::unique_ptr<Layer>> NewSchemaLayer(
    const SchemaLayerOptions& options) {
  auto registry = SchemaRegistry::Load(ResolveSchemasDir(options.schemas_dir),
                                       options.parallel_load);
  if (!registry.ok()) return registry.status();
  return std::unique_ptr<Layer>(
      new SchemaLayer(std::move(registry).value(), options.strict));
}

}  // namespace rayguard::schema
