// The restrictions the API server's CEL environment adds to plain CEL
// (k8s-libraries.md, "Environment settings"): what must not compile there
// must not compile here, and what must keep working keeps working.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/cel/expect_eval.h"
#include "webhook/cel/cel.h"

namespace rayguard::cel {
namespace {

struct Row {
  std::string expr;
  std::string expected;  // DebugString, or "compile: <substring>"
};

void PrintTo(const Row& row, std::ostream* os) { *os << row.expr; }

class KubernetesRestrictionsTest : public ::testing::TestWithParam<Row> {};

TEST_P(KubernetesRestrictionsTest, BehavesAsTheApiServer) {
  ExpectEval(GetParam().expr, GetParam().expected, Env::Admission(),
             Activation());
}

INSTANTIATE_TEST_SUITE_P(
    HomogeneousLiterals, KubernetesRestrictionsTest,
    ::testing::Values(
        Row{"[1, 'a']", "compile: expected type 'int' but found 'string'"},
        Row{"[1, 2.0]", "compile: expected type 'int' but found 'double'"},
        Row{"[1, 2u]", "compile: expected type 'int' but found 'uint'"},
        Row{"{'a': 1, 'b': 'x'}", "compile: expected type 'int'"},
        Row{"{1: 'a', 'b': 'x'}", "compile: expected type 'int'"},
        Row{"[duration('1s'), 1]",
            "compile: expected type 'google.protobuf.Duration'"},
        Row{"[[1], ['a']]",
            "compile: expected type 'list(int)' but found 'list(string)'"},
        Row{"[{'a': 1}, {'a': true}]", "compile: expected type 'map(string, int)'"},
        Row{"[string(1), 'b']", "[\"1\", \"b\"]"},
        Row{"[[1], []]", "[[1], []]"},
        Row{"[timestamp('2024-01-01T00:00:00Z'), timestamp(0)].size()", "2"},
        Row{"[1, 2].exists(x, x in [x, 3])", "true"},
        Row{"'%s %d'.format(['a', 1])", "\"a 1\""}));

INSTANTIATE_TEST_SUITE_P(
    LiteralValidation, KubernetesRestrictionsTest,
    ::testing::Values(
        // cel-go v0.26.0 cel/validator.go words, at the literal.
        Row{"duration('1x')", "compile: <input>:1:10: invalid duration argument"},
        Row{"timestamp('yesterday')",
            "compile: <input>:1:11: invalid timestamp argument"},
        Row{"'x'.matches(')')", "compile: <input>:1:13: invalid matches argument"},
        Row{"'x'.find('(')", "compile: error parsing regexp"},
        Row{"'x'.findAll('[', 1)", "compile: error parsing regexp"},
        Row{"quantity('1K')", "compile: "},
        // Calls on literals with no matching overload, in cel-go's
        // checker wording (argument types where they are evident).
        Row{"isQuantity([1])",
            "compile: found no matching overload for 'isQuantity' applied "
            "to '(list(int))'"},
        Row{"[[1]].min()",
            "compile: found no matching overload for 'min' applied to "
            "'list(list(int)).()'"},
        Row{"'a'.startsWith(1)",
            "compile: found no matching overload for 'startsWith' applied "
            "to 'string.(int)'"},
        Row{"duration('90m') == duration('1h30m')", "true"}));

// The libraries of k8s.io/apiserver/pkg/cel/environment/base.go at v1.34.0
// and nothing else: cel-go's bindings, math, encoders (base64) and regex
// extensions are not enabled there, so their names are undeclared, worded
// as cel-go's checker words it.
INSTANTIATE_TEST_SUITE_P(
    OnlyTheApiServersLibraries, KubernetesRestrictionsTest,
    ::testing::Values(
        Row{"cel.bind(x, 1, x + 1)",
            "compile: undeclared reference to 'cel' (in container '')"},
        Row{"math.greatest(1, 2)",
            "compile: undeclared reference to 'math' (in container '')"},
        Row{"math.abs(-1)", "compile: undeclared reference to 'math'"},
        Row{"base64.encode(b'hi')",
            "compile: undeclared reference to 'base64' (in container '')"},
        Row{"regex.extract('ab', 'a')",
            "compile: undeclared reference to 'regex'"},
        // Strings extension version 2, lists version 3, sets: enabled.
        Row{"strings.quote('a') == '\"a\"'", "true"},
        Row{"['a', 'b'].join('-')", "\"a-b\""},
        Row{"[[1], [2]].flatten()", "[1, 2]"},
        Row{"lists.range(3)", "[0, 1, 2]"},
        Row{"[3, 1, 2].sort()", "[1, 2, 3]"},
        Row{"sets.contains([1, 2], [1])", "true"}));

// k8s.io/apiserver/pkg/cel/library/authz.go (v1.34.0) declarations compile
// and type as there; with no authorizer to ask, check() is an error.
INSTANTIATE_TEST_SUITE_P(
    Authorizer, KubernetesRestrictionsTest,
    ::testing::Values(
        Row{"authorizer.group('apps').resource('deployments')"
            ".subresource('scale').namespace('ray').name('x')"
            ".check('update').allowed()",
            "error: authorizer check not available"},
        Row{"authorizer.path('/healthz').check('get').reason()",
            "error: authorizer check not available"},
        Row{"authorizer.serviceAccount('ray', 'kuberay-operator')"
            ".group('').resource('pods').fieldSelector('spec.nodeName=n')"
            ".labelSelector('a=b').check('list').errored()",
            "error: authorizer check not available"},
        Row{"authorizer.requestResource.check('create').allowed()",
            "error: authorizer check not available"},
        Row{"type(authorizer.group('')) == type(authorizer)", "false"},
        // The API server refuses these at compile time; without a type
        // checker they fail when evaluated.
        Row{"authorizer.group(1)", "error: no such overload"},
        Row{"authorizer.check('get')", "error: no such overload"},
        Row{"true || authorizer.path('/').check('get').allowed()", "true"}));

INSTANTIATE_TEST_SUITE_P(
    CrossTypeNumbersAndUtc, KubernetesRestrictionsTest,
    ::testing::Values(
        Row{"1 < 1.5", "true"}, Row{"2u > -1", "true"},
        Row{"3.0 >= 3u", "true"},
        Row{"timestamp('2024-01-01T23:30:00-02:00').getHours()", "1"},
        Row{"timestamp('2024-01-01T23:30:00-02:00').getHours('-02:00')",
            "23"}));

}  // namespace
}  // namespace rayguard::cel
