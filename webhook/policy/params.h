#ifndef RAYGUARD_POLICY_PARAMS_H_
#define RAYGUARD_POLICY_PARAMS_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "webhook/core/result.h"
#include "webhook/policy/policy.h"

namespace rayguard::policy {

// Param objects for paramKind/paramRef. Offline there is no cluster to ask,
// so they are read from YAML files: any kind, any apiVersion; the paramKind
// of a policy picks which ones it sees. Immutable once loaded; safe to share
// between threads.
class ParamStore {
 public:
  // Reads every *.yaml/*.yml/*.json file under each directory (recursively,
  // in sorted order); a directory that does not exist holds no params.
  // Fails on an unreadable or unparsable file, naming it.
  static Result<ParamStore> Load(const std::vector<std::string>& dirs);

  // Adds one object (tests, and `rayguard test` inline params).
  void Add(nlohmann::json object);

  // The params a binding's paramRef selects for an object in
  // `object_namespace`, in (namespace, name) order. The lookup namespace is
  // paramRef.namespace, else the object's own; params without a namespace
  // (cluster-scoped kinds) are found from any namespace. With a name at
  // most one is returned; with a selector every match (an empty selector
  // selects all of the kind).
  std::vector<const nlohmann::json*> Find(
      const ParamKind& kind, const ParamRef& ref,
      const std::string& object_namespace) const;

  std::size_t size() const { return objects_.size(); }

 private:
  std::vector<nlohmann::json> objects_;
};

}  // namespace rayguard::policy

#endif  // RAYGUARD_POLICY_PARAMS_H_
