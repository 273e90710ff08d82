// Fuzzes CEL compile + evaluate: the input is an expression, evaluated over
// a small RayCluster with the admission environment and the default cost
// limit. Anything may fail, nothing may crash, hang or overflow the stack.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "webhook/cel/cel.h"

namespace {

const nlohmann::json& Object() {
  static const nlohmann::json kObject = nlohmann::json::parse(R"({
    "apiVersion": "ray.io/v1", "kind": "RayCluster",
    "metadata": {"name": "c", "labels": {"team": "ml"}},
    "spec": {"rayVersion": "2.52.0",
      "headGroupSpec": {"rayStartParams": {"num-cpus": "0"},
        "template": {"spec": {"containers": [{"name": "ray-head",
          "image": "rayproject/ray:2.52.0",
          "resources": {"limits": {"cpu": "1", "memory": "2Gi"}}}]}}},
      "workerGroupSpecs": [{"groupName": "gpu", "replicas": 1,
        "minReplicas": 0, "maxReplicas": 4,
        "template": {"spec": {"containers": [{"name": "ray-worker",
          "image": "rayproject/ray:2.52.0-gpu",
          "resources": {"limits": {"nvidia.com/gpu": "1"}}}]}}}]}})");
  return kObject;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view expr(reinterpret_cast<const char*>(data), size);
  static const rayguard::cel::Env kEnv = rayguard::cel::Env::Admission();
  auto program = rayguard::cel::Compile(expr, kEnv);
  if (!program.ok()) return 0;
  rayguard::cel::Activation activation;
  activation.Bind("object", &Object());
  activation.Bind("oldObject", nullptr);
  (void)(*program)->Eval(activation);
  return 0;
}
