// Plain-scalar resolution as go-yaml v2 (behind sigs.k8s.io/yaml, which
// kubectl uses) does it: YAML 1.1 booleans and nulls, Go's base-prefixed
// integers, and floats only in YAML's own float syntax.
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "webhook/manifest/yaml_reader.h"

namespace rayguard::manifest {
namespace {

bool IsOneOf(const std::string& s, std::initializer_list<std::string_view> l) {
  for (std::string_view v : l) {
    if (s == v) return true;
  }
  return false;
}

enum class IntKind { kInvalid, kSigned, kUnsigned, kOverflow };

int DigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return 99;
}

// strconv.ParseInt(s, 0, 64) and then ParseUint: an optional sign, then a
// 0x / 0o / 0b / 0 (octal) prefix or decimal digits.
IntKind ParseGoInteger(std::string_view s, std::int64_t* i, std::uint64_t* u) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  int base = 10;
  if (s.size() > 1 && s[0] == '0') {
    char p = static_cast<char>(std::tolower(static_cast<unsigned char>(s[1])));
    if (p == 'x' || p == 'o' || p == 'b') {
      base = p == 'x' ? 16 : p == 'o' ? 8 : 2;
      s.remove_prefix(2);
    } else {
      base = 8;
      s.remove_prefix(1);
    }
  }
  if (s.empty()) return IntKind::kInvalid;
  unsigned __int128 value = 0;
  bool overflow = false;
  for (char c : s) {
    int d = DigitValue(c);
    if (d >= base) return IntKind::kInvalid;
    value = value * base + d;
    if (value > UINT64_MAX) overflow = true, value = UINT64_MAX;
  }
  if (overflow) return IntKind::kOverflow;
  if (negative) {
    if (value > static_cast<unsigned __int128>(INT64_MAX) + 1) {
      return IntKind::kOverflow;
    }
    *i = static_cast<std::int64_t>(-static_cast<__int128>(value));
    return IntKind::kSigned;
  }
  if (value <= INT64_MAX) {
    *i = static_cast<std::int64_t>(value);
    return IntKind::kSigned;
  }
  *u = static_cast<std::uint64_t>(value);
  return IntKind::kUnsigned;
}

// ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$
bool IsYamlFloat(std::string_view s) {
  std::size_t i = 0;
  auto digits = [&] {
    std::size_t start = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    return i - start;
  };
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (digits() == 0) return false;
  } else {
    if (digits() == 0) return false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      digits();
    }
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  return i == s.size();
}

// Go's ParseFloat fails on values beyond float64's range.
bool ParseFiniteDouble(const std::string& s, double* out) {
  errno = 0;
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (errno == ERANGE && (d > 1 || d < -1)) return false;
  *out = d;
  return end == s.c_str() + s.size();
}

}  // namespace

Status ResolvePlainScalar(const std::string& s, nlohmann::json* out) {
  if (IsOneOf(s, {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on",
                  "On", "ON"})) {
    *out = true;
    return Status::Ok();
  }
  if (IsOneOf(s, {"n", "N", "no", "No", "NO", "false", "False", "FALSE",
                  "off", "Off", "OFF"})) {
    *out = false;
    return Status::Ok();
  }
  if (IsOneOf(s, {"", "~", "null", "Null", "NULL"})) {
    *out = nullptr;
    return Status::Ok();
  }
  if (IsOneOf(s, {".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf",
                  "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF"})) {
    return Status::InvalidArgument("unsupported value " + s +
                                   ": JSON has no NaN or infinity");
  }
  const char first = s[0];
  if (first == '.') {
    double d = 0;
    if (IsYamlFloat(s) && ParseFiniteDouble(s, &d)) {
      *out = d;
      return Status::Ok();
    }
  } else if (std::isdigit(static_cast<unsigned char>(first)) || first == '+' ||
             first == '-') {
    std::string plain;
    for (char c : s) {
      if (c != '_') plain.push_back(c);
    }
    std::int64_t i = 0;
    std::uint64_t u = 0;
    switch (ParseGoInteger(plain, &i, &u)) {
      case IntKind::kSigned:
        *out = i;
        return Status::Ok();
      case IntKind::kUnsigned:
        *out = u;
        return Status::Ok();
      default:
        break;
    }
    double d = 0;
    if (IsYamlFloat(plain) && ParseFiniteDouble(plain, &d)) {
      *out = d;
      return Status::Ok();
    }
  }
  *out = s;
  return Status::Ok();
}

}  // namespace rayguard::manifest
