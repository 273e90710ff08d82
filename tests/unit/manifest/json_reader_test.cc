// The JSON reader is only a faster way to the general reader's answer:
// every JSON file in the repository, JSON renderings (compact, indented,
// ASCII-escaped) of every YAML document in it, and a table of corner cases
// must read the same through the JSON reader and the general reader alone.
#include "webhook/manifest/internal/json_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <string>

#include "tests/testing/fixtures.h"
#include "tests/unit/manifest/stream_dump.h"
#include "webhook/manifest/internal/block_reader.h"

namespace rayguard::manifest {
namespace {

using ::rayguard::testing::ReadFile;
using ::rayguard::testing::SourcePath;

// Reads `text` both ways (and through ReadYaml); true when the JSON reader
// handled it.
bool ExpectSameAsGeneral(const std::string& text, const std::string& what,
                         const YamlLimits& limits = {}) {
  const YamlStream general = internal::ReadYamlGeneral(text, limits);
  const std::optional<YamlStream> fast = internal::ReadJsonObject(text, limits);
  EXPECT_EQ(DumpStream(ReadYaml(text, limits)), DumpStream(general)) << what;
  if (fast.has_value()) {
    EXPECT_TRUE(general.error.ok()) << what << ": the JSON reader accepted "
                                    << "what the general reader rejects";
    EXPECT_EQ(DumpStream(*fast), DumpStream(general)) << what << "\n" << text;
  }
  return fast.has_value();
}

// The generated schemas and CRDs (megabytes each) are left out to keep the
// test quick, but for the one schema read below.
std::vector<std::filesystem::path> RepositoryFiles(const std::string& ext1,
                                                   const std::string& ext2) {
  namespace fs = std::filesystem;
  std::vector<fs::path> out;
  for (const char* dir :
       {"tests/fixtures", "tests/golden", "policies", "manifests"}) {
    for (const auto& e : fs::recursive_directory_iterator(SourcePath(dir))) {
      const std::string ext = e.path().extension().string();
      if (e.is_regular_file() && (ext == ext1 || ext == ext2)) {
        out.push_back(e.path());
      }
    }
  }
  return out;
}

TEST(JsonReaderTest, ReadsEveryRepositoryJsonFileAsTheGeneralReaderDoes) {
  int files = 0, handled = 0;
  auto paths = RepositoryFiles(".json", ".sarif");
  paths.push_back(SourcePath("schemas/ray.io_v1alpha1_raycluster.json"));
  for (const auto& path : paths) {
    ++files;
    handled += ExpectSameAsGeneral(ReadFile(path.string()), path.string());
  }
  EXPECT_GT(files, 10);
  std::cout << handled << " of " << files << " files handled\n";
  // Most JSON files are objects the fast path takes.
  EXPECT_GT(handled, files / 2) << handled << " of " << files;
}

TEST(JsonReaderTest, ReadsJsonRenderingsOfEveryYamlDocumentAlike) {
  int documents = 0, handled = 0;
  for (const auto& path : RepositoryFiles(".yaml", ".yml")) {
    const YamlStream yaml =
        internal::ReadYamlGeneral(ReadFile(path.string()), {});
    for (const YamlDocument& d : yaml.documents) {
      if (!d.value.is_object()) continue;
      ++documents;
      const std::string what = path.string() + " #" + std::to_string(d.index);
      handled += ExpectSameAsGeneral(d.value.dump(), what + " compact");
      ExpectSameAsGeneral(d.value.dump(2), what + " indented");
      ExpectSameAsGeneral("\n  " + d.value.dump(1, ' ', true) + "\n",
                          what + " ASCII, indented root");
    }
  }
  EXPECT_GT(documents, 300);
  std::cout << handled << " of " << documents << " documents handled\n";
  EXPECT_GT(handled, documents * 9 / 10) << handled << " of " << documents;
}

struct Case {
  const char* name;
  const char* text;
  bool handled;  // whether the JSON reader should take it
};

const Case kCases[] = {
    {"nested", R"({"a": {"b": [1, {"c": null}], "d": []}, "e": {}})", true},
    {"compact", R"({"a":[1,2,{"b":"x"}],"c":true,"d":false})", true},
    {"spaced", "{ \"a\" : 1 , \"b\" :[ 1 , 2 ] }\n", true},
    {"multi-line", "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": \"c\"\n}\n",
     true},
    {"leading blank lines", "\n\n   {\"a\": 1}\n\n", true},
    {"numbers",
     R"({"a": 0, "b": -0, "c": 1.5, "d": -1e3, "e": 1E+2, "f": 2.5e-3,
        "g": 123456789012345678901234567890, "h": 18446744073709551615,
        "i": -9223372036854775808, "j": 1e999, "k": 9223372036854775807})",
     true},
    {"strings that YAML would resolve", R"({"a": "yes", "b": "1", "c": "~",
        "d": "0x1F", "e": "", "f": "null", "g": "1.5"})",
     true},
    {"escapes", R"({"a": "x \"y\" \\ \/ \n \t \u00e9 \u20ac end"})", true},
    {"unicode", "{\"ü\": \"é€😀\", \"b\": [\"ä\", {\"ö\": 1}]}", true},
    {"pointer escapes", R"({"a/b": {"c~d": 1}, "": 2})", true},
    {"colon and hash in strings", R"({"a": "b: c # d", "e": "- f"})", true},
    // Left to the general reader:
    {"array root", "[1, 2]", false},
    {"scalar root", "\"x\"", false},
    {"two objects", "{\"a\": 1}\n{\"b\": 2}\n", false},
    {"document marker", "---\n{\"a\": 1}\n", false},
    {"trailing text", "{\"a\": 1} # comment\n", false},
    {"duplicate key", R"({"a": 1, "a": 2})", false},
    {"trailing comma", R"({"a": [1, 2,]})", false},
    {"missing comma", R"({"a": 1 "b": 2})", false},
    {"unquoted key", R"({a: 1})", false},
    {"single quotes", R"({"a": 'x'})", false},
    {"leading zero", R"({"a": 007})", false},
    {"plus sign", R"({"a": +1})", false},
    {"bare dot", R"({"a": .5})", false},
    {"hex", R"({"a": 0x10})", false},
    {"yaml boolean", R"({"a": yes})", false},
    {"literal run-on", R"({"a": truex})", false},
    {"tab between tokens", "{\"a\":\t1}", false},
    {"crlf", "{\"a\": 1}\r\n", false},
    {"control escape", R"({"a": "x\by"})", false},
    {"surrogate pair", R"({"a": "\ud83d\ude00"})", false},
    {"raw tab in string", "{\"a\": \"x\ty\"}", false},
    {"unterminated", R"({"a": "x)", false},
    {"unclosed", R"({"a": 1)", false},
    {"nan", R"({"a": NaN})", false},
    // Found by fuzzing: YAML ends an implicit key at the end of its line.
    {"line break before the colon", "{\"a\"\n: 1}", false},
    {"line break after the colon", "{\"a\":\n  1}", true},
    {"lines at column 0", "{\n\"a\": [\n1,\n2\n],\n\"b\":\n{\"c\": 1}\n}",
     true},
};

TEST(JsonReaderTest, CornerCasesReadAsTheGeneralReaderReadsThem) {
  for (const Case& c : kCases) {
    EXPECT_EQ(ExpectSameAsGeneral(c.text, c.name), c.handled) << c.name;
  }
}

TEST(JsonReaderTest, LeavesDepthAtTheLimitToTheGeneralReader) {
  const std::string text = R"({"a": {"b": {"c": [{"d": 1}]}}})";
  YamlLimits limits;
  limits.max_depth = 4;
  EXPECT_FALSE(internal::ReadJsonObject(text, limits).has_value());
  EXPECT_FALSE(ReadYaml(text, limits).error.ok());
  ExpectSameAsGeneral(text, "depth 4", limits);
  limits.max_depth = 5;
  EXPECT_TRUE(ExpectSameAsGeneral(text, "depth 5", limits));
}

TEST(JsonReaderTest, LeavesVeryLongKeysToTheGeneralReader) {
  const std::string key(1500, 'k');
  EXPECT_FALSE(ExpectSameAsGeneral("{\"" + key + "\": 1}", "long key"));
  EXPECT_TRUE(ExpectSameAsGeneral("{\"" + key.substr(0, 900) + "\": 1}",
                                  "900-character key"));
}

}  // namespace
}  // namespace rayguard::manifest
