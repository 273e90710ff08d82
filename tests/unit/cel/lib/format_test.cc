// String format() in both dialects and the Kubernetes named formats, one
// table row per behaviour. `fmt` is bound to a string variable, so rows
// using it reach evaluation instead of the compile-time literal check.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/cel/expect_eval.h"
#include "webhook/cel/cel.h"

namespace rayguard::cel {
namespace {

struct Row {
  std::string expr;
  std::string expected;  // DebugString, or "error: <substring>", or
                         // "compile: <substring>"
  int strings_version = 2;
};

void PrintTo(const Row& row, std::ostream* os) { *os << row.expr; }

class FormatTest : public ::testing::TestWithParam<Row> {};

TEST_P(FormatTest, Evaluates) {
  const Row& row = GetParam();
  Env env = Env::Admission();
  env.variables.push_back("fmt");
  env.strings_version = row.strings_version;
  Activation act;
  act.Bind("fmt", Value::String("%d and %s"));
  ExpectEval(row.expr, row.expected, env, act);
}

INSTANTIATE_TEST_SUITE_P(
    KubernetesClauses, FormatTest,
    ::testing::Values(
        Row{"'%s is %d'.format(['x', 3])", "\"x is 3\""},
        Row{"'100%% %s'.format(['sure'])", "\"100% sure\""},
        Row{"'%d'.format([18446744073709551615u])",
            "\"18446744073709551615\""},
        Row{"'%d'.format([-9223372036854775808])",
            "\"-9223372036854775808\""},
        Row{"'%f / %.2f / %.0f'.format([1.5, 2.345, 2.5])",
            "\"1.500000 / 2.35 / 2\""},
        Row{"'%f'.format([1234567.5])", "\"1,234,567.500000\""},
        Row{"'%e'.format([-0.000123])", "\"-1.230000×10⁻⁰⁴\""},
        Row{"'%f %f'.format(['NaN', '-Infinity'])", "\"NaN -∞\""},
        Row{"'%b %b %b'.format([true, 5u, -5])", "\"1 101 -101\""},
        Row{"'%o'.format([-8])", "\"-10\""},
        Row{"'%x %X'.format([255, 255u])", "\"ff FF\""},
        Row{"'%x'.format([b'\\x01\\xff'])", "\"01ff\""},
        Row{"'%X'.format(['hi'])", "\"6869\""},
        Row{"'%s'.format([{'b': 2, 'a': 1}])", "\"{\\\"a\\\":1, \\\"b\\\":2}\""},
        Row{"'%s'.format([['a', b'b', 1.5, null, true]])",
            "\"[\\\"a\\\", b\\\"b\\\", 1.500000, null, true]\""},
        Row{"'%s'.format([[duration('90s')]])",
            "\"[duration(\\\"90s\\\")]\""},
        Row{"'%s %s'.format([1e21, int])", "\"1e+21 int\""},
        Row{"'%s'.format([optional.none()])", "error: string clause"},
        Row{"'%s %s'.format(['one'])", "compile: index 1 out of range"},
        Row{"'%q'.format([1])", "compile: unrecognized formatting clause"},
        Row{"'%.3d'.format([1])", "compile: precision"},
        Row{"'50%'.format([])", "compile: unexpected end of string"},
        Row{"'%d'.format([1.0])", "compile: decimal clause"},
        Row{"'%f'.format([1])", "compile: fixed-point clause"},
        Row{"'%o'.format(['a'])", "compile: octal clause"},
        Row{"'%x'.format([1.5])", "compile: formatted as hex"},
        Row{"fmt.format([2, 'b'])", "\"2 and b\""},
        Row{"fmt.format([2.5, 'b'])", "error: decimal clause"},
        Row{"fmt.format([2])", "error: index 1 out of range"},
        // As in cel-go, format() arguments are exempt from the
        // homogeneous-literal rule; other list literals are not.
        Row{"'%s %d'.format(['a', 1])", "\"a 1\""},
        Row{"['a', 1].size()", "compile: expected type"},
        Row{"'abc'.reverse()", "compile: no such overload"}));

INSTANTIATE_TEST_SUITE_P(
    CelSpecDialect, FormatTest,
    ::testing::Values(
        Row{"'%s'.format([['a', 1.5, [2]]])", "\"[a, 1.5, [2]]\"", 4},
        Row{"'%s'.format([{'b': 2, 'a': 'x'}])", "\"{a: x, b: 2}\"", 4},
        Row{"'%f %e'.format([2, 3u])", "\"2.000000 3.000000e+00\"", 4},
        Row{"'%f'.format([1234567.5])", "\"1234567.500000\"", 4},
        Row{"'%d %e'.format([double('-Inf'), double('NaN')])",
            "\"-Infinity NaN\"", 4},
        Row{"'%d'.format([1.5])", "compile: decimal clause", 4},
        Row{"'abc☺'.reverse()", "\"☺cba\"", 3}));

INSTANTIATE_TEST_SUITE_P(
    NamedFormats, FormatTest,
    ::testing::Values(
        Row{"format.named('dns1123Label').value() == format.dns1123Label()",
            "true"},
        Row{"format.named('DNS1123Label')", "optional.none()"},
        Row{"format.dns1123Label() == format.uri()", "false"},
        Row{"format.dns1123Label().validate('ray-head')", "optional.none()"},
        Row{"format.dns1123Label().validate('ray.head')",
            "optional.of([\"must not contain dots\"])"},
        Row{"format.dns1123Label().validate("
            "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')"
            ".value()[0]",
            "\"must be no more than 63 characters\""},
        Row{"format.dns1035Label().validate('1abc').hasValue()", "true"},
        Row{"format.dns1123Subdomain().validate('ray.io')", "optional.none()"},
        Row{"format.qualifiedName().validate('ray.io/node-type')",
            "optional.none()"},
        Row{"format.qualifiedName().validate('/x').value()",
            "[\"prefix part must be non-empty\"]"},
        Row{"format.qualifiedName().validate('a/b/c').value()[0]"
            ".startsWith('a qualified name must consist')",
            "true"},
        Row{"format.labelValue().validate('')", "optional.none()"},
        Row{"format.dns1035LabelPrefix().validate('worker-')",
            "optional.none()"},
        Row{"format.uri().validate('/relative/path')", "optional.none()"},
        Row{"format.uri().validate('no-scheme').hasValue()", "true"},
        Row{"format.uuid().validate('123E4567E89B12D3A456426614174000')",
            "optional.none()"},
        Row{"format.uuid().validate('123e4567')",
            "optional.of([\"does not match the UUID format\"])"},
        Row{"format.byte().validate('aGk=')", "optional.none()"},
        Row{"format.date().validate('2024-02-29')", "optional.none()"},
        Row{"format.date().validate('2023-02-29')",
            "optional.of([\"invalid date\"])"},
        Row{"format.datetime().validate('2023-04-31T00:00:00Z')",
            "optional.of([\"invalid datetime\"])"},
        Row{"format.datetime().validate('2023-04-30T10:00:00.5+02:00')",
            "optional.none()"}));

}  // namespace
}  // namespace rayguard::cel
