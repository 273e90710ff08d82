#include "webhook/core/redaction.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "webhook/core/field_error.h"

namespace rayguard::redaction {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(RedactionTest, SecretPathsAreJudgedAtEveryStep) {
  struct Case {
    const char* path;
    bool secret;
  };
  const Case cases[] = {
      {"spec.headGroupSpec.rayStartParams[redis-password]", true},
      {"spec.workerGroupSpecs[0].rayStartParams[REDIS_PASSWORD].x", true},
      {"spec.gcsFaultToleranceOptions.redisPassword.value", true},
      {"spec.headGroupSpec.template.spec.containers[0].env[3]", true},
      {"spec.headGroupSpec.template.spec.containers[0].env[3].value", true},
      {"spec.headGroupSpec.template.spec.containers[0].env", true},
      {"spec.headGroupSpec.template.spec.containers[1].command[0]", true},
      {"spec.headGroupSpec.template.spec.initContainers[0].args", true},
      {"spec.runtimeEnvYAML", true},
      {"metadata.annotations[example.com/api-key]", true},
      {"spec.authOptions.secretName", true},
      {"metadata.labels[ray.io/node-type]", false},
      {"spec.workerGroupSpecs[0].minReplicas", false},
      {"spec.headGroupSpec.template.spec.containers[0].envFrom[0]", false},
      {"spec.headGroupSpec.template.spec.tolerations[0].value", false},
      {"", false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(IsSecretPath(c.path), c.secret) << c.path;
  }
}

TEST(RedactionTest, DescribesTypeAndLengthOnly) {
  EXPECT_EQ(Describe("hunter2"), "<redacted: string, 7 bytes>");
  EXPECT_EQ(Describe(31337), "<redacted: number, 5 digits>");
  EXPECT_EQ(Describe(json::array({"a", "b"})), "<redacted: array, 2 items>");
  EXPECT_EQ(Describe(json{{"a", 1}}), "<redacted: object, 1 key>");
  EXPECT_EQ(Describe(true), "<redacted: boolean>");
}

TEST(RedactionTest, ShownHidesSecretsInsideAnEnclosingValue) {
  json container = {{"name", "ray-head"},
                    {"env", {{{"name", "DB_PASSWORD"}, {"value", "hunter2"}}}},
                    {"command", {"ray", "start", "--redis-password=31337"}}};
  const std::string shown =
      Shown("spec.headGroupSpec.template.spec.containers[0]", container).dump();
  EXPECT_THAT(shown, HasSubstr("ray-head"));
  EXPECT_THAT(shown, Not(HasSubstr("hunter2")));
  EXPECT_THAT(shown, Not(HasSubstr("31337")));
  EXPECT_THAT(shown, Not(HasSubstr("DB_PASSWORD")));
  EXPECT_EQ(Shown("spec.workerGroupSpecs[0].replicas", 3), 3);
}

TEST(RedactionTest, FieldErrorsNeverQuoteASecretValue) {
  Finding f = field_error::Invalid("kuberay/x",
                                   FieldPath("spec")
                                       .Child("headGroupSpec")
                                       .Child("rayStartParams")
                                       .Key("redis-password"),
                                   31337, "must be a string");
  EXPECT_EQ(f.message,
            "Invalid value: <redacted: number, 5 digits>: must be a string");
  Finding env = field_error::TypeInvalid(
      "schema", FieldPath("spec.template.spec.containers[0].env[0]"),
      "DB_PASSWORD=hunter2", "must be of type object");
  EXPECT_THAT(env.message, Not(HasSubstr("hunter2")));
  EXPECT_THAT(env.message, HasSubstr("<redacted: string, 19 bytes>"));
  Finding dup = field_error::Duplicate(
      "schema", FieldPath("spec.template.spec.containers[0].args[1]"),
      "s3cr3t!");
  EXPECT_THAT(dup.message, Not(HasSubstr("s3cr3t")));
  Finding plain = field_error::Invalid(
      "kuberay/x", FieldPath("spec.workerGroupSpecs[0].minReplicas"), 5,
      "must be less than or equal to maxReplicas (2)");
  EXPECT_EQ(plain.message,
            "Invalid value: 5: must be less than or equal to maxReplicas (2)");
}

TEST(RedactionTest, ScrubberReplacesSecretValuesQuotedInFreeText) {
  Scrubber s;
  s.Collect({{"spec",
              {{"rayStartParams", {{"redis-password", "31337"}}},
               {"env",
                {"DB_PASSWORD=hunter2",
                 {{"name", "REDIS_PASSWORD"}, {"value", "tr\"icky"}}}},
               {"image", "rayproject/ray:2.52.0"}}}});
  EXPECT_EQ(s.Scrub("password 31337 is weak"),
            "password <redacted: string, 5 bytes> is weak");
  EXPECT_EQ(s.Scrub("env DB_PASSWORD=hunter2 and hunter2"),
            "env <redacted: string, 19 bytes> and <redacted: string, 7 bytes>");
  // JSON-escaped as a policy's string() of a map prints it.
  EXPECT_EQ(s.Scrub(R"({"value":"tr\"icky"})"),
            R"({"value":"<redacted: string, 7 bytes>"})");
  // Whole words only, and identifiers stay.
  EXPECT_EQ(s.Scrub("1313373 REDIS_PASSWORD rayproject/ray:2.52.0"),
            "1313373 REDIS_PASSWORD rayproject/ray:2.52.0");
}

TEST(RedactionTest, ScrubberIgnoresShortValuesAndObjectsWithoutSecrets) {
  Scrubber s;
  s.Collect({{"env", {{{"name", "A"}, {"value", "1"}}}}});
  s.Collect(nullptr);
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.Scrub("1 is fine"), "1 is fine");
}

}  // namespace
}  // namespace rayguard::redaction
