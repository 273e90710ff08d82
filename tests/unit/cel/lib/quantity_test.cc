// The Kubernetes quantity library at its edges: the int64 and exact-decimal
// forms apimachinery keeps, their limits, and parsing. Expected values follow
// apimachinery's resource.Quantity (ParseQuantity, Add, Sub, Cmp, AsInt64,
// AsApproximateFloat64, String) and the apiserver's CEL quantity library.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/cel/expect_eval.h"
#include "webhook/cel/cel.h"

namespace rayguard::cel {
namespace {

struct Row {
  std::string expr;
  std::string expected;  // DebugString, or "error: <substring>", or "compile"
};

void PrintTo(const Row& row, std::ostream* os) { *os << row.expr; }

class QuantityTest : public ::testing::TestWithParam<Row> {};

TEST_P(QuantityTest, MatchesApimachinery) {
  ExpectEval(GetParam().expr, GetParam().expected, Env::Admission(),
             Activation());
}

// isInteger()/asInteger() answer from apimachinery's int64 form only: an
// exponent >= 0 whose value fits int64. 19 or more digits, fractions of
// binary suffixes and overflowing sums are decimals, never integers.
INSTANTIATE_TEST_SUITE_P(
    IntegerForm, QuantityTest,
    ::testing::Values(
        Row{"quantity('1k').asInteger()", "1000"},
        Row{"quantity('1000m').isInteger()", "false"},
        Row{"quantity('1.0').isInteger()", "false"},
        Row{"quantity('500m').add(quantity('1500m')).asInteger()",
            "error: cannot convert value to integer"},
        Row{"quantity('500m').add(quantity('1500m')) == quantity('2')", "true"},
        Row{"quantity('999999999999999999').isInteger()", "true"},
        Row{"quantity('9223372036854775807').isInteger()", "false"},
        Row{"quantity('9E').add(1).asInteger()", "9000000000000000001"},
        Row{"quantity('9E').add(quantity('1E')).isInteger()", "false"},
        Row{"quantity('9E').add(quantity('1E')) == quantity('10E')", "true"},
        Row{"quantity('9E').add(quantity('300P')).sub(quantity('100P'))"
            ".asInteger()",
            "9200000000000000000"},
        Row{"quantity('-2k').asInteger()", "-2000"},
        Row{"quantity('1Ki').asInteger()", "1024"},
        Row{"quantity('1Ti').isInteger()", "true"},
        Row{"quantity('1Pi').isInteger()", "false"},
        Row{"quantity('1.5Ki').isInteger()", "false"},
        Row{"quantity('1.5Ki').add(quantity('512')).isInteger()", "false"},
        Row{"quantity('1.5Ki').add(quantity('512')) == quantity('2Ki')",
            "true"},
        Row{"quantity('1e3').asInteger()", "1000"},
        Row{"quantity('1e-3').isInteger()", "false"}));

// Values past int64 and past 128 bits stay exact.
INSTANTIATE_TEST_SUITE_P(
    BeyondInt64, QuantityTest,
    ::testing::Values(
        Row{"quantity('9999999999999999999999999999999999999G').isInteger()",
            "false"},
        Row{"quantity('9999999999999999999999999999999999999G').asInteger()",
            "error: cannot convert value to integer"},
        Row{"quantity('9999999999999999999999999999999999999')"
            ".add(quantity('1')).compareTo("
            "quantity('9999999999999999999999999999999999999').add(2))",
            "-1"},
        Row{"quantity('99999999999999999999999999999999999999999')"
            ".sub(quantity('99999999999999999999999999999999999999998'))"
            " == quantity('1')",
            "true"},
        Row{"string(quantity('9E').add(quantity('9E')).add(1))",
            "\"18000000000000000001\""},
        Row{"quantity('9E').add(quantity('9E')).add(1)"
            ".compareTo(quantity('18E'))",
            "1"},
        Row{"quantity('1').sub(-9223372036854775808) == "
            "quantity('9223372036854775809')",
            "true"},
        Row{"sign(quantity('-9999999999999999999999'))", "-1"},
        Row{"quantity('-9999999999999999999999').isLessThan("
            "quantity('-9999999999999999999998'))",
            "true"},
        Row{"quantity('1e9999').isGreaterThan("
            "quantity('9999999999999999999999999999999999999E'))",
            "true"},
        Row{"sign(quantity('1e-9999'))", "1"},
        Row{"quantity('1e9999').compareTo(quantity('1n'))", "1"},
        Row{"sign(quantity('1e1090').add(quantity('1n')))", "1"},
        Row{"quantity('1e9999').add(quantity('1n'))",
            "error: quantity out of range"},
        Row{"quantity('9999999999999999999999999999999999999G')"
            ".asApproximateFloat()",
            "1.0000000000000001e+46"},
        Row{"quantity('-9223372036854775808').asApproximateFloat()",
            "-9223372036854775808.0"}));

// Parsing: suffixes, exponents, rounding up to 1n, the binary cap.
INSTANTIATE_TEST_SUITE_P(
    Parsing, QuantityTest,
    ::testing::Values(
        Row{"quantity('1e-10') == quantity('1n')", "true"},
        Row{"quantity('-1e-10') == quantity('-1n')", "true"},
        Row{"quantity('0.1n')", "kubernetes.Quantity(\"1n\")"},
        Row{"quantity('8Ei') == quantity('9223372036854775807')", "true"},
        Row{"quantity('-8Ei') == quantity('-9223372036854775807')", "true"},
        Row{"quantity('-') == quantity('0')", "true"},
        Row{"quantity('.5') == quantity('500m')", "true"},
        Row{"isQuantity('1.1.M')", "false"},
        Row{"isQuantity('1+1.0M')", "false"}, Row{"isQuantity('1i')", "false"},
        Row{"isQuantity('1e')", "false"}, Row{"isQuantity(' 1')", "false"},
        Row{"isQuantity('')", "false"}, Row{"isQuantity('1e+05')", "true"},
        Row{"isQuantity('1e10000')", "false"},
        Row{"quantity('1e10000')", "compile"},
        Row{"quantity('12345678901234567890e1090')", "compile"},
        Row{"quantity('1E') == quantity('1000P')", "true"}));

INSTANTIATE_TEST_SUITE_P(
    Canonical, QuantityTest,
    ::testing::Values(Row{"string(quantity('1500m'))", "\"1500m\""},
                      Row{"string(quantity('1.5'))", "\"1500m\""},
                      Row{"string(quantity('2e3'))", "\"2e3\""},
                      Row{"string(quantity('1.5Gi'))", "\"1536Mi\""},
                      Row{"string(quantity('1.1Ki'))", "\"1126400m\""},
                      Row{"string(quantity('-0.5Ki'))", "\"-512\""},
                      Row{"string(quantity('50k').add(20))", "\"50020\""},
                      Row{"quantity('50.703k').asApproximateFloat()",
                          "50703.0"}));

TEST(QuantityLimitsTest, AThousandDigitsParseAndOneMoreDoesNot) {
  auto eval = [](const std::string& expr) {
    auto p = Compile(expr, Env::Admission());
    EXPECT_TRUE(p.ok()) << p.status().message();
    Activation act;
    return (*p)->Eval(act).DebugString();
  };
  std::string digits(1000, '9');
  EXPECT_EQ(eval("isQuantity('" + digits + "')"), "true");
  EXPECT_EQ(eval("isQuantity('9" + digits + "')"), "false");
  EXPECT_EQ(eval("quantity('" + digits + "').add(1) == quantity('" + digits +
                 "').add(quantity('1'))"),
            "true");
  auto too_long = Compile("quantity('1" + digits + "')", Env::Admission());
  ASSERT_FALSE(too_long.ok());
  EXPECT_THAT(too_long.status().message(),
              ::testing::HasSubstr("quantity has more than 1000 digits"));
}

}  // namespace
}  // namespace rayguard::cel
