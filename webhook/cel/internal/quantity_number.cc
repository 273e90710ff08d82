#include "webhook/cel/internal/quantity_number.h"

#include <array>
#include <cstring>
#include <limits>

namespace rayguard::cel::internal {

namespace {

using Format = QuantityNumber::Format;

constexpr std::string_view kFormatWrong =
    "quantities must match the regular expression "
    "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
constexpr std::string_view kSuffixWrong = "unable to parse quantity's suffix";
// rayguard's bounds, so that no quantity costs more than a few microseconds:
// apimachinery has none (it accepts 1e100000 and keeps it as int64 1 with
// exponent 100000).
constexpr int64_t kMaxExponent = 9999;
constexpr size_t kMaxDigits = 1000;
// The exact decimal form holds at most this many digits (unscaled), so
// aligning two of them stays cheap.
constexpr int64_t kMaxDecimalDigits = 1100;
constexpr std::string_view kOutOfRange = kQuantityOutOfRange;
// apimachinery's maxInt64Factors: 18 decimal digits always fit an int64.
constexpr int64_t kInt64Digits = 18;
constexpr int64_t kNanoExponent = -9;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

struct Suffix {
  int base = 10;
  int64_t exponent = 0;
  Format format = Format::kDecimalSI;
};

constexpr std::array<std::pair<std::string_view, int>, 10> kDecimalSuffixes = {
    {{"", 0},
     {"n", -9},
     {"u", -6},
     {"m", -3},
     {"k", 3},
     {"M", 6},
     {"G", 9},
     {"T", 12},
     {"P", 15},
     {"E", 18}}};
constexpr std::array<std::string_view, 7> kBinarySuffixes = {
    "", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};

// The suffix's base and exponent, or the error message.
std::variant<Suffix, std::string> InterpretSuffix(std::string_view s) {
  for (auto [name, e] : kDecimalSuffixes) {
    if (s == name) return Suffix{10, e, Format::kDecimalSI};
  }
  for (size_t k = 1; k < kBinarySuffixes.size(); ++k) {
    if (s == kBinarySuffixes[k]) {
      return Suffix{2, int64_t(10 * k), Format::kBinarySI};
    }
  }
  if (s.size() > 1 && (s[0] == 'e' || s[0] == 'E')) {
    std::string_view rest = s.substr(1);
    bool negative = rest[0] == '-';
    if (rest[0] == '+' || rest[0] == '-') rest.remove_prefix(1);
    if (rest.empty()) return std::string(kSuffixWrong);
    int64_t e = 0;
    for (char c : rest) {
      if (!IsDigit(c)) return std::string(kSuffixWrong);
      e = e * 10 + (c - '0');
      if (e > kMaxExponent) return std::string("quantity exponent too large");
    }
    return Suffix{10, negative ? -e : e, Format::kDecimalExponent};
  }
  return std::string(kSuffixWrong);
}

// base x 10^n when it fits an int64 (apimachinery's positiveScaleInt64).
std::optional<int64_t> PositiveScale(int64_t base, int64_t n) {
  if (base == 0) return 0;
  if (n > kInt64Digits) return std::nullopt;  // |base| x 10^19 > 2^63
  for (int64_t k = 0; k < n; ++k) {
    if (__builtin_mul_overflow(base, int64_t(10), &base)) return std::nullopt;
  }
  return base;
}

// Go's math.Pow10, table for table, so asApproximateFloat() rounds the
// same way.
double GoPow10(int64_t n) {
  static constexpr double kTab[32] = {
      1e00, 1e01, 1e02, 1e03, 1e04, 1e05, 1e06, 1e07, 1e08, 1e09, 1e10,
      1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21,
      1e22, 1e23, 1e24, 1e25, 1e26, 1e27, 1e28, 1e29, 1e30, 1e31};
  static constexpr double kPos32[10] = {1e0,   1e32,  1e64,  1e96,  1e128,
                                        1e160, 1e192, 1e224, 1e256, 1e288};
  static constexpr double kNeg32[11] = {1e-0,   1e-32,  1e-64,  1e-96,
                                        1e-128, 1e-160, 1e-192, 1e-224,
                                        1e-256, 1e-288, 1e-320};
  if (n >= 0 && n <= 308) return kPos32[n / 32] * kTab[n % 32];
  if (n < 0 && n >= -323) return kNeg32[-n / 32] / kTab[-n % 32];
  return n > 0 ? std::numeric_limits<double>::infinity() : 0.0;
}

}  // namespace

QuantityNumber QuantityNumber::FromInt(int64_t v, Format format) {
  QuantityNumber q;
  q.value_ = v;
  q.format_ = format;
  return q;
}

std::variant<QuantityNumber, std::string> QuantityNumber::Parse(
    std::string_view s) {
  if (s.empty()) return std::string(kFormatWrong);
  if (s == "0") return FromInt(0, Format::kDecimalSI);
  size_t pos = 0;
  bool positive = true;
  if (s[0] == '-' || s[0] == '+') positive = s[pos++] == '+';
  while (pos < s.size() && s[pos] == '0') ++pos;
  // As in apimachinery, a sign followed by nothing but zeros (or nothing)
  // is zero, and a missing integer part ("-.5") reads as 0.
  std::string_view num = "0", denom, suffix_text;
  if (pos < s.size()) {
    size_t start = pos;
    while (pos < s.size() && IsDigit(s[pos])) ++pos;
    if (pos > start) num = s.substr(start, pos - start);
    if (pos < s.size() && s[pos] == '.') {
      start = ++pos;
      while (pos < s.size() && IsDigit(s[pos])) ++pos;
      denom = s.substr(start, pos - start);
    }
    size_t suffix_start = pos;
    while (pos < s.size() && s[pos] != '\0' &&
           std::strchr("eEinumkKMGTP", s[pos])) {
      ++pos;
    }
    if (pos < s.size()) {
      if (s[pos] == '+' || s[pos] == '-') ++pos;
      while (pos < s.size() && IsDigit(s[pos])) ++pos;
      if (pos < s.size()) return std::string(kFormatWrong);
    }
    suffix_text = s.substr(suffix_start);
  }
  auto interpreted = InterpretSuffix(suffix_text);
  if (auto* err = std::get_if<std::string>(&interpreted)) return *err;
  const Suffix suffix = std::get<Suffix>(interpreted);
  int64_t digits = int64_t(num.size() + denom.size());

  // The int64 form, when the digits and the suffix allow it.
  int64_t precision, scale = 0, multiplier = 1;
  if (suffix.format != Format::kBinarySI) {
    scale = suffix.exponent;
    precision = kInt64Digits - digits;
  } else if (denom.empty()) {
    multiplier = int64_t(1) << suffix.exponent;
    // 1Mi has about 6 decimal digits: 3 per 10 bits.
    precision = 15 - int64_t(num.size()) - suffix.exponent * 3 / 10 - 1;
  } else {
    precision = -1;
  }
  if (precision >= 0) {
    scale -= int64_t(denom.size());
    if (scale >= kNanoExponent) {
      int64_t value = 0;
      for (char c : num) value = value * 10 + (c - '0');
      for (char c : denom) value = value * 10 + (c - '0');
      if (!__builtin_mul_overflow(value, multiplier, &value)) {
        QuantityNumber q = FromInt(positive ? value : -value, suffix.format);
        q.scale_ = static_cast<int32_t>(scale);
        return q;
      }
    }
  }

  // The exact decimal form, rounded up in magnitude to whole nano-units.
  if (size_t(digits) > kMaxDigits) {
    return std::string("quantity has more than 1000 digits");
  }
  std::string all(num);
  all += denom;
  QuantityNumber q;
  q.decimal_ = true;
  q.format_ = suffix.format;
  q.unscaled_ = *BigInt::FromDecimal(all, false);
  q.dec_exponent_ = -int64_t(denom.size());
  if (suffix.base == 10) {
    q.dec_exponent_ += suffix.exponent;
  } else {
    q.unscaled_.MulPow2(suffix.exponent);
  }
  if (!q.unscaled_.IsZero()) {
    if (q.dec_exponent_ < kNanoExponent) {
      q.unscaled_.DivPow10RoundUp(kNanoExponent - q.dec_exponent_);
    } else {
      int64_t shift = q.dec_exponent_ - kNanoExponent;
      if (int64_t(q.unscaled_.DecimalDigits()) + shift > kMaxDecimalDigits) {
        return std::string(kOutOfRange);
      }
      q.unscaled_.MulPow10(shift);
    }
    q.dec_exponent_ = kNanoExponent;
  }
  if (suffix.format == Format::kBinarySI) {
    QuantityNumber max =
        FromInt(std::numeric_limits<int64_t>::max(), Format::kBinarySI);
    if (q.Compare(max) > 0) {
      q.unscaled_ = BigInt(std::numeric_limits<int64_t>::max());
      q.dec_exponent_ = 0;
    }
    if (q.Sign() > 0 && q.Compare(FromInt(1, Format::kDecimalSI)) < 0) {
      q.format_ = Format::kDecimalSI;
    }
  }
  if (!positive) q.unscaled_.Negate();
  return q;
}

BigInt QuantityNumber::Unscaled() const {
  return decimal_ ? unscaled_ : BigInt(value_);
}

QuantityNumber QuantityNumber::ToDecimal() const {
  if (decimal_) return *this;
  QuantityNumber q;
  q.decimal_ = true;
  q.unscaled_ = BigInt(value_);
  q.dec_exponent_ = scale_;
  q.format_ = format_;
  return q;
}

bool QuantityNumber::AddInt64(int64_t value, int32_t scale) {
  if (value == 0) return true;
  if (value_ == 0) {
    value_ = value;
    scale_ = scale;
    return true;
  }
  int64_t sum;
  if (scale_ == scale) {
    if (__builtin_add_overflow(value_, value, &sum)) return false;
  } else if (scale_ > scale) {
    auto shifted = PositiveScale(value_, int64_t(scale_) - scale);
    if (!shifted || __builtin_add_overflow(*shifted, value, &sum)) {
      return false;
    }
    scale_ = scale;
  } else {
    auto shifted = PositiveScale(value, int64_t(scale) - scale_);
    if (!shifted || __builtin_add_overflow(value_, *shifted, &sum)) {
      return false;
    }
  }
  value_ = sum;
  return true;
}

std::optional<QuantityNumber> QuantityNumber::DecimalSum(
    const QuantityNumber& a, const QuantityNumber& b, bool subtract) {
  // inf.Dec aligns both to the finer scale (the smaller exponent).
  int64_t exponent = std::min(a.Exponent(), b.Exponent());
  BigInt x = a.Unscaled(), y = b.Unscaled();
  for (auto [v, shift] :
       {std::pair<BigInt*, int64_t>{&x, a.Exponent() - exponent},
        std::pair<BigInt*, int64_t>{&y, b.Exponent() - exponent}}) {
    if (!v->IsZero() &&
        int64_t(v->DecimalDigits()) + shift > kMaxDecimalDigits) {
      return std::nullopt;
    }
    v->MulPow10(shift);
  }
  QuantityNumber q;
  q.decimal_ = true;
  q.unscaled_ = subtract ? BigInt::Sub(x, y) : BigInt::Add(x, y);
  if (int64_t(q.unscaled_.DecimalDigits()) > kMaxDecimalDigits) {
    return std::nullopt;
  }
  q.dec_exponent_ = exponent;
  q.format_ = a.format_;
  return q;
}

std::optional<QuantityNumber> QuantityNumber::Add(
    const QuantityNumber& y) const {
  QuantityNumber r = *this;
  if (!r.decimal_ && !y.decimal_) {
    if (r.value_ == 0) r.format_ = y.format_;
    if (r.AddInt64(y.value_, y.scale_)) return r;
  } else if (r.IsZero()) {
    r.format_ = y.format_;
  }
  return DecimalSum(r, y, false);
}

std::optional<QuantityNumber> QuantityNumber::Sub(
    const QuantityNumber& y) const {
  QuantityNumber r = *this;
  if (r.IsZero()) r.format_ = y.format_;
  if (!r.decimal_ && !y.decimal_ &&
      y.value_ != std::numeric_limits<int64_t>::min() &&
      r.AddInt64(-y.value_, y.scale_)) {
    return r;
  }
  return DecimalSum(r, y, true);
}

int QuantityNumber::Sign() const {
  if (decimal_) return unscaled_.sign();
  return value_ < 0 ? -1 : (value_ > 0 ? 1 : 0);
}

int QuantityNumber::Compare(const QuantityNumber& y) const {
  int sx = Sign(), sy = y.Sign();
  if (sx != sy) return sx < sy ? -1 : 1;
  if (sx == 0) return 0;
  if (!decimal_ && !y.decimal_) {
    int64_t d = int64_t(scale_) - y.scale_;
    // |v| >= 10^scale and |v| < 10^(scale+19): 19 or more apart in
    // exponent, the larger exponent has the larger magnitude.
    if (d >= 19) return sx;
    if (d <= -19) return -sx;
    __int128 a = value_, b = y.value_;
    for (int64_t k = 0; k < d; ++k) a *= 10;
    for (int64_t k = 0; k < -d; ++k) b *= 10;
    return a < b ? -1 : (a > b ? 1 : 0);
  }
  // Orders of magnitude first: 10^(d-1+e) <= |v| < 10^(d+e) for d digits.
  // Only overlapping ranges need aligning, which keeps it cheap.
  BigInt a = Unscaled(), b = y.Unscaled();
  int64_t top_a = int64_t(a.DecimalDigits()) + Exponent();
  int64_t top_b = int64_t(b.DecimalDigits()) + y.Exponent();
  if (top_a != top_b) return (top_a < top_b ? -1 : 1) * sx;
  int64_t exponent = std::min(Exponent(), y.Exponent());
  a.MulPow10(Exponent() - exponent);
  b.MulPow10(y.Exponent() - exponent);
  return BigInt::Compare(a, b);
}

std::optional<int64_t> QuantityNumber::AsInt64() const {
  if (decimal_ || scale_ < 0) return std::nullopt;
  return PositiveScale(value_, scale_);
}

double QuantityNumber::AsApproximateFloat() const {
  double base = decimal_ ? unscaled_.ToDouble() : double(value_);
  int64_t exponent = Exponent();
  return exponent == 0 ? base : base * GoPow10(exponent);
}

std::string QuantityNumber::String() const {
  if (IsZero()) return "0";
  Format format = format_;
  BigInt whole;  // the value rounded up to an integer, for BinarySI
  if (format == Format::kBinarySI) {
    if (Compare(FromInt(-1024, format)) > 0 &&
        Compare(FromInt(1024, format)) < 0) {
      format = Format::kDecimalSI;
    } else {
      whole = Unscaled();
      if (Exponent() >= 0) {
        whole.MulPow10(Exponent());
      } else {
        BigInt back = whole;
        whole.DivPow10RoundUp(-Exponent());
        BigInt check = whole;
        check.MulPow10(-Exponent());
        if (BigInt::Compare(check, back) != 0) format = Format::kDecimalSI;
      }
    }
  }
  if (format == Format::kBinarySI) {
    // Ei is the largest suffix: at most six factors of 1024 move into it.
    size_t k = static_cast<size_t>(
        whole.RemoveFactors(1024, int64_t(kBinarySuffixes.size()) - 1));
    return whole.ToString() + std::string(kBinarySuffixes[k]);
  }
  BigInt mantissa = Unscaled();
  int64_t exponent = Exponent() + mantissa.RemoveFactorsOf10();
  switch (exponent % 3) {
    case 1:
    case -2:
      mantissa.MulPow10(1);
      exponent -= 1;
      break;
    case 2:
    case -1:
      mantissa.MulPow10(2);
      exponent -= 2;
      break;
  }
  if (format == Format::kDecimalSI) {
    for (auto [name, e] : kDecimalSuffixes) {
      if (e == exponent) return mantissa.ToString() + std::string(name);
    }
  }
  if (exponent == 0) return mantissa.ToString();
  return mantissa.ToString() + "e" + std::to_string(exponent);
}

}  // namespace rayguard::cel::internal
