// Optional values (cel-go's optional library, enabled in Kubernetes 1.28+).

#include "webhook/cel/function_registry.h"

namespace rayguard::cel {

namespace {

using K = Value::Kind;
using Args = std::span<const Value>;

Value Of(Args a) { return Value::Optional(a[0]); }
Value None(Args) { return Value::OptionalNone(); }

bool IsZero(const Value& v) {
  switch (v.kind()) {
    case K::kNull: return true;
    case K::kBool: return !v.bool_value();
    case K::kInt: return v.int_value() == 0;
    case K::kUint: return v.uint_value() == 0;
    case K::kDouble: return v.double_value() == 0;
    case K::kString:
    case K::kBytes: return v.string_value().empty();
    case K::kList: return v.list_size() == 0;
    case K::kMap:
    case K::kObject: return v.map_size() == 0;
    case K::kDuration:
      return v.time_value().seconds == 0 && v.time_value().nanos == 0;
    case K::kTimestamp:  // Go's zero time, 0001-01-01T00:00:00Z
      return v.time_value().seconds == -62135596800 && v.time_value().nanos == 0;
    default: return false;
  }
}

Value OfNonZero(Args a) {
  return IsZero(a[0]) ? Value::OptionalNone() : Value::Optional(a[0]);
}
Value HasValue(Args a) { return Value::Bool(a[0].optional_value() != nullptr); }
Value GetValue(Args a) {
  if (!a[0].optional_value()) return Value::Error("optional.none() dereference");
  return *a[0].optional_value();
}
Value OrValue(Args a) {
  return a[0].optional_value() ? *a[0].optional_value() : a[1];
}
Value Or(Args a) { return a[0].optional_value() ? a[0] : a[1]; }

Value First(Args a) {
  if (a[0].list_size() == 0) return Value::OptionalNone();
  return Value::Optional(a[0].list_at(0));
}
Value Last(Args a) {
  size_t n = a[0].list_size();
  if (n == 0) return Value::OptionalNone();
  return Value::Optional(a[0].list_at(n - 1));
}
// The values of the non-empty optionals in a list.
Value Unwrap(Args a) {
  std::vector<Value> out;
  for (size_t i = 0; i < a[0].list_size(); ++i) {
    Value v = a[0].list_at(i);
    if (v.kind() != K::kOptional) return NoSuchOverload("unwrap", a);
    if (v.optional_value()) out.push_back(*v.optional_value());
  }
  return Value::List(std::move(out));
}

}  // namespace

Status RegisterOptionalLibrary(FunctionRegistry& r) {
  r.AddGlobal("optional.of", {kAny}, Of);
  r.AddGlobal("optional.none", {}, None);
  r.AddGlobal("optional.ofNonZeroValue", {kAny}, OfNonZero);
  r.AddMember("hasValue", {K::kOptional}, HasValue);
  r.AddMember("value", {K::kOptional}, GetValue);
  r.AddMember("orValue", {K::kOptional, kAny}, OrValue);
  r.AddMember("or", {K::kOptional, K::kOptional}, Or);
  r.AddMember("first", {K::kList}, First);
  r.AddMember("last", {K::kList}, Last);
  r.AddGlobal("optional.unwrap", {K::kList}, Unwrap);
  r.AddMember("unwrapOpt", {K::kList}, Unwrap);
  return Status::Ok();
}

}  // namespace rayguard::cel
