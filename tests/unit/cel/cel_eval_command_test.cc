// Runs the built `rayguard cel eval` as a user would.

#include <sys/wait.h>

#include <cstdio>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/fixtures.h"

namespace rayguard {
namespace {

using ::testing::HasSubstr;

struct CliRun {
  int exit_code;
  std::string out;
};

CliRun RayguardCelEval(const std::string& args) {
  std::string cmd = testing::BinaryPath() + " cel eval " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int status = pclose(p);
  return {WEXITSTATUS(status), out};
}

std::string Sample() {
  return testing::FixturePath("samples/ray-cluster.complete.yaml");
}

TEST(CelEvalCommandTest, EvaluatesOverAManifestAsJson) {
  CliRun r = RayguardCelEval(
      "-o json 'object.spec.workerGroupSpecs.map(g, g.groupName)' --object " +
      Sample());
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out, "{\"type\":\"list\",\"value\":[\"small-group\"]}\n");
}

TEST(CelEvalCommandTest, ReportsCompileErrorsWithColumn) {
  CliRun r = RayguardCelEval("-o json 'object.spec +'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.out, HasSubstr("\"stage\":\"compile\""));
  EXPECT_THAT(r.out, HasSubstr("<input>:1:14"));
}

TEST(CelEvalCommandTest, ReportsEvaluationErrors) {
  CliRun r = RayguardCelEval("-o json \"{'a': 1}.b\"");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out,
            "{\"error\":\"<input>:1:9: no such key: b\\n | {'a': 1}.b\\n"
            " | ........^\",\"stage\":\"eval\"}\n");
}

TEST(CelEvalCommandTest, PointsAtTheSubExpressionThatFailed) {
  CliRun r = RayguardCelEval(
      "'object.spec.workerGroupSpecs.all(g, g.scaleStrategy.size() > 0)' "
      "--object " + Sample());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("eval error: <input>:1:38: no such key: "
                               "scaleStrategy\n"));
  EXPECT_THAT(r.out, HasSubstr("\n | .....................................^"));
}

TEST(CelEvalCommandTest, BindsVariablesFromJson) {
  CliRun r = RayguardCelEval(
      "\"quantity('1Gi').isGreaterThan(quantity(variables.m))\" --var "
      "'m=\"512Mi\"'");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out, "true\n");
}

}  // namespace
}  // namespace rayguard
