// Kubernetes `quantity` library: kubernetes.Quantity, the resource quantity
// of CPU, memory and GPU requests ("500m", "1.5Gi", "2e3"). Values are exact
// decimals held as a count of nano-units, as apimachinery's ParseQuantity
// rounds anything finer than 1n up in magnitude.

#include <array>
#include <cmath>

#include "webhook/cel/function_registry.h"

namespace rayguard::cel {

namespace {

using K = Value::Kind;
using Args = std::span<const Value>;
using i128 = __int128;

constexpr std::string_view kType = "kubernetes.Quantity";
constexpr i128 kNano = 1000000000;
// Beyond this many nano-units (about 1.7e29 units) values are not
// representable here; apimachinery's arbitrary-precision form would be.
constexpr i128 kLimit = i128(1) << 126;

class Quantity : public OpaqueValue {
 public:
  Quantity(i128 nanos, bool binary) : nanos_(nanos), binary_(binary) {}
  std::string_view TypeName() const override { return kType; }
  bool Equals(const OpaqueValue& o) const override {
    return nanos_ == static_cast<const Quantity&>(o).nanos_;
  }
  nlohmann::json ToJson() const override { return Canonical(); }
  i128 nanos() const { return nanos_; }
  bool binary() const { return binary_; }

  // The shortest exact form with an SI (or, for binary input, IEC) suffix.
  std::string Canonical() const {
    i128 v = nanos_ < 0 ? -nanos_ : nanos_;
    std::string sign = nanos_ < 0 ? "-" : "";
    if (v == 0) return "0";
    if (binary_ && v % kNano == 0) {
      i128 units = v / kNano;
      static constexpr std::array<const char*, 7> kIec = {"", "Ki", "Mi", "Gi",
                                                          "Ti", "Pi", "Ei"};
      size_t k = 0;
      while (k + 1 < kIec.size() && units % 1024 == 0) {
        units /= 1024;
        ++k;
      }
      if (k > 0) return sign + ToString(units) + kIec[k];
    }
    static constexpr std::array<const char*, 9> kSi = {
        "n", "u", "m", "", "k", "M", "G", "T", "P"};
    size_t k = 0;
    while (k + 1 < kSi.size() && v % 1000 == 0) {
      v /= 1000;
      ++k;
    }
    return sign + ToString(v) + kSi[k];
  }

  static std::string ToString(i128 v) {
    if (v == 0) return "0";
    std::string s;
    while (v > 0) {
      s.insert(s.begin(), char('0' + int(v % 10)));
      v /= 10;
    }
    return s;
  }

 private:
  i128 nanos_;
  bool binary_;
};

const Quantity& Q(const Value& v) {
  return static_cast<const Quantity&>(*v.opaque());
}

Value MakeQuantity(i128 nanos, bool binary) {
  if (nanos > kLimit || nanos < -kLimit) {
    return Value::Error("quantity out of the supported range");
  }
  return Value::Opaque(std::make_shared<Quantity>(nanos, binary));
}

// Divides rounding away from zero (apimachinery rounds sub-nano values up).
i128 DivUp(i128 v, i128 d) { return (v + d - 1) / d; }

std::optional<std::string> Parse(std::string_view s, i128* nanos,
                                 bool* binary) {
  const std::string kShape =
      "quantities must match the regular expression "
      "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
  size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  i128 mantissa = 0;
  int frac_digits = 0, digits = 0;
  bool dot = false;
  for (; i < s.size() && (isdigit(uint8_t(s[i])) || s[i] == '.'); ++i) {
    if (s[i] == '.') {
      if (dot) return kShape;
      dot = true;
      continue;
    }
    if (mantissa > kLimit / 10) return std::string("quantity too large");
    mantissa = mantissa * 10 + (s[i] - '0');
    ++digits;
    if (dot) ++frac_digits;
  }
  if (digits == 0) return kShape;
  std::string_view suffix = s.substr(i);
  int exp10 = 0;
  int pow1024 = 0;
  *binary = false;
  static constexpr std::array<std::pair<std::string_view, int>, 9> kDecimal = {
      {{"", 0}, {"n", -9}, {"u", -6}, {"m", -3}, {"k", 3}, {"M", 6},
       {"G", 9}, {"T", 12}, {"P", 15}}};
  static constexpr std::array<std::pair<std::string_view, int>, 6> kBinary = {
      {{"Ki", 1}, {"Mi", 2}, {"Gi", 3}, {"Ti", 4}, {"Pi", 5}, {"Ei", 6}}};
  bool known = false;
  for (auto [name, e] : kDecimal) {
    if (suffix == name) exp10 = e, known = true;
  }
  if (suffix == "E") exp10 = 18, known = true;
  for (auto [name, p] : kBinary) {
    if (suffix == name) pow1024 = p, *binary = true, known = true;
  }
  if (!known && suffix.size() > 1 && (suffix[0] == 'e' || suffix[0] == 'E')) {
    std::string_view rest = suffix.substr(1);
    size_t j = (rest[0] == '+' || rest[0] == '-') ? 1 : 0;
    if (j < rest.size() && rest.find_first_not_of("0123456789", j) ==
                               std::string_view::npos) {
      if (rest.size() - j > 4) return std::string("quantity exponent too large");
      exp10 = std::stoi(std::string(rest));
      known = true;
    }
  }
  if (!known) {
    if (suffix.find_first_not_of("eEinumkKMGTP+-0123456789") !=
        std::string_view::npos) {
      return kShape;
    }
    return std::string("unable to parse quantity's suffix");
  }
  i128 v = mantissa;
  int scale = 9 + exp10 - frac_digits;  // v * 10^scale nano-units
  for (int p = 0; p < pow1024; ++p) {
    if (v > kLimit / 1024) return std::string("quantity too large");
    v *= 1024;
  }
  if (scale >= 0) {
    for (int k = 0; k < scale; ++k) {
      if (v > kLimit / 10) return std::string("quantity too large");
      v *= 10;
    }
  } else {
    i128 d = 1;
    for (int k = 0; k < -scale && d < kLimit / 10; ++k) d *= 10;
    v = v == 0 ? 0 : DivUp(v, d);
  }
  if (*binary && v > i128(INT64_MAX) * kNano) v = i128(INT64_MAX) * kNano;
  *nanos = negative ? -v : v;
  return std::nullopt;
}

Value QuantityOf(Args a) {
  i128 nanos;
  bool binary;
  if (auto err = Parse(a[0].string_value(), &nanos, &binary)) {
    return Value::Error(*err);
  }
  return MakeQuantity(nanos, binary);
}

Value IsQuantity(Args a) {
  i128 nanos;
  bool binary;
  return Value::Bool(!Parse(a[0].string_value(), &nanos, &binary));
}

int Cmp(const Value& x, const Value& y) {
  i128 a = Q(x).nanos(), b = Q(y).nanos();
  return a < b ? -1 : (a > b ? 1 : 0);
}

Value IsLessThan(Args a) { return Value::Bool(Cmp(a[0], a[1]) < 0); }
Value IsGreaterThan(Args a) { return Value::Bool(Cmp(a[0], a[1]) > 0); }
Value CompareTo(Args a) { return Value::Int(Cmp(a[0], a[1])); }

i128 Operand(const Value& v) {
  return v.kind() == K::kInt ? i128(v.int_value()) * kNano : Q(v).nanos();
}
Value Add(Args a) {
  return MakeQuantity(Q(a[0]).nanos() + Operand(a[1]), Q(a[0]).binary());
}
Value Sub(Args a) {
  return MakeQuantity(Q(a[0]).nanos() - Operand(a[1]), Q(a[0]).binary());
}

Value IsInteger(Args a) {
  i128 n = Q(a[0]).nanos();
  return Value::Bool(n % kNano == 0 && n / kNano <= INT64_MAX &&
                     n / kNano >= INT64_MIN);
}
Value AsInteger(Args a) {
  if (!IsInteger(a).bool_value()) {
    return Value::Error("cannot convert value to integer");
  }
  return Value::Int(static_cast<int64_t>(Q(a[0]).nanos() / kNano));
}
Value AsApproximateFloat(Args a) {
  return Value::Double(static_cast<double>(Q(a[0]).nanos()) / 1e9);
}
Value Sign(Args a) {
  i128 n = Q(a[0]).nanos();
  return Value::Int(n < 0 ? -1 : (n > 0 ? 1 : 0));
}
Value ToString(Args a) { return Value::String(Q(a[0]).Canonical()); }

}  // namespace

Status RegisterQuantityLibrary(FunctionRegistry& r) {
  const ArgType q(kType);
  r.AddGlobal("quantity", {K::kString}, QuantityOf);
  r.AddGlobal("isQuantity", {K::kString}, IsQuantity);
  r.AddMember("isLessThan", {q, q}, IsLessThan);
  r.AddMember("isGreaterThan", {q, q}, IsGreaterThan);
  r.AddMember("compareTo", {q, q}, CompareTo);
  r.AddMember("add", {q, q}, Add);
  r.AddMember("add", {q, K::kInt}, Add);
  r.AddMember("sub", {q, q}, Sub);
  r.AddMember("sub", {q, K::kInt}, Sub);
  r.AddMember("isInteger", {q}, IsInteger);
  r.AddMember("asInteger", {q}, AsInteger);
  r.AddMember("asApproximateFloat", {q}, AsApproximateFloat);
  r.AddMember("sign", {q}, Sign);
  r.AddGlobal("string", {q}, ToString);
  return Status::Ok();
}

}  // namespace rayguard::cel
