// List functions: the Kubernetes `lists` library (isSorted, sum, min, max,
// indexOf, lastIndexOf), cel-go's lists extension (lists.range, reverse,
// slice, flatten, sort, distinct; sortBy is a macro) and the sets extension.

#include <algorithm>

#include "webhook/cel/function_registry.h"

namespace rayguard::cel {

namespace {

using K = Value::Kind;
using Args = std::span<const Value>;

std::vector<Value> Elements(const Value& list) {
  std::vector<Value> out;
  out.reserve(list.list_size());
  for (size_t i = 0; i < list.list_size(); ++i) out.push_back(list.list_at(i));
  return out;
}

Value IntZero() { return Value::Int(0); }
Value UintZero() { return Value::Uint(0); }
Value DoubleZero() { return Value::Double(0.0); }
Value DurationZero() { return Value::Duration({}); }

bool Comparable(const Value& v) {
  K k = v.kind();
  return k == K::kInt || k == K::kUint || k == K::kDouble || k == K::kString ||
         k == K::kBytes || k == K::kBool || k == K::kDuration ||
         k == K::kTimestamp;
}

Value IsSorted(Args a) {
  size_t n = a[0].list_size();
  for (size_t i = 0; i + 1 < n; ++i) {
    Value x = a[0].list_at(i), y = a[0].list_at(i + 1);
    auto c = Compare(x, y);
    if (!c) return NoSuchOverload("isSorted", a);
    if (*c > 0) return Value::Bool(false);
  }
  return Value::Bool(true);
}

// `zero` is what an empty list sums to: int 0 unless the compiler knew the
// element type (see TypedSum in compile.cc).
template <Value (*zero)()>
Value Sum(Args a) {
  size_t n = a[0].list_size();
  if (n == 0) return zero();
  Value acc = a[0].list_at(0);
  // `_+_`'s overloads, looked up once: sum() runs per evaluation.
  static const std::vector<Overload>* const add =
      BuiltinFunctions().Find("_+_");
  for (size_t i = 1; i < n; ++i) {
    Value next = a[0].list_at(i);
    if (acc.kind() == K::kString || acc.kind() == K::kList ||
        acc.kind() == K::kBytes) {
      return NoSuchOverload("sum", a);
    }
    const Overload* match = nullptr;
    for (const Overload& o : *add) {
      if (o.params[0].Matches(acc) && o.params[1].Matches(next)) {
        match = &o;
        break;
      }
    }
    if (!match) return NoSuchOverload("sum", a);
    std::array<Value, 2> pair{acc, next};
    Value r = match->impl(pair);
    if (r.IsError()) return r;
    acc = r;
  }
  return acc;
}

template <bool kMax>
Value Extreme(Args a) {
  size_t n = a[0].list_size();
  if (n == 0) {
    return Value::Error(std::string(kMax ? "max" : "min") +
                        " called on empty list");
  }
  Value best = a[0].list_at(0);
  if (!Comparable(best)) return NoSuchOverload(kMax ? "max" : "min", a);
  for (size_t i = 1; i < n; ++i) {
    Value v = a[0].list_at(i);
    auto c = Compare(v, best);
    if (!c) return NoSuchOverload(kMax ? "max" : "min", a);
    if (kMax ? *c > 0 : *c < 0) best = v;
  }
  return best;
}

Value IndexOf(Args a) {
  for (size_t i = 0; i < a[0].list_size(); ++i) {
    if (Equal(a[0].list_at(i), a[1])) return Value::Int(int64_t(i));
  }
  return Value::Int(-1);
}

Value LastIndexOf(Args a) {
  for (size_t i = a[0].list_size(); i > 0; --i) {
    if (Equal(a[0].list_at(i - 1), a[1])) return Value::Int(int64_t(i - 1));
  }
  return Value::Int(-1);
}

Value Range(Args a) {
  // Bounded so that one call cannot exhaust memory before the cost check.
  constexpr int64_t kMaxRange = 1000000;
  if (a[0].int_value() > kMaxRange) {
    return Value::Error("lists.range: " + std::to_string(a[0].int_value()) +
                        " exceeds the limit of " + std::to_string(kMaxRange));
  }
  std::vector<Value> out;
  for (int64_t i = 0; i < a[0].int_value(); ++i) out.push_back(Value::Int(i));
  return Value::List(std::move(out));
}

Value Reverse(Args a) {
  std::vector<Value> out = Elements(a[0]);
  std::reverse(out.begin(), out.end());
  return Value::List(std::move(out));
}

Value Slice(Args a) {
  int64_t start = a[1].int_value(), end = a[2].int_value();
  int64_t n = int64_t(a[0].list_size());
  if (start < 0 || end < 0) {
    return Value::Error("cannot slice(" + std::to_string(start) + ", " +
                        std::to_string(end) + "), negative indexes not supported");
  }
  if (start > end) {
    return Value::Error("cannot slice(" + std::to_string(start) + ", " +
                        std::to_string(end) +
                        "), start index must be less than or equal to end index");
  }
  if (end > n) {
    return Value::Error("cannot slice(" + std::to_string(start) + ", " +
                        std::to_string(end) + "), list is length " +
                        std::to_string(n));
  }
  std::vector<Value> out;
  for (int64_t i = start; i < end; ++i) out.push_back(a[0].list_at(i));
  return Value::List(std::move(out));
}

void FlattenInto(const Value& list, int64_t depth, std::vector<Value>* out) {
  for (size_t i = 0; i < list.list_size(); ++i) {
    Value v = list.list_at(i);
    if (v.kind() == K::kList && depth > 0) {
      FlattenInto(v, depth - 1, out);
    } else {
      out->push_back(std::move(v));
    }
  }
}

Value Flatten(Args a) {
  int64_t depth = a.size() > 1 ? a[1].int_value() : 1;
  if (depth < 0) return Value::Error("level must be non-negative");
  // Depth is bounded by the list's own nesting, which is finite.
  std::vector<Value> out;
  FlattenInto(a[0], std::min<int64_t>(depth, 1000), &out);
  return Value::List(std::move(out));
}

Value Sort(Args a) {
  std::vector<Value> out = Elements(a[0]);
  for (const Value& v : out) {
    if (!Comparable(v) || (!out.empty() && !Compare(v, out[0]))) {
      return NoSuchOverload("sort", a);
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const Value& x, const Value& y) {
    return Compare(x, y).value_or(0) < 0;
  });
  return Value::List(std::move(out));
}

Value Distinct(Args a) {
  std::vector<Value> out;
  for (size_t i = 0; i < a[0].list_size(); ++i) {
    Value v = a[0].list_at(i);
    bool seen = false;
    for (const Value& o : out) seen = seen || Equal(o, v);
    if (!seen) out.push_back(std::move(v));
  }
  return Value::List(std::move(out));
}

bool ListContains(const Value& list, const Value& v) {
  for (size_t i = 0; i < list.list_size(); ++i) {
    if (Equal(list.list_at(i), v)) return true;
  }
  return false;
}

Value SetsContains(Args a) {
  for (size_t i = 0; i < a[1].list_size(); ++i) {
    if (!ListContains(a[0], a[1].list_at(i))) return Value::Bool(false);
  }
  return Value::Bool(true);
}

Value SetsEquivalent(Args a) {
  Value forward = SetsContains(a);
  if (!forward.bool_value()) return forward;
  std::array<Value, 2> swapped{a[1], a[0]};
  return SetsContains(swapped);
}

Value SetsIntersects(Args a) {
  for (size_t i = 0; i < a[1].list_size(); ++i) {
    if (ListContains(a[0], a[1].list_at(i))) return Value::Bool(true);
  }
  return Value::Bool(false);
}

}  // namespace

Status RegisterListsLibrary(FunctionRegistry& r) {
  r.AddMember("isSorted", {K::kList}, IsSorted);
  r.AddMember("sum", {K::kList}, Sum<IntZero>);
  // Chosen at compile time for lists of an evident element type; '@' keeps
  // them out of reach of expressions.
  r.AddMember("sum@double", {K::kList}, Sum<DoubleZero>);
  r.AddMember("sum@uint", {K::kList}, Sum<UintZero>);
  r.AddMember("sum@duration", {K::kList}, Sum<DurationZero>);
  r.AddMember("min", {K::kList}, Extreme<false>);
  r.AddMember("max", {K::kList}, Extreme<true>);
  r.AddMember("indexOf", {K::kList, kAny}, IndexOf);
  r.AddMember("lastIndexOf", {K::kList, kAny}, LastIndexOf);
  r.AddGlobal("lists.range", {K::kInt}, Range);
  r.AddMember("reverse", {K::kList}, Reverse);
  r.AddMember("slice", {K::kList, K::kInt, K::kInt}, Slice);
  r.AddMember("flatten", {K::kList}, Flatten);
  r.AddMember("flatten", {K::kList, K::kInt}, Flatten);
  r.AddMember("sort", {K::kList}, Sort);
  r.AddMember("distinct", {K::kList}, Distinct);
  return Status::Ok();
}

Status RegisterSetsLibrary(FunctionRegistry& r) {
  r.AddGlobal("sets.contains", {K::kList, K::kList}, SetsContains);
  r.AddGlobal("sets.equivalent", {K::kList, K::kList}, SetsEquivalent);
  r.AddGlobal("sets.intersects", {K::kList, K::kList}, SetsIntersects);
  return Status::Ok();
}

}  // namespace rayguard::cel
