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
        // Bytes inside a list or map are converted to a string too, so
        // invalid UTF-8 there fails as it does at the top level (the
        // result of format() must stay valid UTF-8).
        Row{"'%s'.format([[b'\\xff']])", "compile: invalid UTF-8 in bytes"},
        Row{"'%s'.format([{1: b'\\xff'}])",
            "compile: invalid UTF-8 in bytes"},
        Row{"'%s'.format([[b'\\xc3\\xa9']])", "\"[b\\\"é\\\"]\""},
        Row{"'%s %s'.format(['one'])", "compile: index 1 out of range"},
        Row{"'%q'.format([1])", "compile: unrecognized formatting clause"},
        // cel-go reads a precision before any verb and ignores it but for
        // %f and %e.
        Row{"'%.3d %.1s'.format([1, 'ab'])", "\"1 ab\""},
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
        Row{"'abc'.reverse()",
            "compile: found no matching overload for 'reverse' applied to "
            "'string.()'"}));

// Figures from the API server's formatter: golang.org/x/text v0.23.0 (what
// Kubernetes 1.34 vendors) message.Printer for en_US, with the format string
// cel-go v0.26.0 ext/formatting.go hands it ("%.<N>f"; "%<N>e", N being a
// width there). Rows marked "formatting_test" are cel-go v0.26.0
// ext/formatting_test.go TestStringFormat cases; their %e expectation has
// narrow no-break spaces around the ×, which that x/text release does not
// print (Kubernetes' own apiextensions validation_test.go expects
// "3.140000×10⁰⁰").
INSTANTIATE_TEST_SUITE_P(
    KubernetesNumbers, FormatTest,
    ::testing::Values(
        Row{"'%.3f'.format([1.2345])", "\"1.234\""},          // formatting_test
        Row{"'%f'.format([2.71828])", "\"2.718280\""},        // formatting_test
        Row{"'%.6e'.format([1052.032911275])", "\"1.052033×10⁰³\""},
        Row{"'%e'.format([3.14])", "\"3.140000×10⁰⁰\""},
        Row{"'%f %f'.format(['Infinity', 'NaN'])", "\"∞ NaN\""},
        Row{"'%.2f'.format([1234567.891])", "\"1,234,567.89\""},
        Row{"'%.0f %.0f %.1f'.format([2.5, 0.5, 0.05])", "\"2 0 0.1\""},
        Row{"'%.2f %f'.format([-0.001, -0.0])", "\"-0.00 0.000000\""},
        Row{"'%.20f'.format([1e22])",
            "\"10,000,000,000,000,000,000,000.00000000000000000000\""},
        Row{"'%.3f'.format([1e23])", "\"99,999,999,999,999,991,611,392.000\""},
        Row{"'%f'.format([1e300]).size()", "408"},
        // Past 255 places the printer keeps N mod 256 as the minimum...
        Row{"'%.256f'.format([1.0])", "\"1\""},
        Row{"'%.255f'.format([1.0]).size()", "257"},
        Row{"'%.300f'.format([0.1])",
            "\"0.1000000000000000055511151231257827021181583404541015625\""},
        Row{"'%.400f'.format([0.1]).size()", "146"},
        Row{"'%.400f'.format([0.1]).startsWith('0.10000000000000000555')",
            "true"},
        // ...N as a signed 16-bit maximum (negative: shortest digits)...
        Row{"'%.65539f'.format([0.123456])", "\"0.123\""},
        Row{"'%.40000f'.format([1e23]).startsWith("
            "'100,000,000,000,000,000,000,000.000')",
            "true"},
        Row{"'%.40000f'.format([1e23]).size()", "96"},
        Row{"'%.10000009f'.format([0.5]).size()", "139"},
        // ...and Go's printf parser gives up past ten million.
        Row{"'%.10000010f'.format([0.5])", "\"%!(NOVERB)\""},
        Row{"'%.99999999999999999999f'.format([1.0])",
            "compile: strconv.Atoi: parsing \"99999999999999999999\": value "
            "out of range"},
        Row{"'%.f'.format([1.0])",
            "compile: strconv.Atoi: parsing \"\": invalid syntax"},
        Row{"'%.12'.format([1.0])",
            "compile: could not find end of precision specifier"},
        // %e: always six places; the number after '.' pads on the left.
        Row{"'%.400e'.format([1.0]).size()", "400"},
        Row{"'%.400e'.format([1.0]).endsWith('  1.000000×10⁰⁰')", "true"},
        Row{"'%.20e'.format([-0.000123])", "\"     -1.230000×10⁻⁰⁴\""},
        Row{"'%.20e'.format(['-Infinity'])", "\"                  -∞\""},
        Row{"'%.2e %.0e'.format([3.14159, 1.5])",
            "\"3.141590×10⁰⁰ 1.500000×10⁰⁰\""},
        Row{"'%e %e'.format([5e-324, 1e300])",
            "\"4.940656×10⁻³²⁴ 1.000000×10³⁰⁰\""},
        Row{"'%e'.format([9.9999996])", "\"1.000000×10⁰¹\""},
        Row{"'%.65545e'.format([1.0])", "\"1.000000×10⁰⁰\""},
        Row{"'%.10000009e'.format([1.0]).size()", "38537"},
        Row{"'%.10000010e'.format([1.0])", "\"%!(NOVERB)\""},
        // cel-go's compile-time check: too many arguments, too few, clause
        // syntax, argument types (formatting_test).
        Row{"'%s %s'.format(['a', 'b', 'c'])",
            "compile: too many arguments supplied to string.format "
            "(expected 2, got 3)"},
        Row{"'filler %'.format([])", "compile: unexpected end of string"},
        Row{"'%d %d %d'.format([0, 1])", "compile: index 2 out of range"},
        Row{"'%a'.format([1])",
            "compile: could not parse formatting clause: unrecognized "
            "formatting clause \"a\""},
        Row{"'%\u00e9'.format([1])",
            "compile: unrecognized formatting clause \"Ã\""},
        Row{"'%d'.format([duration('30m2s')])",
            "compile: error during formatting: decimal clause can only be "
            "used on integers, was given google.protobuf.Duration"},
        Row{"'%x'.format([0.5])",
            "compile: only integers, byte buffers, and strings can be "
            "formatted as hex, was given double"},
        // Arguments that are not literals are only known at evaluation,
        // where cel-go does not count unused ones.
        Row{"fmt.format([1, 'b', 3])", "\"1 and b\""},
        Row{"'%s'.format([duration('2ns')])", "\"0.000000002s\""},
        Row{"'%s'.format([[double('NaN'), double('+Inf'), double('-Inf')]])",
            "\"[\\\"NaN\\\", \\\"+Inf\\\", \\\"-Inf\\\"]\""},
        Row{"'%s'.format([{1: 'value1', 2u: 'value2', true: double('NaN')}])",
            "\"{1:\\\"value1\\\", 2:\\\"value2\\\", true:\\\"NaN\\\"}\""}));

INSTANTIATE_TEST_SUITE_P(
    CelSpecDialect, FormatTest,
    ::testing::Values(
        Row{"'%s'.format([['a', 1.5, [2]]])", "\"[a, 1.5, [2]]\"", 4},
        Row{"'%s'.format([{'b': 2, 'a': 'x'}])", "\"{a: x, b: 2}\"", 4},
        Row{"'%f %e'.format([2, 3u])", "\"2.000000 3.000000e+00\"", 4},
        Row{"'%f'.format([1234567.5])", "\"1234567.500000\"", 4},
        Row{"'%.400e'.format([1.0]).size()", "406", 4},
        Row{"'%.1000f'.format([0.1]).size()", "1002", 4},
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
