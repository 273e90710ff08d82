// The block reader is only a faster way to the general reader's answer:
// every YAML file in the repository, and a table of corner cases, must read
// the same through ReadYaml (fast path first) and the general reader alone.
#include "webhook/manifest/internal/block_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/testing/fixtures.h"
#include "tests/unit/manifest/stream_dump.h"

namespace rayguard::manifest {
namespace {

using ::rayguard::testing::ReadFile;
using ::rayguard::testing::SourcePath;

// Reads `text` both ways; true when the block reader handled it.
bool ExpectSameAsGeneral(const std::string& text, const std::string& what) {
  const YamlStream general = internal::ReadYamlGeneral(text, {});
  const std::optional<YamlStream> fast = internal::ReadBlockYaml(text, {});
  if (fast.has_value()) {
    EXPECT_TRUE(general.error.ok()) << what << ": the block reader accepted "
                                    << "what the general reader rejects";
    EXPECT_EQ(DumpStream(*fast), DumpStream(general)) << what << "\n" << text;
  }
  return fast.has_value();
}

TEST(BlockReaderTest, ReadsEveryRepositoryYamlFileAsTheGeneralReaderDoes) {
  namespace fs = std::filesystem;
  int files = 0, handled = 0;
  for (const char* dir : {"tests/fixtures", "policies", "manifests",
                          "schemas/crds", "tests/golden"}) {
    for (const auto& entry :
         fs::recursive_directory_iterator(SourcePath(dir))) {
      const std::string ext = entry.path().extension().string();
      if (!entry.is_regular_file() ||
          (ext != ".yaml" && ext != ".yml" && ext != ".json")) {
        continue;
      }
      ++files;
      handled += ExpectSameAsGeneral(ReadFile(entry.path().string()),
                                     entry.path().string());
    }
  }
  EXPECT_GT(files, 300);
  // Most manifests take the fast path, or it would not be worth having.
  EXPECT_GT(handled, files / 2) << handled << " of " << files;
}

TEST(BlockReaderTest, HandlesTheKubeRaySampleItIsBenchmarkedOn) {
  EXPECT_TRUE(ExpectSameAsGeneral(
      ReadFile(SourcePath("tests/fixtures/samples/ray-cluster.complete.yaml")),
      "ray-cluster.complete.yaml"));
}

struct Case {
  const char* name;
  const char* text;
  bool handled;  // whether the block reader should take it
};

const Case kCases[] = {
    {"maps and sequences",
     "a: 1\nb:\n  c: x\n  d:\n  - 1\n  - e: f\n    g: h\n", true},
    {"sequence at the map's column", "a:\n- x\n- y\nb: 2\n", true},
    {"nested map in a sequence item",
     "items:\n- name: x\n  ports:\n  - containerPort: 1\n    name: a\n", true},
    {"item map on the next line", "a:\n-\n  b: 1\n  c: 2\n", true},
    {"comments everywhere",
     "# head\na: 1 # one\n  # odd indent\nb: \"q\" # two\n# tail\n", true},
    {"documents",
     "# c\n---\na: 1\n---\n---\n# only a comment\n---\nz: 1\n---\n", true},
    {"implicit first document", "a: 1\n---\nb: 2\n", true},
    {"separator with comment", "--- # x\na: 1\n", true},
    {"indented root", "  a: 1\n  b: 2\n", true},
    {"yaml 1.1 scalars",
     "a: yes\nb: off\nc: 0x1F\nd: 010\ne: ~\nf:\ng: 1.5\nh: 1e3\ni: "
     "123456789012345678901234567890\nj: 1_000\nk: -0o17\n",
     true},
    {"non-string keys", "1: a\ntrue: b\n~: c\n1.5: d\n0x10: e\n", true},
    {"quoted",
     "a: \"x \\\"y\\\" \\\\ \\n \\t \\u00e9 \\/\"\nb: 'it''s'\n"
     "\"c d\": 1\n'e': 2\n",
     true},
    {"plain with colons and hashes", "a: b:c\nb: x#y\nc: http://h:80/p # c\n",
     true},
    {"plain with brackets", "a: x[0]\nb: a, b\nc: -1\nd: --flag\n", true},
    {"flow sequences",
     "a: []\nb: [1, \"two\", 'three', four five]\nc: [ x ,y ]\nd: {}\n"
     "e: [-1, -x]\n",
     true},
    {"literal block", "a: |\n  x\n\n   \n  y\n      \n\nb: |-\n  z\n\nc: 1\n",
     true},
    {"folded block", "a: >\n  one\n  two\n\n  three\n\n\n  four\nb: >-\n  x\n",
     true},
    {"more-indented folded",
     "a: >\n  x\n    y\n  z\n\n    w\n\n  v\n  u\nb: >\n\n    s\n    t\n",
     true},
    {"block with comment-like lines", "a: |\n  # not a comment\n  x\nb: 1\n",
     true},
    {"block in a sequence", "a:\n- |\n  x\n- y\n", true},
    {"leading empty lines in a block", "a: |\n\n  x\n", true},
    {"unicode", "a: é\nb: [é, x]\n\"ü\": [ü, 'é']\n", true},
    {"deep key pointer", "a/b:\n  c~d: 1\n", true},
    // Left to the general reader:
    {"anchors and aliases", "a: &x 1\nb: *x\n", false},
    {"merge key", "a: &x {b: 1}\nc:\n  <<: *x\n", false},
    {"tag", "a: !!str 1\n", false},
    {"flow map", "a: {b: 1}\n", false},
    {"multi-line flow", "a: [1,\n  2]\n", false},
    {"multi-line plain", "a: one\n  two\n", false},
    {"multi-line quoted", "a: \"one\n  two\"\n", false},
    {"nested compact sequence", "- - a\n", false},
    {"empty item", "a:\n-\n- b\n", false},
    {"complex key", "? a\n: b\n", false},
    {"keep chomping", "a: |+\n  x\n\n", false},
    {"indentation indicator", "a: |2\n   x\n", false},
    {"white space only in folded", "a: >\n  x\n     \n  z\n", false},
    {"block at end without newline", "a: |\n  x", false},
    {"duplicate key", "a: 1\na: 2\n", false},
    {"bad indentation", "a:\n  b: 1\n c: 2\n", false},
    {"mapping in a value", "a: b: c\n", false},
    {"tab indentation", "a:\n\tb: 1\n", false},
    {"crlf", "a: 1\r\nb: 2\r\n", false},
    {"bom",
     "\xEF\xBB\xBF"
     "a: 1\n",
     false},
    {"question mark in a flow item", "a: [x?t p]\n", false},  // fuzzing
    {"utf-16 bom", "\xFE\xFF\xFF\xFF#'Ands: -10", false},  // found by fuzzing
    {"document end marker", "a: 1\n...\n", false},
    {"directive", "%YAML 1.1\n---\na: 1\n", false},
    {"scalar document", "just text\n", false},
    {"nan", "a: .nan\n", false},
    {"trailing comma", "a: [1, 2,]\n", false},
    {"unterminated quote", "a: \"x\n", false},
    {"key with space before colon", "a : 1\n", false},
};

TEST(BlockReaderTest, CornerCasesReadAsTheGeneralReaderReadsThem) {
  for (const Case& c : kCases) {
    EXPECT_EQ(ExpectSameAsGeneral(c.text, c.name), c.handled) << c.name;
  }
}

// The scan goes eight bytes at a time; whatever the alignment, it must see
// every byte YAML treats specially, and pass tabs, line feeds and UTF-8.
TEST(BlockReaderTest, FindsUnusualBytesAtEveryOffset) {
  const std::string fine = "key: value\tw\u00e9\n";
  for (const std::string& unusual : std::vector<std::string>{
           "\r", std::string(1, '\0'), "\x7F", "\xC2\x85", "\xE2\x80\xA8",
        "\xEF\xBB\xBF", "\xFE", "\x1B"}) {
    for (std::size_t at = 0; at < 17; ++at) {
      std::string text = std::string(at, 'a') + unusual + std::string(9, 'b');
      EXPECT_TRUE(internal::HasUnusualBytes(text)) << at;
      EXPECT_FALSE(internal::HasUnusualBytes(std::string(at, 'a') + fine));
    }
  }
}

TEST(BlockReaderTest, LeavesDepthBeyondTheLimitToTheGeneralReader) {
  std::string text;
  for (int i = 0; i < 5; ++i) {
    text += std::string(2 * i, ' ') + "k" + std::to_string(i) + ":\n";
  }
  text += std::string(10, ' ') + "leaf: 1\n";
  YamlLimits limits;
  limits.max_depth = 4;
  EXPECT_FALSE(internal::ReadBlockYaml(text, limits).has_value());
  EXPECT_FALSE(ReadYaml(text, limits).error.ok());
  limits.max_depth = 6;
  EXPECT_TRUE(internal::ReadBlockYaml(text, limits).has_value());
}

}  // namespace
}  // namespace rayguard::manifest
