#include "webhook/server/config_dirs.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace rayguard::server {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class ConfigDirsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (fs::temp_directory_path() / "rayguard-config-dirs-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    fs::create_directories(root_ / "policies");
    std::ofstream(root_ / "policies" / "p.yaml") << "kind: X\n";
  }
  void TearDown() override {
    std::error_code ec;
    fs::permissions(root_ / "policies", fs::perms::owner_all, ec);
    fs::remove_all(root_, ec);
  }
  std::string Path(const char* name) const { return (root_ / name).string(); }

  fs::path root_;
};

TEST_F(ConfigDirsTest, AMissingPathIsAnErrorNamingFlagAndPath) {
  ConfigDirs dirs({{"--policies", Path("nowhere")}});
  std::vector<std::string> empty;
  Status s = dirs.Check(&empty);
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("--policies " + Path("nowhere")));
  EXPECT_THAT(s.message(), HasSubstr("does not exist"));
}

TEST_F(ConfigDirsTest, AnEmptyDirectoryIsAWarningUntilItHadFiles) {
  fs::create_directories(root_ / "empty");
  ConfigDirs fresh({{"--policies", Path("empty")}});
  std::vector<std::string> empty;
  EXPECT_TRUE(fresh.Check(&empty).ok());
  EXPECT_THAT(empty, ElementsAre("--policies " + Path("empty")));

  ConfigDirs dirs({{"--policies", Path("policies")}});
  empty.clear();
  ASSERT_TRUE(dirs.Check(&empty).ok());
  EXPECT_TRUE(empty.empty());
  fs::remove(root_ / "policies" / "p.yaml");
  Status s = dirs.Check(&empty);
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("is empty now"));
}

TEST_F(ConfigDirsTest, ADirectoryMovedAwayIsAnError) {
  ConfigDirs dirs({{"--schemas", Path("policies")}});
  std::vector<std::string> empty;
  ASSERT_TRUE(dirs.Check(&empty).ok());
  fs::rename(root_ / "policies", root_ / "elsewhere");
  EXPECT_FALSE(dirs.Check(&empty).ok());
  fs::rename(root_ / "elsewhere", root_ / "policies");
  EXPECT_TRUE(dirs.Check(&empty).ok());  // back: fine again
}

TEST_F(ConfigDirsTest, AnUnreadableDirectoryIsAnError) {
  if (geteuid() == 0) GTEST_SKIP() << "root reads any directory";
  ConfigDirs dirs({{"--policies", Path("policies")}});
  std::vector<std::string> empty;
  ASSERT_TRUE(dirs.Check(&empty).ok());
  fs::permissions(root_ / "policies", fs::perms::none);
  Status s = dirs.Check(&empty);
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("cannot read it"));
}

TEST_F(ConfigDirsTest, APathThroughAFileIsAnError) {
  ConfigDirs dirs({{"--schemas", Path("policies/p.yaml/schemas")}});
  std::vector<std::string> empty;
  Status s = dirs.Check(&empty);
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.message(),
              HasSubstr("--schemas " + Path("policies/p.yaml/schemas") +
                        ": cannot read it"));
}

TEST_F(ConfigDirsTest, ASingleFileIsAcceptedAsItIs) {
  ConfigDirs dirs({{"--policies", Path("policies/p.yaml")}});
  std::vector<std::string> empty;
  EXPECT_TRUE(dirs.Check(&empty).ok());
  EXPECT_TRUE(empty.empty());
}

}  // namespace
}  // namespace rayguard::server
