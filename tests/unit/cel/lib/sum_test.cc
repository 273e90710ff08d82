// sum() of an empty list is the zero of the element type where the
// Kubernetes type checker knows it (list(double) -> 0.0), int 0 for dyn or
// unknown element types; and the element types the engine infers for that.

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

class SumTest : public ::testing::TestWithParam<Row> {};

TEST_P(SumTest, MatchesKubernetes) {
  ExpectEval(GetParam().expr, GetParam().expected, Env::Admission(),
             Activation());
}

INSTANTIATE_TEST_SUITE_P(
    EmptyListZero, SumTest,
    ::testing::Values(
        Row{"[1.0].filter(x, false).sum()", "0.0"},
        Row{"[1u].filter(x, false).sum()", "0u"},
        Row{"[duration('1s')].filter(x, false).sum()", "duration(\"0s\")"},
        Row{"[1].filter(x, false).sum()", "0"}, Row{"[].sum()", "0"},
        // dyn and unknown element types keep int 0.
        Row{"[dyn(1.0)].filter(x, false).sum()", "0"},
        Row{"[1.0, 'a'].filter(x, false).size()", "compile: expected type"},
        // Through map, filter, sortBy, transformList, indexes and
        // arithmetic on comprehension variables.
        Row{"[1.0, 2.0].map(x, x * 2.0).filter(x, x > 10.0).sum()", "0.0"},
        Row{"[1, 2].map(x, double(x)).filter(x, x > 10.0).sum()", "0.0"},
        Row{"[1, 2].map(x, x > 5, uint(x)).sum()", "0u"},
        Row{"[[1.0]].map(l, l[0]).filter(x, false).sum()", "0.0"},
        Row{"{'a': 1.0}.map(k, {'a': 1.0}[k]).filter(x, false).sum()", "0.0"},
        Row{"[2.0, 1.0].sortBy(x, x).filter(x, false).sum()", "0.0"},
        Row{"[1.0].transformList(i, v, -v).filter(x, false).sum()", "0.0"},
        // cel.bind is not part of the API server's environment.
        Row{"cel.bind(l, [2.5], l.filter(x, x < 0.0)).sum()",
            "compile: undeclared reference to 'cel' (in container '')"},
        Row{"[timestamp('2024-01-01T00:00:00Z')].map(t, "
            "t - timestamp('2023-01-01T00:00:00Z')).filter(d, false).sum()",
            "duration(\"0s\")"},
        Row{"[[1.0]].map(l, l.filter(x, false).sum())", "[0.0]"},
        // Non-empty lists sum as before.
        Row{"[1.0, 2.5].sum()", "3.5"}, Row{"[1u, 2u].sum()", "3u"},
        Row{"[duration('1s'), duration('2s')].sum()", "duration(\"3s\")"}));

// Comprehension variables carry their element type into literals, so the
// Kubernetes rule against mixed-type literals sees through them.
INSTANTIATE_TEST_SUITE_P(
    VariableTypes, SumTest,
    ::testing::Values(Row{"[1.0].map(x, [x, 1])",
                          "compile: expected type 'double'"},
                      Row{"{'a': 1}.all(k, v, [k, v].size() == 2)",
                          "compile: expected type 'string' but found 'int'"},
                      Row{"[1].map(x, [x, 2])", "[[1, 2]]"},
                      Row{"[dyn(1)].map(x, [x, 'a']).size()", "1"}));

}  // namespace
}  // namespace rayguard::cel
