#include "tests/deploy/deploy_testing.h"

#include <gtest/gtest.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/testing/fixtures.h"

namespace rayguard::testing {

CommandOutput RunCommand(const std::string& command) {
  CommandOutput result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    result.output.append(buffer.data(), n);
  }
  int status = pclose(pipe);
  if (status != -1 && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  return result;
}

std::string ShellQuote(const std::string& arg) {
  std::string quoted = "'";
  for (char c : arg) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

std::string FindProgram(const std::string& program) {
  const char* path = getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    std::string candidate = dir + "/" + program;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

TempDir::TempDir() {
  std::string tmpl =
      (std::filesystem::temp_directory_path() / "rayguard-deploy-XXXXXX")
          .string();
  if (mkdtemp(tmpl.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp failed for " << tmpl;
  }
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::vector<nlohmann::json> Kustomize(const std::string& dir) {
  TempDir tmp;
  std::string out = tmp.path() + "/built.yaml";
  CommandOutput run = RunCommand("kubectl kustomize " + ShellQuote(dir) +
                                 " > " + ShellQuote(out));
  if (run.exit_code != 0) {
    ADD_FAILURE() << "kubectl kustomize " << dir << " failed:\n" << run.output;
    return {};
  }
  std::vector<nlohmann::json> objects = LoadYamlDocuments(out);
  EXPECT_FALSE(objects.empty())
      << "kubectl kustomize " << dir << " printed no objects";
  return objects;
}

nlohmann::json FindObject(const std::vector<nlohmann::json>& objects,
                          const std::string& kind, const std::string& name) {
  for (const nlohmann::json& object : objects) {
    if (object.value("kind", "") != kind) continue;
    if (!name.empty() && object["metadata"].value("name", "") != name) continue;
    return object;
  }
  return nullptr;
}

}  // namespace rayguard::testing
