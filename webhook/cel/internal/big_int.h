#ifndef RAYGUARD_CEL_INTERNAL_BIG_INT_H_
#define RAYGUARD_CEL_INTERNAL_BIG_INT_H_

// A small signed integer of any size, for the few values the engine must
// hold exactly beyond 64 bits (Kubernetes quantities past int64, which
// apimachinery keeps as arbitrary-precision decimals). Only what those need:
// decimal in and out, add, subtract, compare, scaling by powers of ten and
// two. Operations are linear in the size (conversions to and from decimal
// quadratic); callers bound the sizes. A value type, not thread-safe to
// mutate from several threads.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rayguard::cel::internal {

class BigInt {
 public:
  BigInt() = default;
  explicit BigInt(int64_t v);

  // `digits` is one or more ASCII decimal digits (no sign); nullopt
  // otherwise.
  static std::optional<BigInt> FromDecimal(std::string_view digits,
                                           bool negative);

  int sign() const { return mag_.empty() ? 0 : (negative_ ? -1 : 1); }
  bool IsZero() const { return mag_.empty(); }
  void Negate() { negative_ = !negative_ && !mag_.empty(); }

  // *this *= 10^n.
  void MulPow10(int64_t n);
  // *this *= 2^n.
  void MulPow2(int64_t n);
  // Divides the magnitude by 10^n, rounding away from zero when anything
  // non-zero is dropped (the sign is kept).
  void DivPow10RoundUp(int64_t n);

  static BigInt Add(const BigInt& a, const BigInt& b);
  static BigInt Sub(const BigInt& a, const BigInt& b);
  // -1, 0 or 1.
  static int Compare(const BigInt& a, const BigInt& b);
  // Compares magnitudes only.
  static int CompareMagnitude(const BigInt& a, const BigInt& b);

  // The value when it fits an int64.
  std::optional<int64_t> ToInt64() const;
  // Nearest double (ties to even), +-inf when out of range.
  double ToDouble() const;
  // Decimal, with a leading '-' when negative.
  std::string ToString() const;
  // Number of decimal digits of the magnitude (1 for zero).
  size_t DecimalDigits() const;
  // Removes factors of 10 and returns how many were removed (0 for zero).
  int64_t RemoveFactorsOf10();
  // Removes up to `max` factors of `d` (2..2^32-1) and returns how many
  // were removed.
  int64_t RemoveFactors(uint32_t d, int64_t max = INT64_MAX);

 private:
  // Magnitude operations.
  void MulSmall(uint32_t m);
  void AddSmall(uint32_t a);
  uint32_t DivSmall(uint32_t d);  // returns the remainder
  void Trim();
  static std::vector<uint32_t> AddMag(const std::vector<uint32_t>& a,
                                      const std::vector<uint32_t>& b);
  // a - b with |a| >= |b|.
  static std::vector<uint32_t> SubMag(const std::vector<uint32_t>& a,
                                      const std::vector<uint32_t>& b);
  static int CompareMag(const std::vector<uint32_t>& a,
                        const std::vector<uint32_t>& b);

  bool negative_ = false;
  std::vector<uint32_t> mag_;  // little-endian base 2^32, no leading zeros
};

}  // namespace rayguard::cel::internal

#endif  // RAYGUARD_CEL_INTERNAL_BIG_INT_H_
