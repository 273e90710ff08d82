#include "webhook/rules/internal/syntax.h"

#include <algorithm>
#include <cctype>

namespace rayguard::rules::internal {
namespace {

constexpr std::size_t kMaxLabelLength = 63;
constexpr std::size_t kMaxSubdomainLength = 253;

bool IsLowerAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool IsAlnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

// ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]
bool IsQualifiedPart(std::string_view s) {
  if (s.empty() || !IsAlnum(s.front()) || !IsAlnum(s.back())) return false;
  for (char c : s) {
    if (!IsAlnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

bool IsDns1123Subdomain(std::string_view s) {
  if (s.empty() || s.size() > kMaxSubdomainLength) return false;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = s.find('.', start);
    if (!IsDns1123Label(s.substr(start, dot - start))) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

const char kQualifiedPartRule[] =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start "
    "and end with an alphanumeric character";

}  // namespace

bool MatchesDns1035Pattern(std::string_view s, bool prefix) {
  if (s.empty()) return false;
  if (!(s.front() >= 'a' && s.front() <= 'z')) return false;
  for (char c : s) {
    if (!IsLowerAlnum(c) && c != '-') return false;
  }
  return prefix || s.back() != '-';
}

bool IsDns1123Label(std::string_view s) {
  if (s.empty() || s.size() > kMaxLabelLength) return false;
  if (!IsLowerAlnum(s.front()) || !IsLowerAlnum(s.back())) return false;
  for (char c : s) {
    if (!IsLowerAlnum(c) && c != '-') return false;
  }
  return true;
}

std::vector<std::string> QualifiedNameErrors(std::string_view key) {
  std::vector<std::string> errors;
  std::string_view name = key;
  std::size_t slash = key.find('/');
  if (slash != std::string_view::npos) {
    std::string_view prefix = key.substr(0, slash);
    name = key.substr(slash + 1);
    if (prefix.empty()) {
      errors.push_back("prefix part must be non-empty");
    } else if (!IsDns1123Subdomain(prefix)) {
      errors.push_back("prefix part must be a lowercase RFC 1123 subdomain");
    }
    if (name.find('/') != std::string_view::npos) {
      errors.push_back("a qualified name must have at most one '/'");
      return errors;
    }
  }
  if (name.empty()) {
    errors.push_back("name part must be non-empty");
  } else if (name.size() > kMaxLabelLength) {
    errors.push_back("name part must be no more than 63 characters");
  } else if (!IsQualifiedPart(name)) {
    errors.push_back(std::string("name part ") + kQualifiedPartRule);
  }
  return errors;
}

std::vector<std::string> LabelValueErrors(std::string_view value) {
  std::vector<std::string> errors;
  if (value.size() > kMaxLabelLength) {
    errors.push_back("must be no more than 63 characters");
  }
  if (!value.empty() && !IsQualifiedPart(value)) {
    errors.push_back(std::string("a valid label ") + kQualifiedPartRule);
  }
  return errors;
}

std::optional<std::vector<std::int64_t>> ParseGenericVersion(
    std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) {
    s.remove_prefix(1);
  }
  if (!s.empty() && s.front() == 'v') s.remove_prefix(1);
  std::vector<std::int64_t> parts;
  std::size_t i = 0;
  while (true) {
    std::size_t start = i;
    std::int64_t n = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      if (n > 100000000) return std::nullopt;
      n = n * 10 + (s[i++] - '0');
    }
    if (i == start) return std::nullopt;
    parts.push_back(n);
    if (i + 1 < s.size() && s[i] == '.' &&
        std::isdigit(static_cast<unsigned char>(s[i + 1]))) {
      ++i;
      continue;
    }
    break;
  }
  if (parts.size() < 2) return std::nullopt;
  return parts;
}

bool VersionLess(const std::vector<std::int64_t>& a,
                 const std::vector<std::int64_t>& b) {
  for (std::size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
    std::int64_t x = i < a.size() ? a[i] : 0;
    std::int64_t y = i < b.size() ? b[i] : 0;
    if (x != y) return x < y;
  }
  return false;
}

std::optional<double> ParseGoDuration(std::string_view s) {
  double sign = 1;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    if (s.front() == '-') sign = -1;
    s.remove_prefix(1);
  }
  if (s == "0") return 0.0;
  if (s.empty()) return std::nullopt;
  static const std::pair<std::string_view, double> kUnits[] = {
      {"ns", 1},   {"us", 1e3}, {"\xC2\xB5s", 1e3}, {"\xCE\xBCs", 1e3},
      {"ms", 1e6}, {"s", 1e9},  {"m", 60e9},        {"h", 3600e9}};
  double total = 0;
  while (!s.empty()) {
    std::size_t i = 0;
    while (i < s.size() &&
           (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.'))
      ++i;
    std::string number(s.substr(0, i));
    if (number.find_first_of("0123456789") == std::string::npos ||
        number.find('.') != number.rfind('.')) {
      return std::nullopt;
    }
    s.remove_prefix(i);
    bool matched = false;
    for (const auto& [unit, scale] : kUnits) {
      // Longest units first would be needed for "ms" vs "m": check "ms" before
      // "m".
      if (s.substr(0, unit.size()) == unit &&
          !(unit == "m" && s.substr(0, 2) == "ms")) {
        total += std::stod(number) * scale;
        s.remove_prefix(unit.size());
        matched = true;
        break;
      }
    }
    if (!matched) return std::nullopt;
  }
  // A time.Duration is an int64 of nanoseconds; Go rejects anything larger.
  if (total > 9223372036854775807.0) return std::nullopt;
  return sign * total;
}

std::optional<std::int64_t> ParseGoInt(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s.empty() || s.size() > 18) return std::nullopt;
  std::int64_t n = 0;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return negative ? -n : n;
}

std::string TrimSpace(std::string_view s) {
  constexpr std::string_view kSpace = " \t\n\v\f\r";
  std::size_t begin = s.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return "";
  return std::string(s.substr(begin, s.find_last_not_of(kSpace) - begin + 1));
}

}  // namespace rayguard::rules::internal
