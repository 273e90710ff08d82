// Function calls: evaluate the arguments, pick the overload, call it.

#include <array>
#include <atomic>
#include <span>
#include <utility>

#include "webhook/cel/internal/nodes.h"

namespace rayguard::cel::internal {

namespace {

using K = Value::Kind;

// Whether some argument list could match both `a` and `b`.
bool Overlap(const Overload& a, const Overload& b) {
  if (a.params.size() != b.params.size()) return false;
  for (size_t i = 0; i < a.params.size(); ++i) {
    const ArgType& x = a.params[i];
    const ArgType& y = b.params[i];
    if (x.any || y.any) continue;
    if (x.kind != y.kind) return false;
    if (x.kind == K::kOpaque && x.opaque != y.opaque) return false;
  }
  return true;
}

class CallBase : public Node {
 public:
  CallBase(std::string name, std::vector<const Overload*> overloads)
      : name_(std::move(name)), overloads_(std::move(overloads)) {
    for (size_t i = 0; i < overloads_.size() && disjoint_; ++i) {
      for (size_t j = i + 1; j < overloads_.size() && disjoint_; ++j) {
        disjoint_ = !Overlap(*overloads_[i], *overloads_[j]);
      }
    }
  }

 protected:
  // Strict: the first error argument is the result. All arguments have been
  // evaluated, as in cel-go.
  Value Dispatch(Frame& f, std::span<const Value> args) const {
    for (const Value& v : args) {
      if (v.IsError()) return v;
    }
    // A call site sees the same argument types over and over, so the
    // overload that matched last time is tried first. That is only the
    // same choice as the in-order search when no two overloads can match
    // the same arguments.
    if (disjoint_) {
      const Overload* last = last_match_.load(std::memory_order_relaxed);
      if (last && Matches(*last, args)) return Call(f, *last, args);
    }
    for (const Overload* o : overloads_) {
      if (!Matches(*o, args)) continue;
      if (disjoint_) last_match_.store(o, std::memory_order_relaxed);
      return Call(f, *o, args);
    }
    return NoSuchOverload(name_, args);
  }

 private:
  static bool Matches(const Overload& o, std::span<const Value> args) {
    for (size_t i = 0; i < args.size(); ++i) {
      if (!o.params[i].Matches(args[i])) return false;
    }
    return true;
  }

  // Results that grow (strings, lists) cost in proportion to their size,
  // so doubling in a loop runs into the budget instead of into memory.
  // (One named result: built in the caller's slot, not copied there.)
  static Value Call(Frame& f, const Overload& o, std::span<const Value> args) {
    Value v = o.impl(args);
    uint64_t size = 0;
    if (v.kind() == K::kString || v.kind() == K::kBytes) {
      size = v.string_value().size() / 10;
    } else if (v.kind() == K::kList) {
      size = v.list_size();
    }
    if (size && !f.Charge(size)) v = CostExceeded();
    return v;
  }

  std::string name_;
  std::vector<const Overload*> overloads_;
  bool disjoint_ = true;
  mutable std::atomic<const Overload*> last_match_{nullptr};
};

// Most calls have one to three arguments: they live on the stack, built
// directly from the argument nodes' results.
template <size_t N>
class FixedCallNode : public CallBase {
 public:
  FixedCallNode(std::string name, std::vector<const Overload*> overloads,
                std::vector<NodePtr> args)
      : CallBase(std::move(name), std::move(overloads)) {
    for (size_t i = 0; i < N; ++i) args_[i] = std::move(args[i]);
  }
  Value DoEval(Frame& f) const override {
    if (!f.Charge(1)) return CostExceeded();
    return EvalArgs(f, std::make_index_sequence<N>());
  }

 private:
  template <size_t... I>
  Value EvalArgs(Frame& f, std::index_sequence<I...>) const {
    const std::array<Value, N> values{args_[I]->Eval(f)...};
    return Dispatch(f, values);
  }
  std::array<NodePtr, N> args_;
};

class CallNode : public CallBase {
 public:
  CallNode(std::string name, std::vector<const Overload*> overloads,
           std::vector<NodePtr> args)
      : CallBase(std::move(name), std::move(overloads)),
        args_(std::move(args)) {}
  Value DoEval(Frame& f) const override {
    if (!f.Charge(1)) return CostExceeded();
    std::vector<Value> values;
    values.reserve(args_.size());
    for (const NodePtr& a : args_) values.push_back(a->Eval(f));
    return Dispatch(f, values);
  }

 private:
  std::vector<NodePtr> args_;
};

}  // namespace

NodePtr MakeCall(std::string name, std::vector<const Overload*> overloads,
                 std::vector<NodePtr> args) {
  switch (args.size()) {
    case 1:
      return std::make_unique<FixedCallNode<1>>(
          std::move(name), std::move(overloads), std::move(args));
    case 2:
      return std::make_unique<FixedCallNode<2>>(
          std::move(name), std::move(overloads), std::move(args));
    case 3:
      return std::make_unique<FixedCallNode<3>>(
          std::move(name), std::move(overloads), std::move(args));
    default:
      return std::make_unique<CallNode>(std::move(name), std::move(overloads),
                                        std::move(args));
  }
}

}  // namespace rayguard::cel::internal
