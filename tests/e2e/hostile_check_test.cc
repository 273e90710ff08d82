// Hostile manifests given to `rayguard check`, the real binary: each must
// end with exit code 2 and a message naming file, line and the limit, never
// a crash, a hang or memory blown up by expansion.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/fixtures.h"

namespace rayguard::testing {
namespace {

using ::testing::HasSubstr;

struct CheckRun {
  int exit_code = -1;
  std::string out;
};

class HostileCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/rayguard_hostile_check_" +
           std::to_string(getpid());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Writes `text` to `name` and checks it; stdout and stderr together.
  CheckRun Check(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    const std::string out = dir_ + "/out";
    const std::string cmd = "'" + BinaryPath() + "' check --color never '" +
                            path + "' >'" + out + "' 2>&1";
    const int status = std::system(cmd.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, ReadFile(out)};
  }

  std::string dir_;
};

const char kHead[] = "apiVersion: ray.io/v1\nkind: RayCluster\n";

TEST_F(HostileCheckTest, JsonFileNested100000Deep) {
  CheckRun r = Check("deep.json",
                R"({"apiVersion":"ray.io/v1","kind":"RayCluster","spec":)" +
                    std::string(100000, '[') + std::string(100000, ']') + "}");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.out, HasSubstr("deep.json:1:"));
  EXPECT_THAT(r.out, HasSubstr("nesting deeper than 256 levels"));
}

TEST_F(HostileCheckTest, YamlNestedInBlockStyle) {
  std::string text = std::string(kHead) + "spec:\n";
  for (int i = 0; i < 2000; ++i) text += std::string(i + 2, ' ') + "k:\n";
  text += std::string(2002, ' ') + "v: 1\n";
  CheckRun r = Check("deep.yaml", text);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.out, HasSubstr("nesting deeper than 256 levels"));
}

// Nine levels of nine aliases: 9^9 (387 million) strings if expanded.
TEST_F(HostileCheckTest, BillionLaughsIsStoppedBeforeExpanding) {
  std::string text = std::string(kHead) +
                     "metadata:\n  name: lol\n"
                     "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\","
                     "\"lol\",\"lol\",\"lol\"]\n";
  for (char c = 'b'; c <= 'i'; ++c) {
    const std::string prev(1, static_cast<char>(c - 1));
    text += std::string(1, c) + ": &" + std::string(1, c) + " [";
    for (int i = 0; i < 9; ++i) text += (i ? ",*" : "*") + prev;
    text += "]\n";
  }
  CheckRun r = Check("laughs.yaml", text);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.out, HasSubstr("excessive aliasing"));
}

TEST_F(HostileCheckTest, InvalidUtf8InYaml) {
  CheckRun r = Check("utf8.yaml", std::string(kHead) + "metadata:\n  name: \"r\xff\"\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.out, HasSubstr("utf8.yaml:4:11: error: invalid UTF-8"));
}

TEST_F(HostileCheckTest, InvalidUtf8InJson) {
  CheckRun r = Check("utf8.json",
                R"({"apiVersion":"ray.io/v1","kind":"RayCluster",)"
                "\"metadata\":{\"name\":\"r\xc0\xaf\"}}");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.out, HasSubstr("invalid UTF-8"));
}

TEST_F(HostileCheckTest, DuplicateKeysAreAnError) {
  CheckRun r = Check("dup.yaml",
                std::string(kHead) + "metadata:\n  name: a\n  name: b\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.out, HasSubstr("dup.yaml:5:3: error: key \"name\" already set"));
}

TEST_F(HostileCheckTest, NumbersBeyondInt64AreDeniedNotWrapped) {
  CheckRun r = Check("num.yaml", std::string(kHead) +
                                "metadata:\n  name: n\nspec:\n"
                                "  workerGroupSpecs:\n"
                                "  - minReplicas: 99999999999999999999\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("spec.workerGroupSpecs[0].minReplicas: Invalid "
                               "value: 1e+20: must be a 64-bit integer"));
}

}  // namespace
}  // namespace rayguard::testing
