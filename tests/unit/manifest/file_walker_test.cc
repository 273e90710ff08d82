#include "webhook/manifest/file_walker.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/fixtures.h"

namespace rayguard::manifest {
namespace {

using ::rayguard::testing::FixturePath;
using ::testing::HasSubstr;

TEST(FileWalkerTest, ExpandsListItemsWithTheirIndexAndPositions) {
  auto entries = ReadManifestFile(FixturePath("manifest/kubectl_list.yaml"));
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_TRUE(entries[0].error.ok());
  EXPECT_EQ(entries[0].resource.item, 0);
  EXPECT_EQ(entries[0].resource.document, 0);
  EXPECT_EQ(entries[0].resource.name(), "first");
  EXPECT_EQ(entries[0].resource.PositionOf("/metadata/namespace")->line, 10);
  EXPECT_EQ(entries[0].resource.PositionOf("")->line, 6);
  EXPECT_EQ(entries[1].resource.kind(), "ConfigMap");
  EXPECT_EQ(entries[2].error.message(), "apiVersion not set, kind not set");
  EXPECT_EQ(entries[2].resource.item, 2);
  EXPECT_EQ(entries[2].error_position->line, 20);
}

TEST(FileWalkerTest, ReportsDocumentsThenTheSyntaxError) {
  const std::string path = FixturePath("manifest/broken.yaml");
  auto entries = ReadManifestFile(path);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_TRUE(entries[0].error.ok());
  EXPECT_FALSE(entries[1].error.ok());
  EXPECT_EQ(entries[1].resource.file, path);
  EXPECT_EQ(entries[1].resource.document, 1);
}

TEST(FileWalkerTest, NonObjectDocumentIsAnError) {
  auto entries = ReadManifestText("x.yaml", "- a\n- b\n");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_THAT(entries[0].error.message(), HasSubstr("not an object"));
}

TEST(FileWalkerTest, WalksDirectoriesInSortedOrderAndKeepsMissingPaths) {
  auto inputs = ListInputs({FixturePath("manifest"), "-", "/nonexistent.yaml"});
  ASSERT_GE(inputs.size(), 4u);
  EXPECT_THAT(inputs[0].path, HasSubstr("anchors.yaml"));
  for (std::size_t i = 1; i + 2 < inputs.size(); ++i) {
    EXPECT_LT(inputs[i - 1].path, inputs[i].path);
    EXPECT_TRUE(inputs[i].error.ok());
  }
  EXPECT_EQ(inputs[inputs.size() - 2].path, "-");
  EXPECT_EQ(inputs.back().error.code(), StatusCode::kNotFound);
}

TEST(FileWalkerTest, UnreadableFileIsOneErrorEntry) {
  auto entries = ReadManifestFile("/nonexistent/x.yaml");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_FALSE(entries[0].error.ok());
}

}  // namespace
}  // namespace rayguard::manifest
