#ifndef RAYGUARD_SCHEMA_SCHEMA_REGISTRY_H_
#define RAYGUARD_SCHEMA_SCHEMA_REGISTRY_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "webhook/core/result.h"
#include "webhook/schema/overlay.h"
#include "webhook/schema/structural_schema.h"

namespace rayguard::schema {

// One generated schema, compiled.
struct KindSchema {
  std::string api_version;  // "ray.io/v1"
  std::string kind;         // "RayCluster"
  std::string file;
  std::unique_ptr<SchemaNode> root;
};

// Every schema of a schemas/ directory (the *.json files `schema gen`
// writes) and its overlays/ sub-folder, loaded and compiled once. Immutable
// after Load; safe to share between threads.
class SchemaRegistry {
 public:
  // Loads `dir`. Returns NotFound naming the path when the directory is
  // missing or holds no schema, and InvalidArgument naming the file when a
  // schema or overlay does not parse or compile. With `parallel`, each file
  // compiles on a thread of its own; otherwise all on the calling thread.
  static Result<std::unique_ptr<const SchemaRegistry>> Load(
      const std::string& dir, bool parallel = true);

  // The schema for `api_version`/`kind`, or nullptr.
  const KindSchema* Find(std::string_view api_version,
                         std::string_view kind) const;

  // The apiVersions that have a schema for `kind`, sorted.
  std::vector<std::string> ApiVersionsOf(std::string_view kind) const;

  const std::vector<std::unique_ptr<KindSchema>>& schemas() const {
    return schemas_;
  }
  const std::vector<std::unique_ptr<Overlay>>& overlays() const {
    return overlays_;
  }

 private:
  SchemaRegistry() = default;

  std::vector<std::unique_ptr<KindSchema>> schemas_;
  std::vector<std::unique_ptr<Overlay>> overlays_;
};

// The directory `--schemas` means when it is not given: the bundled
// schemas/ next to an installed binary (<prefix>/share/rayguard/schemas),
// else the source tree's schemas/ the binary was built from. Returns
// `flag` unchanged when it is not empty.
std::string ResolveSchemasDir(const std::string& flag);

}  // namespace rayguard::schema

#endif  // RAYGUARD_SCHEMA_SCHEMA_REGISTRY_H_
