#ifndef RAYGUARD_MUTATION_MUTATION_LAYER_H_
#define RAYGUARD_MUTATION_MUTATION_LAYER_H_

#include <memory>
#include <string>
#include <vector>

#include "webhook/core/result.h"
#include "webhook/mutation/mutation_system.h"

namespace rayguard::mutation {

struct MutationLayerOptions {
  std::vector<std::string> policy_dirs;  // files or directories
  std::string params_dir;  // replaces each <policy dir>/params when set
  // Generated schemas (or crds/) giving apply configurations their list
  // and map types.
  std::string schemas_dir;
  bool skip_invalid_policies = false;
};

// Loads every MutatingAdmissionPolicy and binding under the policy dirs,
// their params and the CRD schemas, and compiles them into a MutationSystem
// (with no mutators when there are no mutating policies). Fails, naming
// each fault with its file, line and field, when a mutating policy does not
// load or compile (unless skip_invalid_policies) or a params file cannot be
// read.
Result<std::unique_ptr<MutationSystem>> NewMutationLayer(
    const MutationLayerOptions& options);

// As above, with params read from exactly `param_paths` (files or folders;
// none when empty) instead of params_dir or the policy dirs' params/: a
// PolicyTest names its params this way.
Result<std::unique_ptr<MutationSystem>> NewMutationLayer(
    const MutationLayerOptions& options,
    const std::vector<std::string>& param_paths);

}  // namespace rayguard::mutation

#endif  // RAYGUARD_MUTATION_MUTATION_LAYER_H_
