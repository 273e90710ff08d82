#include "tests/unit/cel/expect_eval.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rayguard::cel {

void ExpectEval(const std::string& expr, const std::string& expected,
                const Env& env, const Activation& activation) {
  auto p = Compile(expr, env);
  if (expected == "compile" || expected.starts_with("compile: ")) {
    ASSERT_FALSE(p.ok()) << expr << " compiled";
    if (expected != "compile") {
      EXPECT_THAT(p.status().message(),
                  ::testing::HasSubstr(expected.substr(9)));
    }
    return;
  }
  ASSERT_TRUE(p.ok()) << expr << ": " << p.status().message();
  Value v = (*p)->Eval(activation);
  if (expected.starts_with("error: ")) {
    ASSERT_TRUE(v.IsError()) << expr << " gave " << v.DebugString();
    EXPECT_THAT(std::string(v.error_message()),
                ::testing::HasSubstr(expected.substr(7)));
  } else {
    EXPECT_EQ(v.DebugString(), expected) << expr;
  }
}

}  // namespace rayguard::cel
