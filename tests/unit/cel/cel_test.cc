// Core language semantics, as tables of expression -> expected result.

#include "webhook/cel/cel.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rayguard::cel {
namespace {

using ::testing::HasSubstr;

Value EvalOrDie(const std::string& expr, const Env& env = Env()) {
  auto program = Compile(expr, env);
  EXPECT_TRUE(program.ok()) << expr << ": " << program.status().message();
  if (!program.ok()) return Value::Error("compile failed");
  Activation act;
  return (*program)->Eval(act);
}

struct Case {
  std::string expr;
  std::string expected;  // DebugString of the result, or "error: <substr>"
};

class CoreSemanticsTest : public ::testing::TestWithParam<Case> {};

TEST_P(CoreSemanticsTest, EvaluatesToExpectedValue) {
  Env env;
  env.kubernetes_restrictions = false;
  Value v = EvalOrDie(GetParam().expr, env);
  if (GetParam().expected.rfind("error: ", 0) == 0) {
    ASSERT_TRUE(v.IsError()) << GetParam().expr << " gave " << v.DebugString();
    EXPECT_THAT(std::string(v.error_message()),
                HasSubstr(GetParam().expected.substr(7)));
  } else {
    EXPECT_EQ(v.DebugString(), GetParam().expected) << GetParam().expr;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, CoreSemanticsTest,
    ::testing::Values(
        Case{"1 + 2 * 3", "7"}, Case{"(1 + 2) * 3", "9"},
        Case{"-9223372036854775808", "-9223372036854775808"},
        Case{"9223372036854775807 + 1", "error: overflow"},
        Case{"7 / 0", "error: division by zero"}, Case{"7 % 3", "1"},
        Case{"3u * 2u", "6u"}, Case{"1.5 + 2.0", "3.5"},
        Case{"1 == 1.0", "true"}, Case{"1u < 2", "true"},
        Case{"'abc' + 'def'", "\"abcdef\""}, Case{"size('héllo')", "5"},
        Case{"[1, 2] + [3]", "[1, 2, 3]"}, Case{"{'a': 1}['a']", "1"},
        Case{"{'a': 1}['b']", "error: no such key"},
        Case{"false && (1 / 0 == 1)", "false"},
        Case{"(1 / 0 == 1) || true", "true"},
        Case{"true ? 'y' : 'n'", "\"y\""}, Case{"2 in [1, 2]", "true"},
        Case{"[1, 2, 3].all(x, x > 0)", "true"},
        Case{"[1, 2, 3].exists(x, x > 2)", "true"},
        Case{"[1, 2, 3].exists_one(x, x > 1)", "false"},
        Case{"[1, 2, 3].map(x, x * 2)", "[2, 4, 6]"},
        Case{"[1, 2, 3].map(x, x > 1, x * 2)", "[4, 6]"},
        Case{"[1, 2, 3].filter(x, x != 2)", "[1, 3]"},
        Case{"{'a': 1, 'b': 2}.all(k, v, v > 0)", "true"},
        Case{"[1, 0].all(x, 1 / x > 0)", "error: division by zero"},
        Case{"[0, 1].exists(x, 1 / x > 0)", "true"},
        Case{"has({'a': 1}.a)", "true"}, Case{"has({'a': 1}.b)", "false"},
        Case{"int('42')", "42"}, Case{"uint(-1)", "error: range"},
        Case{"string(1.5)", "\"1.5\""}, Case{"double('2.5')", "2.5"},
        Case{"type(1) == int", "true"}, Case{"type(int)", "type"},
        Case{"'hello'.startsWith('he') && 'hello'.endsWith('lo')", "true"},
        Case{"'hello'.matches('^h.*o$')", "true"},
        Case{"duration('1h30m') == duration('90m')", "true"},
        Case{"timestamp('2024-01-02T03:04:05Z').getFullYear()", "2024"},
        Case{"timestamp('2024-01-02T03:04:05Z').getHours('+02:00')", "5"},
        Case{"{'a': 1}.?a", "optional.of(1)"},
        Case{"{'a': 1}.?b.orValue(7)", "7"},
        Case{"optional.of(1).hasValue()", "true"},
        Case{"[1, ?optional.none(), ?optional.of(2)]", "[1, 2]"},
        Case{"{'a': {'b': 1}}.a.b", "1"},
        Case{"{'content-type': 'x'}.`content-type`", "\"x\""}));

TEST(CompileTest, SyntaxErrorNamesLineAndColumnWithCaret) {
  auto p = Compile("1 +\n  * 2", Env());
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(p.status().message(), HasSubstr("<input>:2:3: Syntax error"));
  EXPECT_THAT(p.status().message(), HasSubstr(" |   * 2\n | ..^"));
}

// A character the grammar does not know is named whole, never as the first
// byte of its UTF-8 sequence (the message must stay valid UTF-8).
TEST(CompileTest, UnknownCharacterIsNamedWhole) {
  auto p = Compile("1 \u06a5 2", Env());
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(p.status().message(),
              HasSubstr("token recognition error at: '\u06a5'"));
  auto q = Compile("1 \u00e9", Env());
  ASSERT_FALSE(q.ok());
  EXPECT_THAT(q.status().message(),
              HasSubstr("token recognition error at: '\u00e9'"));
  auto e = Compile("'\\\u0430'", Env());
  ASSERT_FALSE(e.ok());
  EXPECT_THAT(e.status().message(),
              HasSubstr("invalid escape sequence '\\\u0430'"));
}

TEST(CompileTest, UndeclaredVariableIsACompileError) {
  auto p = Compile("objekt.spec", Env::Admission());
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(p.status().message(),
              HasSubstr("undeclared reference to 'objekt'"));
}

TEST(CompileTest, UnknownFunctionIsACompileError) {
  auto p = Compile("object.spec.frobnicate()", Env::Admission());
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(p.status().message(),
              HasSubstr("undeclared reference to 'frobnicate'"));
}

TEST(CompileTest, RejectsMixedTypeListLiteralLikeKubernetes) {
  EXPECT_FALSE(Compile("[1, 'a']", Env::Admission()).ok());
  EXPECT_TRUE(Compile("[1, 2]", Env::Admission()).ok());
}

TEST(CompileTest, DeepNestingFailsInsteadOfExhaustingTheStack) {
  std::string deep(100000, '(');
  auto p = Compile(deep + "1" + std::string(100000, ')'), Env());
  ASSERT_FALSE(p.ok());
  std::string chain = "1";
  for (int i = 0; i < 20000; ++i) chain += " + 1";
  EXPECT_FALSE(Compile(chain, Env()).ok());
}

TEST(CompileTest, OverLongExpressionIsRejected) {
  Env env;
  env.max_expression_length = 10;
  EXPECT_FALSE(Compile("1 + 2 + 3 + 4", env).ok());
}

TEST(EvalTest, CostLimitStopsRunawayComprehensions) {
  Env env;
  env.cost_limit = 10000;
  auto p = Compile(
      "[1,2,3,4,5,6,7,8,9,10].all(a, [1,2,3,4,5,6,7,8,9,10].all(b, "
      "[1,2,3,4,5,6,7,8,9,10].all(c, [1,2,3,4,5,6,7,8,9,10].all(d, "
      "a + b + c + d > 0))))",
      env);
  ASSERT_TRUE(p.ok()) << p.status().message();
  Activation act;
  Value v = (*p)->Eval(act);
  ASSERT_TRUE(v.IsError());
  EXPECT_THAT(std::string(v.error_message()), HasSubstr("cost limit exceeded"));
}

TEST(MutationTest, BuildsApplyConfigurationAndJsonPatchObjects) {
  auto p = Compile(
      "Object{spec: Object.spec{suspend: true}}", Env::Mutation());
  ASSERT_TRUE(p.ok()) << p.status().message();
  Activation act;
  Value v = (*p)->Eval(act);
  ASSERT_EQ(v.kind(), Value::Kind::kObject);
  EXPECT_EQ(v.ToJson()->dump(), R"({"spec":{"suspend":true}})");

  auto patch = Compile(
      "JSONPatch{op: 'add', path: '/metadata/labels/' + "
      "jsonpatch.escapeKey('ray.io/node-type'), value: 'head'}",
      Env::Mutation());
  ASSERT_TRUE(patch.ok()) << patch.status().message();
  Value pv = (*patch)->Eval(act);
  EXPECT_EQ(pv.ToJson()->dump(),
            R"({"op":"add","path":"/metadata/labels/ray.io~1node-type","value":"head"})");
}

TEST(MutationTest, ObjectConstructionNeedsTheMutationEnvironment) {
  EXPECT_FALSE(Compile("Object{}", Env::Admission()).ok());
  EXPECT_FALSE(Compile("jsonpatch.escapeKey('a')", Env::Admission()).ok());
}

}  // namespace
}  // namespace rayguard::cel
