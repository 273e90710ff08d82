#include "webhook/cel/internal/format_clauses.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <initializer_list>

#include "webhook/cel/internal/format.h"

namespace rayguard::cel::internal {

namespace {

constexpr std::string_view kParseError = "could not parse formatting clause: ";

bool IsVerb(char c) {
  return std::string_view("sdfebxXo").find(c) != std::string_view::npos;
}

// Go's %c of rune(b): a byte >= 0x80 is the code point U+0080..U+00FF, so
// the message stays valid UTF-8 whatever the format string holds.
std::string RuneOfByte(char c) {
  auto b = static_cast<uint8_t>(c);
  if (b < 0x80) return std::string(1, c);
  return {static_cast<char>(0xC0 | (b >> 6)), static_cast<char>(0x80 | (b & 0x3F))};
}

// strconv.Atoi of a run of ASCII digits, with Go's error text.
std::string Atoi(std::string_view digits, int64_t* out) {
  const std::string prefix = "error while parsing precision: error while "
                             "converting precision to integer: strconv.Atoi: "
                             "parsing \"" + std::string(digits) + "\": ";
  if (digits.empty()) return prefix + "invalid syntax";
  auto r = std::from_chars(digits.data(), digits.data() + digits.size(), *out);
  if (r.ec == std::errc::result_out_of_range) return prefix + "value out of range";
  return "";
}

// Integer digits grouped in threes with ',' (the en locale's pattern).
std::string Grouped(std::string_view digits) {
  std::string out;
  out.reserve(digits.size() + digits.size() / 3);
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// The shortest round-trip digits of a >= 0, split at the decimal point
// (Go's strconv 'g' with precision -1, as the number formatter uses them).
void ShortestDigits(double a, std::string* int_part, std::string* frac) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, a, std::chars_format::scientific);
  std::string_view s(buf, r.ptr - buf);
  size_t e = s.find('e');
  std::string digits;
  for (char c : s.substr(0, e)) {
    if (c != '.') digits += c;
  }
  int exp = 0;
  std::from_chars(s.data() + e + 1 + (s[e + 1] == '+'), s.data() + s.size(), exp);
  if (exp < 0) {
    *int_part = "0";
    *frac = std::string(-exp - 1, '0') + digits;
  } else if (size_t(exp) + 1 >= digits.size()) {
    *int_part = digits + std::string(exp + 1 - digits.size(), '0');
    frac->clear();
  } else {
    *int_part = digits.substr(0, exp + 1);
    *frac = digits.substr(exp + 1);
  }
}

std::string Printf(const char* format, double d, int64_t precision) {
  int p = static_cast<int>(precision);
  int n = std::snprintf(nullptr, 0, format, p, d);
  if (n <= 0) return "";
  std::string out(static_cast<size_t>(n) + 1, '\0');
  std::snprintf(out.data(), out.size(), format, p, d);
  out.resize(static_cast<size_t>(n));
  return out;
}

}  // namespace

std::string WalkFormat(std::string_view text, size_t arg_count,
                       const ClauseRenderer& render, std::string* out,
                       size_t* clauses, bool checking) {
  size_t next_arg = 0;
  for (size_t i = 0; i < text.size();) {
    if (text[i] != '%') {
      *out += text[i++];
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '%') {
      *out += '%';
      i += 2;
      continue;
    }
    std::string missing =
        next_arg >= arg_count
            ? "index " + std::to_string(next_arg) + " out of range"
            : "";
    if (!checking && !missing.empty()) return missing;
    if (i + 1 >= text.size()) return "unexpected end of string";
    if (!missing.empty()) return missing;
    FormatClause clause;
    clause.arg_index = next_arg++;
    size_t j = i + 1;
    if (text[j] == '.') {
      size_t start = ++j;
      while (j < text.size() && text[j] >= '0' && text[j] <= '9') ++j;
      if (j >= text.size()) {
        return std::string(kParseError) +
               "error while parsing precision: could not find end of "
               "precision specifier";
      }
      int64_t precision = 0;
      std::string error = Atoi(text.substr(start, j - start), &precision);
      if (!error.empty()) return std::string(kParseError) + error;
      clause.precision = precision;
    }
    clause.verb = text[j];
    if (!IsVerb(clause.verb)) {
      return std::string(kParseError) + "unrecognized formatting clause \"" +
             RuneOfByte(clause.verb) + "\"";
    }
    if (clauses) ++*clauses;
    std::string error = render(clause, out);
    if (!error.empty()) return "error during formatting: " + error;
    i = j + 1;
  }
  return "";
}

std::string FormatArgumentError(char verb, std::string_view kind,
                                bool spec) {
  auto one_of = [&](std::initializer_list<std::string_view> kinds) {
    for (std::string_view k : kinds) {
      if (k == kind) return true;
    }
    return false;
  };
  std::string given(kind);
  switch (verb) {
    case 'd':
      if (one_of({"int", "uint"}) || (spec && kind == "double")) return "";
      return "decimal clause can only be used on integers, was given " + given;
    case 'f':
    case 'e':
      // Kubernetes: also the strings "NaN", "Infinity", "-Infinity".
      if (spec ? one_of({"double", "int", "uint"})
               : one_of({"double", "string"})) {
        return "";
      }
      return std::string(verb == 'f' ? "fixed-point" : "scientific") +
             " clause can only be used on doubles, was given " + given;
    case 'b':
      if (one_of({"int", "uint", "bool"})) return "";
      return "only integers and bools can be formatted as binary, was given " +
             given;
    case 'o':
      if (one_of({"int", "uint"})) return "";
      return "octal clause can only be used on integers, was given " + given;
    case 'x':
    case 'X':
      if (one_of({"int", "uint", "string", "bytes"})) return "";
      return "only integers, byte buffers, and strings can be formatted as "
             "hex, was given " + given;
  }
  return "";
}

bool GoPrintfRefuses(int64_t n) { return n / 10 > 1000000; }

std::string PrintfFixed(double d, int64_t precision) {
  return Printf("%.*f", d, precision);
}

std::string PrintfScientific(double d, int64_t precision) {
  return Printf("%.*e", d, precision);
}

std::string KubernetesFixed(double d, int64_t precision) {
  if (GoPrintfRefuses(precision)) return "%!(NOVERB)";
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "∞" : "-∞";
  // The printer stores the precision as both the minimum (uint8) and the
  // maximum (int16) number of fraction digits.
  auto max_frac = static_cast<int16_t>(static_cast<uint16_t>(precision & 0xFFFF));
  auto min_frac = static_cast<size_t>(precision & 0xFF);
  double a = std::fabs(d);
  std::string int_part, frac;
  if (max_frac >= 0) {
    std::string s = PrintfFixed(a, max_frac);
    size_t dot = s.find('.');
    int_part = s.substr(0, dot);
    if (dot != std::string::npos) frac = s.substr(dot + 1);
  } else {
    ShortestDigits(a, &int_part, &frac);
  }
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  if (frac.size() < min_frac) frac.append(min_frac - frac.size(), '0');
  std::string out = d < 0 ? "-" : "";
  out += Grouped(int_part);
  if (!frac.empty()) out += "." + frac;
  return out;
}

std::string KubernetesScientific(double d, int64_t width) {
  if (GoPrintfRefuses(width)) return "%!(NOVERB)";
  std::string body;
  if (std::isnan(d)) {
    body = "NaN";
  } else if (std::isinf(d)) {
    body = d > 0 ? "∞" : "-∞";
  } else {
    std::string s = PrintfScientific(std::fabs(d), 6);  // "1.230000e-04"
    size_t e = s.find('e');
    int exp = 0;
    std::from_chars(s.data() + e + 2, s.data() + s.size(), exp);
    static const char* const kSuper[] = {"⁰", "¹", "²", "³", "⁴",
                                         "⁵", "⁶", "⁷", "⁸", "⁹"};
    body = d < 0 ? "-" : "";
    body += s.substr(0, e);
    body += "×10";
    if (s[e + 1] == '-') body += "⁻";
    std::string digits = std::to_string(exp);
    if (digits.size() < 2) digits.insert(0, 2 - digits.size(), '0');
    for (char c : digits) body += kSuper[c - '0'];
  }
  auto w = static_cast<size_t>(static_cast<uint16_t>(width & 0xFFFF));
  auto count = static_cast<size_t>(CodePointCount(body));
  if (count < w) body.insert(0, w - count, ' ');
  return body;
}

}  // namespace rayguard::cel::internal
