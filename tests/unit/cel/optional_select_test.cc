// Optional selection (`.?field`, `[?index]`) and has() through null and
// scalars, as the API server evaluates them: cel-go v0.26.0 interpreter/attributes.go
// refQualify, with the error-on-bad-presence-test option off (Kubernetes
// 1.34 does not set it), finds nothing there, so the result is
// optional.none() (has(): false) rather than an error. Nullable and
// x-kubernetes-preserve-unknown-fields values make this common in policies.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/unit/cel/expect_eval.h"
#include "webhook/cel/cel.h"

namespace rayguard::cel {
namespace {

struct Row {
  std::string expr;
  std::string expected;  // as ExpectEval reads it
};

void PrintTo(const Row& row, std::ostream* os) { *os << row.expr; }

const nlohmann::json& Object() {
  static const nlohmann::json kObject = nlohmann::json::parse(R"({
    "apiVersion": "ray.io/v1", "kind": "RayCluster",
    "metadata": {"name": "raycluster-kuberay", "labels": null},
    "spec": {"rayVersion": "2.52.0", "suspend": null,
      "autoscalerOptions": null,
      "headGroupSpec": {"rayStartParams": {}, "serviceType": null},
      "workerGroupSpecs": [{"groupName": "workergroup", "replicas": 1}]}})");
  return kObject;
}

class OptionalSelectTest : public ::testing::TestWithParam<Row> {};

TEST_P(OptionalSelectTest, Evaluates) {
  Activation act;
  act.Bind("object", &Object());
  act.Bind("oldObject", nullptr);
  ExpectEval(GetParam().expr, GetParam().expected, Env::Admission(), act);
}

INSTANTIATE_TEST_SUITE_P(
    ThroughNullAndScalars, OptionalSelectTest,
    ::testing::Values(
        Row{"object.spec.?autoscalerOptions.?idleTimeoutSeconds.orValue('d')",
            "\"d\""},
        Row{"object.spec.?autoscalerOptions.?resources.?limits.hasValue()",
            "false"},
        Row{"object.metadata.?labels[?'team'].orValue('none')", "\"none\""},
        Row{"object.spec.rayVersion.?major", "optional.none()"},
        Row{"object.spec.workerGroupSpecs[0].replicas.?x", "optional.none()"},
        Row{"object.spec.headGroupSpec.?serviceType.?name", "optional.none()"},
        Row{"object.spec.suspend[?0]", "optional.none()"},
        Row{"object.spec.rayVersion[?0]", "optional.none()"},
        Row{"oldObject.?spec.?rayVersion.orValue('none')", "\"none\""},
        Row{"1.?a", "optional.none()"},
        Row{"optional.of('x').?a", "optional.none()"},
        // What is there is still found, and a list still needs an index.
        Row{"object.spec.?rayVersion", "optional.of(\"2.52.0\")"},
        Row{"object.spec.?workerGroupSpecs[?0].?groupName",
            "optional.of(\"workergroup\")"},
        Row{"object.spec.?workerGroupSpecs[?5]", "optional.none()"},
        Row{"object.spec.workerGroupSpecs.?groupName", "error: no such key"},
        // Plain selection through null stays an error; has() is false
        // through null and scalars alike, and an error on a list.
        Row{"object.spec.autoscalerOptions.idleTimeoutSeconds",
            "error: no such key"},
        Row{"has(object.spec.autoscalerOptions.idleTimeoutSeconds)", "false"},
        Row{"has(object.spec.rayVersion.major)", "false"},
        Row{"has(object.spec.workerGroupSpecs[0].replicas.x)", "false"},
        Row{"has(object.spec.workerGroupSpecs.groupName)",
            "error: no such key"}));

}  // namespace
}  // namespace rayguard::cel
