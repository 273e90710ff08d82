#ifndef RAYGUARD_MANIFEST_YAML_WRITER_H_
#define RAYGUARD_MANIFEST_YAML_WRITER_H_

#include <string>

#include <nlohmann/json.hpp>

namespace rayguard::manifest {

// Block-style YAML for `value` that ReadYaml (and kubectl) reads back to the
// same JSON: strings that would resolve to something else when plain
// ("yes", "0x1F", "1.0", "") are quoted. Ends with a newline.
std::string WriteYaml(const nlohmann::json& value);

}  // namespace rayguard::manifest

#endif  // RAYGUARD_MANIFEST_YAML_WRITER_H_
