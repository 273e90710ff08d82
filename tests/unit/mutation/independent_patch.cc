#include "tests/unit/mutation/independent_patch.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/testing/fixtures.h"

namespace rayguard::testing {

std::vector<nlohmann::json> ApplyIndependently(
    const std::vector<PatchCase>& cases) {
  nlohmann::json input = nlohmann::json::array();
  for (const PatchCase& c : cases) {
    input.push_back({{"document", c.document}, {"patch", c.patch}});
  }
  std::filesystem::path file =
      std::filesystem::temp_directory_path() /
      ("rayguard-patch-" + std::to_string(::getpid()) + ".json");
  std::ofstream(file) << input.dump();
  // Debian's interpreter, where python3-jsonpatch is installed.
  std::string command = "/usr/bin/python3 " +
                        SourcePath("tests/tools/apply_json_patch.py") + " " +
                        file.string();
  std::string output;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char buffer[4096];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
      output.append(buffer, n);
    }
    int rc = ::pclose(pipe);
    EXPECT_EQ(rc, 0) << command;
  } else {
    ADD_FAILURE() << "cannot run " << command;
  }
  std::filesystem::remove(file);
  nlohmann::json parsed = nlohmann::json::parse(output, nullptr, false);
  if (!parsed.is_array() || parsed.size() != cases.size()) {
    ADD_FAILURE() << "unexpected output from python3-jsonpatch: " << output;
    return std::vector<nlohmann::json>(cases.size());
  }
  return parsed.get<std::vector<nlohmann::json>>();
}

}  // namespace rayguard::testing
