#include "webhook/core/field_error.h"

#include <gtest/gtest.h>

namespace rayguard {
namespace {

TEST(FieldErrorTest, WordsMessagesLikeKubernetes) {
  FieldPath p("spec.workerGroupSpecs[0].minReplicas");
  Finding f = field_error::Invalid("kuberay/x", p, 5,
                                   "must be less than or equal to maxReplicas (2)");
  EXPECT_EQ(f.ToString(),
            "spec.workerGroupSpecs[0].minReplicas: Invalid value: 5: must be "
            "less than or equal to maxReplicas (2)");
  EXPECT_EQ(f.type, "Invalid");
  EXPECT_EQ(f.rule, "kuberay/x");

  EXPECT_EQ(field_error::NotSupported("schema", FieldPath("a"), "x", {"b", "c"})
                .message,
            "Unsupported value: \"x\": supported values: \"b\", \"c\"");
  EXPECT_EQ(field_error::Required("schema", FieldPath("a"), "").message,
            "Required value");
  EXPECT_EQ(field_error::Duplicate("schema", FieldPath("a"), "g").message,
            "Duplicate value: \"g\"");
}

TEST(FieldErrorTest, NeverEchoesOmittedValues) {
  Finding f = field_error::Invalid("r", FieldPath("env[0].value"),
                                   field_error::kOmitted, "must not be set");
  EXPECT_EQ(f.message, "Invalid value: must not be set");
}

TEST(FieldErrorTest, TruncatesLongValues) {
  std::string rendered = field_error::RenderValue(std::string(500, 'x'));
  EXPECT_EQ(rendered.size(), 83u);
  EXPECT_EQ(rendered.substr(80), "...");
}

}  // namespace
}  // namespace rayguard
