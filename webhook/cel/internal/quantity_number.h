#ifndef RAYGUARD_CEL_INTERNAL_QUANTITY_NUMBER_H_
#define RAYGUARD_CEL_INTERNAL_QUANTITY_NUMBER_H_

// A Kubernetes resource quantity ("500m", "1.5Gi", "2e3") held the way
// apimachinery's resource.Quantity holds it, because what the Kubernetes CEL
// functions answer depends on that form, not only on the value:
//
//  - most quantities are an int64 with a base-10 exponent (int64Amount):
//    "1500m" is 1500 x 10^-3, "2Gi" is 2147483648 x 10^0;
//  - anything else (more than 18 digits, fractions of binary suffixes,
//    results that overflow int64) is an exact decimal of any size (inf.Dec),
//    which stays that way through later additions.
//
// isInteger()/asInteger() answer from the int64 form only, as apimachinery's
// AsInt64 does: a non-negative exponent whose value fits int64. So
// quantity('1000m').isInteger() is false although the value is 1, and every
// decimal-form quantity is "not an integer". Comparison and equality use the
// exact value. The int64 form allocates nothing.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "webhook/cel/internal/big_int.h"

namespace rayguard::cel::internal {

inline constexpr std::string_view kQuantityOutOfRange =
    "quantity out of range (more than 1100 digits exactly)";

class QuantityNumber {
 public:
  enum class Format { kDecimalSI, kBinarySI, kDecimalExponent };

  // Parses like apimachinery's ParseQuantity (the same accepted forms, the
  // same rounding of anything finer than 1n up in magnitude, binary values
  // capped at 2^63-1). On failure the apimachinery message, or one of
  // rayguard's limits: an exponent beyond +-9999, more than 1000 digits, or
  // an exact value of more than 1100 digits (counted in nano-units).
  static std::variant<QuantityNumber, std::string> Parse(std::string_view s);
  // An integer quantity, as resource.NewQuantity(v, format).
  static QuantityNumber FromInt(int64_t v, Format format);

  // x.Add(y) / x.Sub(y) on a copy of x, as the CEL functions do; nullopt
  // when the exact result would need more digits than rayguard holds
  // (1100; apimachinery has no limit).
  std::optional<QuantityNumber> Add(const QuantityNumber& y) const;
  std::optional<QuantityNumber> Sub(const QuantityNumber& y) const;
  // -1, 0 or 1 by exact value.
  int Compare(const QuantityNumber& y) const;
  int Sign() const;
  bool IsZero() const { return Sign() == 0; }
  // apimachinery's AsInt64: only from the int64 form at exponent >= 0.
  std::optional<int64_t> AsInt64() const;
  // apimachinery's AsApproximateFloat64 (mantissa times Go's math.Pow10).
  double AsApproximateFloat() const;
  // The canonical form apimachinery's String() gives ("1536Mi", "1500m").
  std::string String() const;

  bool is_decimal() const { return decimal_; }

 private:
  QuantityNumber() = default;
  // The exact value as unscaled x 10^exponent.
  BigInt Unscaled() const;
  int64_t Exponent() const { return decimal_ ? dec_exponent_ : scale_; }
  QuantityNumber ToDecimal() const;
  static std::optional<QuantityNumber> DecimalSum(const QuantityNumber& a,
                                                  const QuantityNumber& b,
                                                  bool subtract);
  // int64Amount.Add: false (and *this unchanged) on overflow.
  bool AddInt64(int64_t value, int32_t scale);

  bool decimal_ = false;
  int64_t value_ = 0;  // int64 form: value_ x 10^scale_
  int32_t scale_ = 0;
  BigInt unscaled_;  // decimal form: unscaled_ x 10^dec_exponent_
  int64_t dec_exponent_ = 0;
  Format format_ = Format::kDecimalSI;
};

}  // namespace rayguard::cel::internal

#endif  // RAYGUARD_CEL_INTERNAL_QUANTITY_NUMBER_H_
