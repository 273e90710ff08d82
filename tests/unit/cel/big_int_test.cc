// BigInt: the exact arithmetic behind quantities past int64.

#include "webhook/cel/internal/big_int.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

namespace rayguard::cel::internal {
namespace {

BigInt Dec(std::string_view s) {
  bool negative = !s.empty() && s[0] == '-';
  return *BigInt::FromDecimal(negative ? s.substr(1) : s, negative);
}

TEST(BigIntTest, DecimalRoundTripsAcrossLimbs) {
  for (std::string_view s :
       {"0", "1", "4294967295", "4294967296", "18446744073709551616",
        "-9223372036854775808", "123456789012345678901234567890123456789"}) {
    EXPECT_EQ(Dec(s).ToString(), s);
  }
  EXPECT_EQ(Dec("000123").ToString(), "123");
  EXPECT_EQ(Dec("-0").ToString(), "0");
  EXPECT_FALSE(BigInt::FromDecimal("", false));
  EXPECT_FALSE(BigInt::FromDecimal("12a", false));
}

TEST(BigIntTest, AddAndSubtractWithSigns) {
  EXPECT_EQ(BigInt::Add(Dec("18446744073709551615"), Dec("1")).ToString(),
            "18446744073709551616");
  EXPECT_EQ(BigInt::Sub(Dec("18446744073709551616"), Dec("1")).ToString(),
            "18446744073709551615");
  EXPECT_EQ(BigInt::Add(Dec("-5"), Dec("3")).ToString(), "-2");
  EXPECT_EQ(BigInt::Sub(Dec("3"), Dec("5")).ToString(), "-2");
  EXPECT_EQ(BigInt::Sub(Dec("-3"), Dec("-3")).ToString(), "0");
  EXPECT_EQ(BigInt::Sub(Dec("-3"), Dec("-3")).sign(), 0);
}

TEST(BigIntTest, CompareOrdersBySignThenMagnitude) {
  EXPECT_EQ(BigInt::Compare(Dec("-100000000000000000000"), Dec("1")), -1);
  EXPECT_EQ(BigInt::Compare(Dec("-2"), Dec("-1")), -1);
  EXPECT_EQ(
      BigInt::Compare(Dec("99999999999999999999"), Dec("99999999999999999999")),
      0);
  EXPECT_EQ(BigInt::CompareMagnitude(Dec("-7"), Dec("5")), 1);
}

TEST(BigIntTest, ScalesByPowersOfTenAndTwo) {
  BigInt v = Dec("12");
  v.MulPow10(20);
  EXPECT_EQ(v.ToString(), "1200000000000000000000");
  v.MulPow2(33);
  EXPECT_EQ(v.ToString(), "10307921510400000000000000000000");
  BigInt r = Dec("-1000000000000000000001");
  r.DivPow10RoundUp(21);  // drops a non-zero part: away from zero
  EXPECT_EQ(r.ToString(), "-2");
  BigInt exact = Dec("5000000000000000000000");
  exact.DivPow10RoundUp(21);
  EXPECT_EQ(exact.ToString(), "5");
  BigInt tiny = Dec("3");
  tiny.DivPow10RoundUp(400);
  EXPECT_EQ(tiny.ToString(), "1");
}

TEST(BigIntTest, ConvertsToInt64AndDouble) {
  EXPECT_EQ(Dec("9223372036854775807").ToInt64(), INT64_MAX);
  EXPECT_EQ(Dec("-9223372036854775808").ToInt64(), INT64_MIN);
  EXPECT_FALSE(Dec("9223372036854775808").ToInt64());
  EXPECT_EQ(Dec("9007199254740993").ToDouble(), 9007199254740992.0);
  EXPECT_EQ(Dec("-1" + std::string(400, '0')).ToDouble(), -HUGE_VAL);
}

TEST(BigIntTest, RemovesFactorsUpToALimit) {
  BigInt v = Dec("1200000");
  EXPECT_EQ(v.RemoveFactorsOf10(), 5);
  EXPECT_EQ(v.ToString(), "12");
  BigInt b = Dec("3");
  b.MulPow2(80);  // 3 x 1024^8
  EXPECT_EQ(b.RemoveFactors(1024, 6), 6);
  EXPECT_EQ(b.ToString(), "3145728");  // 3 x 1024^2
  EXPECT_EQ(Dec("0").DecimalDigits(), 1u);
  EXPECT_EQ(Dec("-12345").DecimalDigits(), 5u);
}

}  // namespace
}  // namespace rayguard::cel::internal
