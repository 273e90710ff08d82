#include "webhook/cel/internal/big_int.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace rayguard::cel::internal {

namespace {
constexpr uint32_t kBillion = 1000000000;  // 10^9, the largest 10^k < 2^32
}  // namespace

BigInt::BigInt(int64_t v) {
  negative_ = v < 0;
  // Magnitude of INT64_MIN does not fit int64: go through uint64.
  uint64_t m = negative_ ? uint64_t(0) - uint64_t(v) : uint64_t(v);
  while (m) {
    mag_.push_back(static_cast<uint32_t>(m));
    m >>= 32;
  }
}

std::optional<BigInt> BigInt::FromDecimal(std::string_view digits,
                                          bool negative) {
  if (digits.empty()) return std::nullopt;
  BigInt out;
  // Nine digits at a time: one multiply-add per chunk.
  size_t first = digits.size() % 9 == 0 ? 9 : digits.size() % 9;
  for (size_t i = 0; i < digits.size();) {
    size_t n = i == 0 ? first : 9;
    uint32_t chunk = 0, scale = 1;
    for (size_t k = 0; k < n; ++k) {
      char c = digits[i + k];
      if (c < '0' || c > '9') return std::nullopt;
      chunk = chunk * 10 + uint32_t(c - '0');
      scale *= 10;
    }
    out.MulSmall(scale);
    out.AddSmall(chunk);
    i += n;
  }
  out.negative_ = negative && !out.mag_.empty();
  return out;
}

void BigInt::Trim() {
  while (!mag_.empty() && mag_.back() == 0) mag_.pop_back();
  if (mag_.empty()) negative_ = false;
}

void BigInt::MulSmall(uint32_t m) {
  uint64_t carry = 0;
  for (uint32_t& limb : mag_) {
    uint64_t p = uint64_t(limb) * m + carry;
    limb = static_cast<uint32_t>(p);
    carry = p >> 32;
  }
  if (carry) mag_.push_back(static_cast<uint32_t>(carry));
  Trim();
}

void BigInt::AddSmall(uint32_t a) {
  uint64_t carry = a;
  for (size_t i = 0; carry && i < mag_.size(); ++i) {
    uint64_t s = uint64_t(mag_[i]) + carry;
    mag_[i] = static_cast<uint32_t>(s);
    carry = s >> 32;
  }
  if (carry) mag_.push_back(static_cast<uint32_t>(carry));
}

uint32_t BigInt::DivSmall(uint32_t d) {
  uint64_t rem = 0;
  for (size_t i = mag_.size(); i-- > 0;) {
    uint64_t cur = (rem << 32) | mag_[i];
    mag_[i] = static_cast<uint32_t>(cur / d);
    rem = cur % d;
  }
  bool neg = negative_;
  Trim();
  negative_ = neg && !mag_.empty();
  return static_cast<uint32_t>(rem);
}

void BigInt::MulPow10(int64_t n) {
  if (mag_.empty()) return;
  for (; n >= 9; n -= 9) MulSmall(kBillion);
  uint32_t rest = 1;
  for (; n > 0; --n) rest *= 10;
  if (rest > 1) MulSmall(rest);
}

void BigInt::MulPow2(int64_t n) {
  if (mag_.empty() || n <= 0) return;
  size_t words = static_cast<size_t>(n / 32);
  int bits = static_cast<int>(n % 32);
  if (bits) {
    uint32_t carry = 0;
    for (uint32_t& limb : mag_) {
      uint32_t next = limb >> (32 - bits);
      limb = (limb << bits) | carry;
      carry = next;
    }
    if (carry) mag_.push_back(carry);
  }
  mag_.insert(mag_.begin(), words, 0);
}

void BigInt::DivPow10RoundUp(int64_t n) {
  if (mag_.empty() || n <= 0) return;
  bool dropped = false;
  for (; n > 0 && !mag_.empty(); n -= 9) {
    uint32_t d = 1;
    for (int64_t k = 0; k < std::min<int64_t>(n, 9); ++k) d *= 10;
    dropped |= DivSmall(d) != 0;
  }
  // Whatever was left of n divided a zero magnitude: nothing more dropped.
  if (dropped) {
    bool neg = negative_;
    AddSmall(1);
    negative_ = neg;
  }
}

int BigInt::CompareMag(const std::vector<uint32_t>& a,
                       const std::vector<uint32_t>& b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  for (size_t i = a.size(); i-- > 0;) {
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}

std::vector<uint32_t> BigInt::AddMag(const std::vector<uint32_t>& a,
                                     const std::vector<uint32_t>& b) {
  const auto& longer = a.size() >= b.size() ? a : b;
  const auto& shorter = a.size() >= b.size() ? b : a;
  std::vector<uint32_t> out(longer.size());
  uint64_t carry = 0;
  for (size_t i = 0; i < longer.size(); ++i) {
    uint64_t s =
        uint64_t(longer[i]) + (i < shorter.size() ? shorter[i] : 0) + carry;
    out[i] = static_cast<uint32_t>(s);
    carry = s >> 32;
  }
  if (carry) out.push_back(static_cast<uint32_t>(carry));
  return out;
}

std::vector<uint32_t> BigInt::SubMag(const std::vector<uint32_t>& a,
                                     const std::vector<uint32_t>& b) {
  std::vector<uint32_t> out(a.size());
  int64_t borrow = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    int64_t d = int64_t(a[i]) - (i < b.size() ? int64_t(b[i]) : 0) - borrow;
    borrow = d < 0;
    out[i] = static_cast<uint32_t>(d + (borrow ? (int64_t(1) << 32) : 0));
  }
  while (!out.empty() && out.back() == 0) out.pop_back();
  return out;
}

BigInt BigInt::Add(const BigInt& a, const BigInt& b) {
  BigInt out;
  if (a.negative_ == b.negative_) {
    out.mag_ = AddMag(a.mag_, b.mag_);
    out.negative_ = a.negative_;
  } else if (CompareMag(a.mag_, b.mag_) >= 0) {
    out.mag_ = SubMag(a.mag_, b.mag_);
    out.negative_ = a.negative_;
  } else {
    out.mag_ = SubMag(b.mag_, a.mag_);
    out.negative_ = b.negative_;
  }
  out.Trim();
  return out;
}

BigInt BigInt::Sub(const BigInt& a, const BigInt& b) {
  BigInt neg = b;
  neg.Negate();
  return Add(a, neg);
}

int BigInt::Compare(const BigInt& a, const BigInt& b) {
  if (a.sign() != b.sign()) return a.sign() < b.sign() ? -1 : 1;
  int m = CompareMag(a.mag_, b.mag_);
  return a.negative_ ? -m : m;
}

int BigInt::CompareMagnitude(const BigInt& a, const BigInt& b) {
  return CompareMag(a.mag_, b.mag_);
}

std::optional<int64_t> BigInt::ToInt64() const {
  if (mag_.size() > 2) return std::nullopt;
  uint64_t m = 0;
  for (size_t i = mag_.size(); i-- > 0;) m = (m << 32) | mag_[i];
  if (!negative_) {
    if (m > uint64_t(INT64_MAX)) return std::nullopt;
    return static_cast<int64_t>(m);
  }
  if (m > uint64_t(INT64_MAX) + 1) return std::nullopt;
  return static_cast<int64_t>(uint64_t(0) - m);
}

double BigInt::ToDouble() const {
  // strtod rounds a decimal string correctly (to nearest, ties to even),
  // which is what Go's big.Float gives apimachinery.
  return std::strtod(ToString().c_str(), nullptr);
}

std::string BigInt::ToString() const {
  if (mag_.empty()) return "0";
  BigInt rest = *this;
  std::vector<uint32_t> chunks;  // base 10^9, little-endian
  while (!rest.mag_.empty()) chunks.push_back(rest.DivSmall(kBillion));
  std::string out = negative_ ? "-" : "";
  out += std::to_string(chunks.back());
  for (size_t i = chunks.size() - 1; i-- > 0;) {
    std::string part = std::to_string(chunks[i]);
    out.append(9 - part.size(), '0');
    out += part;
  }
  return out;
}

size_t BigInt::DecimalDigits() const {
  std::string s = ToString();
  return s.size() - (s[0] == '-');
}

int64_t BigInt::RemoveFactorsOf10() { return RemoveFactors(10); }

int64_t BigInt::RemoveFactors(uint32_t d, int64_t max) {
  if (mag_.empty() || d < 2) return 0;
  int64_t count = 0;
  while (count < max) {
    BigInt trial = *this;
    if (trial.DivSmall(d) != 0) return count;
    *this = std::move(trial);
    ++count;
  }
  return count;
}

}  // namespace rayguard::cel::internal
