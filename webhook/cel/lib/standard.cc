// The CEL standard library: arithmetic, ordering, size, type conversions and
// the basic string predicates.

#include <charconv>
#include <cmath>
#include <limits>

#include <re2/re2.h>

#include "webhook/cel/function_registry.h"
#include "webhook/cel/internal/format.h"
#include "webhook/cel/internal/regex_cache.h"
#include "webhook/cel/internal/value_heap.h"

namespace rayguard::cel {

namespace {

using K = Value::Kind;
using Args = std::span<const Value>;

Value Overflow() { return Value::Error("integer overflow"); }

Value AddInt(Args a) {
  int64_t r;
  if (__builtin_add_overflow(a[0].int_value(), a[1].int_value(), &r)) return Overflow();
  return Value::Int(r);
}
Value SubInt(Args a) {
  int64_t r;
  if (__builtin_sub_overflow(a[0].int_value(), a[1].int_value(), &r)) return Overflow();
  return Value::Int(r);
}
Value MulInt(Args a) {
  int64_t r;
  if (__builtin_mul_overflow(a[0].int_value(), a[1].int_value(), &r)) return Overflow();
  return Value::Int(r);
}
Value DivInt(Args a) {
  int64_t x = a[0].int_value(), y = a[1].int_value();
  if (y == 0) return Value::Error("division by zero");
  if (x == std::numeric_limits<int64_t>::min() && y == -1) return Overflow();
  return Value::Int(x / y);
}
Value ModInt(Args a) {
  int64_t x = a[0].int_value(), y = a[1].int_value();
  if (y == 0) return Value::Error("modulus by zero");
  if (x == std::numeric_limits<int64_t>::min() && y == -1) return Overflow();
  return Value::Int(x % y);
}
Value NegInt(Args a) {
  if (a[0].int_value() == std::numeric_limits<int64_t>::min()) return Overflow();
  return Value::Int(-a[0].int_value());
}
Value AddUint(Args a) {
  uint64_t r;
  if (__builtin_add_overflow(a[0].uint_value(), a[1].uint_value(), &r)) return Overflow();
  return Value::Uint(r);
}
Value SubUint(Args a) {
  uint64_t r;
  if (__builtin_sub_overflow(a[0].uint_value(), a[1].uint_value(), &r)) return Overflow();
  return Value::Uint(r);
}
Value MulUint(Args a) {
  uint64_t r;
  if (__builtin_mul_overflow(a[0].uint_value(), a[1].uint_value(), &r)) return Overflow();
  return Value::Uint(r);
}
Value DivUint(Args a) {
  if (a[1].uint_value() == 0) return Value::Error("division by zero");
  return Value::Uint(a[0].uint_value() / a[1].uint_value());
}
Value ModUint(Args a) {
  if (a[1].uint_value() == 0) return Value::Error("modulus by zero");
  return Value::Uint(a[0].uint_value() % a[1].uint_value());
}
Value AddDouble(Args a) { return Value::Double(a[0].double_value() + a[1].double_value()); }
Value SubDouble(Args a) { return Value::Double(a[0].double_value() - a[1].double_value()); }
Value MulDouble(Args a) { return Value::Double(a[0].double_value() * a[1].double_value()); }
Value DivDouble(Args a) { return Value::Double(a[0].double_value() / a[1].double_value()); }
Value NegDouble(Args a) { return Value::Double(-a[0].double_value()); }

Value Concat(Args a) {
  std::string s(a[0].string_value());
  s += a[1].string_value();
  return a[0].kind() == K::kBytes ? Value::Bytes(std::move(s))
                                  : Value::String(std::move(s));
}
Value ConcatList(Args a) {
  std::vector<Value> out;
  size_t n = a[0].list_size(), m = a[1].list_size();
  if (n == 0) return a[1];
  if (m == 0) return a[0];
  out.reserve(n + m);
  for (size_t i = 0; i < n; ++i) out.push_back(a[0].list_at(i));
  for (size_t i = 0; i < m; ++i) out.push_back(a[1].list_at(i));
  return Value::List(std::move(out));
}

bool IsNumber(K k) { return k == K::kInt || k == K::kUint || k == K::kDouble; }

template <bool (*Test)(int)>
Value Ordering(Args a) {
  std::optional<int> c = Compare(a[0], a[1]);
  if (!c) {
    if (IsNumber(a[0].kind()) && IsNumber(a[1].kind())) {
      return Value::Bool(false);  // NaN
    }
    return NoSuchOverload("ordering", a);
  }
  return Value::Bool(Test(*c));
}
bool Lt(int c) { return c < 0; }
bool Le(int c) { return c <= 0; }
bool Gt(int c) { return c > 0; }
bool Ge(int c) { return c >= 0; }

Value Size(Args a) {
  switch (a[0].kind()) {
    case K::kString:
      return Value::Int(internal::CodePointCount(a[0].string_value()));
    case K::kBytes: return Value::Int(int64_t(a[0].string_value().size()));
    case K::kList: return Value::Int(int64_t(a[0].list_size()));
    case K::kMap:
    case K::kObject: return Value::Int(int64_t(a[0].map_size()));
    default: return NoSuchOverload("size", a);
  }
}

Value RangeError(const char* target) {
  return Value::Error(std::string("range error converting to ") + target);
}

std::optional<int64_t> ParseInt(std::string_view s) {
  int64_t v;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

Value ToInt(Args a) {
  const Value& v = a[0];
  switch (v.kind()) {
    case K::kInt: return v;
    case K::kUint:
      if (v.uint_value() > uint64_t(std::numeric_limits<int64_t>::max())) {
        return RangeError("int");
      }
      return Value::Int(int64_t(v.uint_value()));
    case K::kDouble: {
      double d = v.double_value();
      // Both ends are exclusive: 2^63 itself does not fit, and cel-go
      // rejects -2^63 as well.
      if (!(d > -9223372036854775808.0 && d < 9223372036854775808.0)) {
        return RangeError("int");
      }
      return Value::Int(int64_t(d));
    }
    case K::kString: {
      auto i = ParseInt(v.string_value());
      if (!i) return Value::Error("cannot convert '" + std::string(v.string_value()) + "' to int");
      return Value::Int(*i);
    }
    case K::kTimestamp: return Value::Int(v.time_value().seconds);
    default: return NoSuchOverload("int", a);
  }
}

Value ToUint(Args a) {
  const Value& v = a[0];
  switch (v.kind()) {
    case K::kUint: return v;
    case K::kInt:
      if (v.int_value() < 0) return RangeError("uint");
      return Value::Uint(uint64_t(v.int_value()));
    case K::kDouble: {
      double d = v.double_value();
      if (!(d > -1.0 && d < 18446744073709551616.0)) return RangeError("uint");
      return Value::Uint(uint64_t(d));
    }
    case K::kString: {
      std::string_view s = v.string_value();
      uint64_t u;
      auto r = std::from_chars(s.data(), s.data() + s.size(), u);
      if (r.ec != std::errc() || r.ptr != s.data() + s.size()) {
        return Value::Error("cannot convert '" + std::string(s) + "' to uint");
      }
      return Value::Uint(u);
    }
    default: return NoSuchOverload("uint", a);
  }
}

Value ToDouble(Args a) {
  const Value& v = a[0];
  switch (v.kind()) {
    case K::kDouble: return v;
    case K::kInt: return Value::Double(double(v.int_value()));
    case K::kUint: return Value::Double(double(v.uint_value()));
    case K::kString: {
      std::string s(v.string_value());
      std::string lower;
      for (char c : s) lower += char(std::tolower(uint8_t(c)));
      std::string_view body = lower;
      bool neg = !body.empty() && body[0] == '-';
      if (!body.empty() && (body[0] == '-' || body[0] == '+')) body.remove_prefix(1);
      if (body == "inf" || body == "infinity") {
        return Value::Double(neg ? -INFINITY : INFINITY);
      }
      if (body == "nan") return Value::Double(NAN);
      double d;
      auto r = std::from_chars(s.data() + (s[0] == '+'), s.data() + s.size(), d);
      if (s.empty() || r.ptr != s.data() + s.size() ||
          (r.ec != std::errc() && r.ec != std::errc::result_out_of_range)) {
        return Value::Error("cannot convert '" + s + "' to double");
      }
      return Value::Double(d);
    }
    default: return NoSuchOverload("double", a);
  }
}

Value ToString(Args a) {
  const Value& v = a[0];
  switch (v.kind()) {
    case K::kString: return v;
    case K::kInt: return Value::String(std::to_string(v.int_value()));
    case K::kUint: return Value::String(std::to_string(v.uint_value()));
    case K::kDouble: return Value::String(internal::GoFormatDouble(v.double_value()));
    case K::kBool: return Value::String(v.bool_value() ? "true" : "false");
    case K::kBytes:
      if (!internal::IsValidUtf8(v.string_value())) {
        return Value::Error("invalid UTF-8 in bytes, cannot convert to string");
      }
      return Value::String(std::string(v.string_value()));
    case K::kTimestamp:
      return Value::String(internal::FormatTimestamp(v.time_value()));
    case K::kDuration:
      return Value::String(internal::FormatDuration(v.time_value()));
    default: return NoSuchOverload("string", a);
  }
}

Value ToBytes(Args a) {
  if (a[0].kind() == K::kBytes) return a[0];
  return Value::Bytes(std::string(a[0].string_value()));
}

Value ToBool(Args a) {
  if (a[0].kind() == K::kBool) return a[0];
  std::string_view s = a[0].string_value();
  if (s == "true" || s == "True" || s == "TRUE" || s == "t" || s == "T" || s == "1") {
    return Value::Bool(true);
  }
  if (s == "false" || s == "False" || s == "FALSE" || s == "f" || s == "F" || s == "0") {
    return Value::Bool(false);
  }
  return Value::Error("type conversion error from 'string' to 'bool'");
}

Value TypeOf(Args a) {
  return Value::Type(a[0].kind() == K::kType ? "type" : a[0].TypeName());
}

Value Contains(Args a) {
  return Value::Bool(a[0].string_value().find(a[1].string_value()) !=
                     std::string_view::npos);
}
Value StartsWith(Args a) {
  return Value::Bool(a[0].string_value().starts_with(a[1].string_value()));
}
Value EndsWith(Args a) {
  return Value::Bool(a[0].string_value().ends_with(a[1].string_value()));
}

Value Matches(Args a) {
  std::string error;
  auto re = internal::CompiledRegex(a[1].string_value(), &error);
  if (!re) return Value::Error(error);
  std::string_view s = a[0].string_value();
  return Value::Bool(RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), *re));
}

}  // namespace

Status RegisterStandardLibrary(FunctionRegistry& r) {
  r.AddGlobal("_+_", {K::kInt, K::kInt}, AddInt);
  r.AddGlobal("_+_", {K::kUint, K::kUint}, AddUint);
  r.AddGlobal("_+_", {K::kDouble, K::kDouble}, AddDouble);
  r.AddGlobal("_+_", {K::kString, K::kString}, Concat);
  r.AddGlobal("_+_", {K::kBytes, K::kBytes}, Concat);
  r.AddGlobal("_+_", {K::kList, K::kList}, ConcatList);
  r.AddGlobal("_-_", {K::kInt, K::kInt}, SubInt);
  r.AddGlobal("_-_", {K::kUint, K::kUint}, SubUint);
  r.AddGlobal("_-_", {K::kDouble, K::kDouble}, SubDouble);
  r.AddGlobal("_*_", {K::kInt, K::kInt}, MulInt);
  r.AddGlobal("_*_", {K::kUint, K::kUint}, MulUint);
  r.AddGlobal("_*_", {K::kDouble, K::kDouble}, MulDouble);
  r.AddGlobal("_/_", {K::kInt, K::kInt}, DivInt);
  r.AddGlobal("_/_", {K::kUint, K::kUint}, DivUint);
  r.AddGlobal("_/_", {K::kDouble, K::kDouble}, DivDouble);
  r.AddGlobal("_%_", {K::kInt, K::kInt}, ModInt);
  r.AddGlobal("_%_", {K::kUint, K::kUint}, ModUint);
  r.AddGlobal("-_", {K::kInt}, NegInt);
  r.AddGlobal("-_", {K::kDouble}, NegDouble);
  r.AddGlobal("_<_", {kAny, kAny}, Ordering<Lt>);
  r.AddGlobal("_<=_", {kAny, kAny}, Ordering<Le>);
  r.AddGlobal("_>_", {kAny, kAny}, Ordering<Gt>);
  r.AddGlobal("_>=_", {kAny, kAny}, Ordering<Ge>);
  r.AddBoth("size", {kAny}, Size);
  r.AddGlobal("int", {kAny}, ToInt);
  r.AddGlobal("uint", {kAny}, ToUint);
  r.AddGlobal("double", {kAny}, ToDouble);
  // One overload per kind, so library types can add their own string().
  for (K k : {K::kString, K::kInt, K::kUint, K::kDouble, K::kBool, K::kBytes,
              K::kTimestamp, K::kDuration}) {
    r.AddGlobal("string", {k}, ToString);
  }
  r.AddGlobal("bytes", {K::kBytes}, ToBytes);
  r.AddGlobal("bytes", {K::kString}, ToBytes);
  r.AddGlobal("bool", {K::kBool}, ToBool);
  r.AddGlobal("bool", {K::kString}, ToBool);
  r.AddGlobal("type", {kAny}, TypeOf);
  r.AddMember("contains", {K::kString, K::kString}, Contains);
  r.AddMember("startsWith", {K::kString, K::kString}, StartsWith);
  r.AddMember("endsWith", {K::kString, K::kString}, EndsWith);
  r.AddBoth("matches", {K::kString, K::kString}, Matches);
  return Status::Ok();
}

}  // namespace rayguard::cel
