// Comprehension macros (all, exists, exists_one, map, filter, the
// two-variable forms, optMap/optFlatMap and cel.bind), each a direct loop.

#include <algorithm>
#include <array>

#include "webhook/cel/internal/nodes.h"
#include "webhook/cel/internal/value_heap.h"

namespace rayguard::cel::internal {

namespace {

using K = Value::Kind;

enum class Step { kContinue, kStop };

// Calls fn() after binding each element (lists: index, element; maps: key,
// value) to the frame slots. Returns an error Value if the range cannot be
// iterated or the budget runs out, else null.
template <typename Fn>
Value Iterate(Frame& f, const Value& range, int slot1, int slot2, Fn fn) {
  Value* l = f.locals;
  if (range.kind() == K::kList) {
    size_t n = range.list_size();
    for (size_t i = 0; i < n; ++i) {
      if (!f.Charge(1)) return CostExceeded();
      if (slot2 >= 0) {
        l[slot1] = Value::Int(static_cast<int64_t>(i));
        l[slot2] = range.list_at(i);
      } else {
        l[slot1] = range.list_at(i);
      }
      if (fn() == Step::kStop) break;
    }
    return Value();
  }
  if (range.kind() == K::kMap || range.kind() == K::kObject) {
    if (const nlohmann::json* j = range.borrowed_json()) {
      for (auto it = j->begin(); it != j->end(); ++it) {
        if (!f.Charge(1)) return CostExceeded();
        l[slot1] = ValueAccess::BorrowedString(it.key());
        if (slot2 >= 0) l[slot2] = Value::FromJson(&it.value());
        if (fn() == Step::kStop) break;
      }
      return Value();
    }
    Value error;
    range.map_for_each([&](const Value& k, const Value& v) {
      if (!f.Charge(1)) {
        error = CostExceeded();
        return false;
      }
      l[slot1] = k;
      if (slot2 >= 0) l[slot2] = v;
      return fn() == Step::kContinue;
    });
    return error;
  }
  return Value::Error("no such overload: cannot iterate over " +
                      range.TypeName());
}

Value NotBool(const Value& v) {
  if (v.IsError()) return v;
  return Value::Error("no such overload: predicate returned " + v.TypeName());
}

class ComprehensionNode : public Node {
 public:
  ComprehensionNode(MacroKind kind, NodePtr range, int slot1, int slot2,
                    NodePtr filter, NodePtr step)
      : kind_(kind),
        range_(std::move(range)),
        slot1_(slot1),
        slot2_(slot2),
        filter_(std::move(filter)),
        step_(std::move(step)) {}

  Value DoEval(Frame& f) const override {
    Value range = range_->Eval(f);
    if (range.IsError()) return range;
    switch (kind_) {
      case MacroKind::kAll: return Quantifier(f, range, false);
      case MacroKind::kExists: return Quantifier(f, range, true);
      case MacroKind::kExistsOne: return ExistsOne(f, range);
      case MacroKind::kMap:
      case MacroKind::kMapFilter:
      case MacroKind::kFilter:
      case MacroKind::kTransformList: return BuildList(f, range);
      case MacroKind::kTransformMap:
      case MacroKind::kTransformMapEntry: return BuildMap(f, range);
      case MacroKind::kOptMap:
      case MacroKind::kOptFlatMap: return OptMap(f, range);
      case MacroKind::kSortBy: return SortBy(f, range);
      case MacroKind::kBind:
        f.locals[slot1_] = range;
        return step_->Eval(f);
    }
    return Value::Error("unknown macro");
  }

 private:
  // all(): false wins over errors, errors over true; exists() mirrors it.
  Value Quantifier(Frame& f, const Value& range, bool want) const {
    Value error;
    bool decided = false;
    Value status = Iterate(f, range, slot1_, slot2_, [&] {
      Value p = step_->Eval(f);
      if (p.kind() == K::kBool) {
        if (p.bool_value() == want) {
          decided = true;
          return Step::kStop;
        }
      } else if (error.IsNull()) {
        error = NotBool(p);
      }
      return f.exhausted ? Step::kStop : Step::kContinue;
    });
    if (status.IsError()) return status;
    if (f.exhausted) return CostExceeded();
    if (decided) return Value::Bool(want);
    if (error.IsError()) return error;
    return Value::Bool(!want);
  }

  Value ExistsOne(Frame& f, const Value& range) const {
    int64_t count = 0;
    Value error;
    Value status = Iterate(f, range, slot1_, slot2_, [&] {
      Value p = step_->Eval(f);
      if (p.kind() != K::kBool) {
        error = NotBool(p);
        return Step::kStop;
      }
      count += p.bool_value();
      return Step::kContinue;
    });
    if (status.IsError()) return status;
    if (error.IsError()) return error;
    return Value::Bool(count == 1);
  }

  // Evaluates the filter; true to keep the element, or sets *error.
  bool Keep(Frame& f, const Node* filter, Value* error) const {
    if (!filter) return true;
    Value c = filter->Eval(f);
    if (c.kind() != K::kBool) {
      *error = NotBool(c);
      return false;
    }
    return c.bool_value();
  }

  Value BuildList(Frame& f, const Value& range) const {
    std::vector<Value> out;
    // map() without a filter yields one element per list element.
    if (kind_ == MacroKind::kMap && range.kind() == K::kList) {
      out.reserve(range.list_size());
    }
    Value error;
    bool is_filter = kind_ == MacroKind::kFilter;
    Value status = Iterate(f, range, slot1_, slot2_, [&] {
      const Node* filter = is_filter ? step_.get() : filter_.get();
      if (!Keep(f, filter, &error)) {
        return error.IsError() ? Step::kStop : Step::kContinue;
      }
      Value v = is_filter ? f.locals[slot1_] : step_->Eval(f);
      if (v.IsError()) {
        error = v;
        return Step::kStop;
      }
      out.push_back(std::move(v));
      return Step::kContinue;
    });
    if (status.IsError()) return status;
    if (error.IsError()) return error;
    return Value::List(std::move(out));
  }

  Value BuildMap(Frame& f, const Value& range) const {
    std::vector<std::pair<Value, Value>> out;
    Value error;
    bool entry = kind_ == MacroKind::kTransformMapEntry;
    Value status = Iterate(f, range, slot1_, slot2_, [&] {
      if (!Keep(f, filter_.get(), &error)) {
        return error.IsError() ? Step::kStop : Step::kContinue;
      }
      Value v = step_->Eval(f);
      if (v.IsError()) {
        error = v;
        return Step::kStop;
      }
      if (!entry) {
        out.emplace_back(f.locals[slot1_], std::move(v));
        return Step::kContinue;
      }
      if (v.kind() != K::kMap) {
        error = NotBool(v);
        return Step::kStop;
      }
      v.map_for_each([&](const Value& k, const Value& e) {
        for (const auto& o : out) {
          if (Equal(o.first, k)) {
            error = Value::Error("insert failed: key " + k.DebugString() +
                                 " already exists");
            return false;
          }
        }
        out.emplace_back(k, e);
        return true;
      });
      return error.IsError() ? Step::kStop : Step::kContinue;
    });
    if (status.IsError()) return status;
    if (error.IsError()) return error;
    return Value::Map(std::move(out));
  }

  Value OptMap(Frame& f, const Value& range) const {
    if (range.kind() != K::kOptional) {
      return NoSuchOverload("optMap", std::array<Value, 1>{range});
    }
    if (!range.optional_value()) return range;
    f.locals[slot1_] = *range.optional_value();
    Value v = step_->Eval(f);
    if (v.IsError() || kind_ == MacroKind::kOptMap) {
      return v.IsError() ? v : Value::Optional(std::move(v));
    }
    if (v.kind() != K::kOptional) {
      return NoSuchOverload("optFlatMap", std::array<Value, 1>{v});
    }
    return v;
  }

  // Stable sort by the key each element maps to; keys must be comparable.
  Value SortBy(Frame& f, const Value& range) const {
    if (range.kind() != K::kList) {
      return NoSuchOverload("sortBy", std::array<Value, 1>{range});
    }
    std::vector<std::pair<Value, Value>> keyed;
    Value error;
    Value status = Iterate(f, range, slot1_, slot2_, [&] {
      Value k = step_->Eval(f);
      if (k.IsError()) {
        error = k;
        return Step::kStop;
      }
      if (!keyed.empty() && !Compare(keyed[0].first, k)) {
        error = NoSuchOverload("sortBy", std::array<Value, 2>{keyed[0].first, k});
        return Step::kStop;
      }
      keyed.emplace_back(std::move(k), f.locals[slot1_]);
      return Step::kContinue;
    });
    if (status.IsError()) return status;
    if (error.IsError()) return error;
    std::stable_sort(keyed.begin(), keyed.end(), [](const auto& x, const auto& y) {
      return Compare(x.first, y.first).value_or(0) < 0;
    });
    std::vector<Value> out;
    for (auto& [k, v] : keyed) out.push_back(std::move(v));
    return Value::List(std::move(out));
  }

  MacroKind kind_;
  NodePtr range_;
  int slot1_, slot2_;
  NodePtr filter_, step_;
};

}  // namespace

NodePtr MakeComprehension(MacroKind kind, NodePtr range, int slot1, int slot2,
                          NodePtr filter, NodePtr step) {
  return std::make_unique<ComprehensionNode>(kind, std::move(range), slot1,
                                             slot2, std::move(filter),
                                             std::move(step));
}

}  // namespace rayguard::cel::internal
