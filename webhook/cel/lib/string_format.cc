// `<string>.format(list)`: printf-style substitution. Clauses: %s %d %f %e
// %b %o %x %X, an optional ".N" (a precision for %f, read and ignored
// elsewhere; for %e a precision in cel-spec, a width in Kubernetes), and %%
// for a literal percent sign. Any N is safe: text is sized to what it
// renders. Two dialects:
//  - Kubernetes (strings extension versions 1 to 3, what the API server
//    runs): cel-go's older formatter with the en_US locale; list and map
//    elements are shown like CEL literals, %f/%e take doubles only.
//  - cel-spec (strings extension version 4+, "format@4" internally): list
//    and map elements as %s shows them, %f/%e also take ints, %d takes
//    NaN and infinities, no locale.

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "webhook/cel/function_registry.h"
#include "webhook/cel/internal/format.h"
#include "webhook/cel/internal/format_clauses.h"

namespace rayguard::cel {

namespace {

using K = Value::Kind;
using Args = std::span<const Value>;

// What one clause produced: the text, or the reason it could not.
struct Piece {
  std::string text;
  std::string error;
};

Piece Fail(std::string message) { return {"", std::move(message)}; }

// Which formatter: Kubernetes' (false) or cel-spec's (true).
using Spec = bool;

Piece Rendered(const Value& v, Spec spec);

std::string KindList() {
  return "strings, bools, bytes, ints, doubles, maps, lists, types, "
         "durations, and timestamps";
}

// A list or map element: in Kubernetes' formatter written the way a CEL
// literal would show it, in cel-spec's the way %s shows it.
Piece Quoted(const Value& v, Spec spec) {
  if (spec) return Rendered(v, spec);
  switch (v.kind()) {
    case K::kString:
      return {internal::QuoteString(v.string_value()), ""};
    case K::kBytes:
      // As at the top level: cel-go converts the bytes to a string first,
      // which fails for invalid UTF-8 (and the result must stay UTF-8).
      if (!internal::IsValidUtf8(v.string_value())) {
        return Fail("invalid UTF-8 in bytes, cannot convert to string");
      }
      return {"b" + internal::QuoteString(v.string_value()), ""};
    case K::kDouble: {
      double d = v.double_value();
      if (std::isnan(d) || std::isinf(d)) {
        return {"\"" + internal::GoFormatDouble(d) + "\"", ""};
      }
      return {internal::PrintfFixed(d, 6), ""};
    }
    case K::kTimestamp:
      return {"timestamp(\"" + internal::FormatTimestamp(v.time_value()) +
                  "\")",
              ""};
    case K::kDuration:
      return {"duration(\"" + internal::FormatDuration(v.time_value()) +
                  "\")",
              ""};
    default:
      return Rendered(v, spec);
  }
}

Piece RenderList(const Value& v, Spec spec) {
  std::string out = "[";
  for (size_t i = 0; i < v.list_size(); ++i) {
    Piece p = Quoted(v.list_at(i), spec);
    if (!p.error.empty()) return p;
    if (i) out += ", ";
    out += p.text;
  }
  return {out + "]", ""};
}

// Entries sorted by their rendered key, so the output does not depend on
// the map's internal order.
Piece RenderMap(const Value& v, Spec spec) {
  std::vector<std::pair<std::string, std::string>> entries;
  std::string error;
  v.map_for_each([&](const Value& k, const Value& val) {
    Piece pk = Quoted(k, spec), pv = Quoted(val, spec);
    error = !pk.error.empty() ? pk.error : pv.error;
    entries.emplace_back(std::move(pk.text), std::move(pv.text));
    return error.empty();
  });
  if (!error.empty()) return Fail(error);
  std::sort(entries.begin(), entries.end());
  std::string out = "{";
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i) out += ", ";
    out += entries[i].first + (spec ? ": " : ":") + entries[i].second;
  }
  return {out + "}", ""};
}

std::string SpecDouble(double d) {
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  return internal::GoFormatDouble(d);
}

// %s: the string() conversion of a scalar; lists and maps element-wise.
Piece Rendered(const Value& v, Spec spec) {
  switch (v.kind()) {
    case K::kString: return {std::string(v.string_value()), ""};
    case K::kInt: return {std::to_string(v.int_value()), ""};
    case K::kUint: return {std::to_string(v.uint_value()), ""};
    case K::kDouble:
      if (spec) return {SpecDouble(v.double_value()), ""};
      return {internal::GoFormatDouble(v.double_value()), ""};
    case K::kBool: return {v.bool_value() ? "true" : "false", ""};
    case K::kNull: return {"null", ""};
    case K::kType: return {std::string(v.type_name()), ""};
    case K::kBytes:
      if (!internal::IsValidUtf8(v.string_value())) {
        return Fail("invalid UTF-8 in bytes, cannot convert to string");
      }
      return {std::string(v.string_value()), ""};
    case K::kTimestamp:
      return {internal::FormatTimestamp(v.time_value()), ""};
    case K::kDuration: return {internal::FormatDuration(v.time_value()), ""};
    case K::kList: return RenderList(v, spec);
    case K::kMap: return RenderMap(v, spec);
    default:
      return Fail("string clause can only be used on " + KindList() +
                  ", was given " + v.TypeName());
  }
}

// Digits of |n| in `base`, with a '-' for negatives.
std::string InBase(bool negative, uint64_t magnitude, int base, bool upper) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out;
  do {
    out += digits[magnitude % base];
    magnitude /= base;
  } while (magnitude);
  if (negative) out += '-';
  std::reverse(out.begin(), out.end());
  return out;
}

std::optional<std::string> Integer(const Value& v, int base, bool upper) {
  if (v.kind() == K::kUint) return InBase(false, v.uint_value(), base, upper);
  if (v.kind() != K::kInt) return std::nullopt;
  int64_t i = v.int_value();
  uint64_t mag = i < 0 ? 0 - uint64_t(i) : uint64_t(i);
  return InBase(i < 0, mag, base, upper);
}

Piece Decimal(const Value& v, Spec spec) {
  if (auto s = Integer(v, 10, false)) return {*s, ""};
  if (spec && v.kind() == K::kDouble && !std::isfinite(v.double_value())) {
    return {SpecDouble(v.double_value()), ""};
  }
  return Fail("decimal clause can only be used on integers, was given " +
              v.TypeName());
}

Piece Binary(const Value& v) {
  if (v.kind() == K::kBool) return {v.bool_value() ? "1" : "0", ""};
  if (auto s = Integer(v, 2, false)) return {*s, ""};
  return Fail("only integers and bools can be formatted as binary, was given " +
              v.TypeName());
}

Piece Octal(const Value& v) {
  if (auto s = Integer(v, 8, false)) return {*s, ""};
  return Fail("octal clause can only be used on integers, was given " +
              v.TypeName());
}

Piece Hex(const Value& v, bool upper) {
  if (auto s = Integer(v, 16, upper)) return {*s, ""};
  if (v.kind() == K::kString || v.kind() == K::kBytes) {
    const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    std::string out;
    for (char c : v.string_value()) {
      out += digits[uint8_t(c) >> 4];
      out += digits[uint8_t(c) & 15];
    }
    return {out, ""};
  }
  return Fail(
      "only integers, byte buffers, and strings can be formatted as hex, was "
      "given " +
      v.TypeName());
}

// %f and %e take a double, or one of the strings "NaN", "Infinity",
// "-Infinity" (Kubernetes), or any number (cel-spec).
std::optional<double> Floating(const Value& v, Spec spec) {
  if (v.kind() == K::kDouble) return v.double_value();
  if (spec && v.kind() == K::kInt) return double(v.int_value());
  if (spec && v.kind() == K::kUint) return double(v.uint_value());
  if (spec) return std::nullopt;
  if (v.kind() != K::kString) return std::nullopt;
  std::string_view s = v.string_value();
  if (s == "NaN") return NAN;
  if (s == "Infinity") return INFINITY;
  if (s == "-Infinity") return -INFINITY;
  return std::nullopt;
}

// Go's fmt refuses precisions past ten million the same way (cel-spec).
std::string SpecFloat(double d, int64_t precision, bool scientific) {
  if (std::isnan(d) || std::isinf(d)) return SpecDouble(d);
  if (internal::GoPrintfRefuses(precision)) return "%!(NOVERB)";
  return scientific ? internal::PrintfScientific(d, precision)
                    : internal::PrintfFixed(d, precision);
}

Piece Fixed(const Value& v, std::optional<int64_t> precision, Spec spec) {
  auto d = Floating(v, spec);
  if (!d) {
    return Fail("fixed-point clause can only be used on doubles, was given " +
                v.TypeName());
  }
  int64_t p = precision.value_or(6);
  if (spec) return {SpecFloat(*d, p, false), ""};
  return {internal::KubernetesFixed(*d, p), ""};
}

// Kubernetes: "3.140000×10⁰⁰"; the number after '.' is a width there.
// cel-spec: "3.140000e+00".
Piece Scientific(const Value& v, std::optional<int64_t> precision,
                 Spec spec) {
  auto d = Floating(v, spec);
  if (!d) {
    return Fail("scientific clause can only be used on doubles, was given " +
                v.TypeName());
  }
  int64_t p = precision.value_or(6);
  if (spec) return {SpecFloat(*d, p, true), ""};
  return {internal::KubernetesScientific(*d, p), ""};
}

// One clause over its argument. A precision only matters to %f and %e;
// cel-go reads and ignores it elsewhere ("%.3d").
Piece Clause(const internal::FormatClause& c, const Value& arg, Spec spec) {
  switch (c.verb) {
    case 's': return Rendered(arg, spec);
    case 'd': return Decimal(arg, spec);
    case 'f': return Fixed(arg, c.precision, spec);
    case 'e': return Scientific(arg, c.precision, spec);
    case 'b': return Binary(arg);
    case 'o': return Octal(arg);
    case 'x': return Hex(arg, false);
    default: return Hex(arg, true);  // 'X'; WalkFormat admits no other verb
  }
}

template <Spec spec>
Value Format(Args a) {
  const Value& args = a[1];
  std::string out;
  std::string error = internal::WalkFormat(
      a[0].string_value(), args.list_size(),
      [&](const internal::FormatClause& c, std::string* text) {
        Piece p = Clause(c, args.list_at(c.arg_index), spec);
        *text += p.text;
        return p.error;
      },
      &out);
  if (!error.empty()) return Value::Error(error);
  return Value::String(std::move(out));
}

}  // namespace

Status RegisterStringFormatLibrary(FunctionRegistry& r) {
  r.AddMember("format", {K::kString, K::kList}, Format<false>);
  // Chosen by the compiler for Env::strings_version >= 4; '@' keeps the
  // name out of reach of expressions.
  r.AddMember("format@4", {K::kString, K::kList}, Format<true>);
  return Status::Ok();
}

}  // namespace rayguard::cel
