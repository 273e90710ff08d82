#include "webhook/core/field_path.h"

#include <gtest/gtest.h>

namespace rayguard {
namespace {

TEST(FieldPathTest, BuildsKubernetesStylePaths) {
  FieldPath p = FieldPath("spec").Child("workerGroupSpecs").Index(0).Child(
      "template");
  EXPECT_EQ(p.str(), "spec.workerGroupSpecs[0].template");
  EXPECT_EQ(FieldPath("metadata").Child("labels").Key("ray.io/node-type").str(),
            "metadata.labels[ray.io/node-type]");
}

TEST(FieldPathTest, ConvertsToJsonPointer) {
  struct Case {
    const char* path;
    const char* pointer;
  };
  const Case cases[] = {
      {"", ""},
      {"spec", "/spec"},
      {"spec.workerGroupSpecs[0].minReplicas", "/spec/workerGroupSpecs/0/minReplicas"},
      {"metadata.labels[ray.io/node-type]", "/metadata/labels/ray.io~1node-type"},
      {"metadata.annotations[a.b~c]", "/metadata/annotations/a.b~0c"},
      {"limits[cpu]", "/limits/cpu"},
      {"a[0][1].b", "/a/0/1/b"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(FieldPathToPointer(c.path), c.pointer) << c.path;
  }
}

}  // namespace
}  // namespace rayguard
