// In a pod, the policies ConfigMap is not a plain folder: the kubelet
// keeps the real files in a hidden `..<timestamp>` folder and shows them
// through symlinks (see WriteKubeletVolume). rayguard must load each
// policy once, from its visible path, whatever the hidden entries hold.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "tests/deploy/deploy_testing.h"
#include "webhook/policy/file_list.h"

namespace rayguard::testing {
namespace {

using ::testing::ElementsAre;

class KubeletVolumeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string policy = tmp_.path() + "/policy.yaml";
    std::ofstream(policy) << "kind: ValidatingAdmissionPolicy\n";
    volume_ = tmp_.path() + "/policies";
    WriteKubeletVolume({{"images.yaml", policy},
                        {"labels.yaml", policy},
                        {"params/registries.yaml", policy}},
                       volume_);
  }

  TempDir tmp_;
  std::string volume_;
};

TEST_F(KubeletVolumeTest, PoliciesAreListedOnceFromTheirVisiblePaths) {
  auto files = policy::ListYamlFiles(volume_, {"params", "tests"});
  ASSERT_TRUE(files.ok()) << files.status().message();
  EXPECT_THAT(*files,
              ElementsAre(volume_ + "/images.yaml", volume_ + "/labels.yaml"));
}

TEST_F(KubeletVolumeTest, ParamsAreListedOnceThroughTheirLinkedFolder) {
  auto files = policy::ListYamlFiles(volume_ + "/params", {});
  ASSERT_TRUE(files.ok()) << files.status().message();
  EXPECT_THAT(*files, ElementsAre(volume_ + "/params/registries.yaml"));
}

}  // namespace
}  // namespace rayguard::testing
