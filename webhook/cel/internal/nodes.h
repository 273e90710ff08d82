#ifndef RAYGUARD_CEL_INTERNAL_NODES_H_
#define RAYGUARD_CEL_INTERNAL_NODES_H_

// The interpreter: a compiled expression is a tree of Nodes, each of which
// evaluates itself. Nodes are immutable after planning; all per-evaluation
// state lives in Frame, so one tree serves any number of threads.

#include <memory>
#include <string>
#include <vector>

#include "webhook/cel/ast.h"
#include "webhook/cel/cel.h"
#include "webhook/cel/function_registry.h"

namespace rayguard::cel::internal {

struct Frame {
  const Activation* activation = nullptr;
  Value* locals = nullptr;
  uint64_t cost = 0;
  uint64_t limit = 0;  // 0: unlimited
  bool exhausted = false;
  // cel-go's error-on-bad-presence-test option, which plain CEL's
  // conformance suite expects and the API server leaves off: when set,
  // `.?`/`[?]` through null or a scalar is an error, not optional.none().
  bool strict_presence = false;

  // Adds `n` to the cost; false (and `exhausted`) once over the limit.
  bool Charge(uint64_t n) {
    cost += n;
    if (limit && cost > limit) exhausted = true;
    return !exhausted;
  }
};

Value CostExceeded();

class Node {
 public:
  virtual ~Node() = default;
  // Evaluates the node. An error that does not say yet where it arose is
  // located at this node, so the innermost failing sub-expression wins.
  Value Eval(Frame& f) const {
    // One named result, returned on every path, so it is built in the
    // caller's slot instead of being copied there.
    Value v = DoEval(f);
    if (v.IsError() && v.error_position() < 0 && position_ >= 0) [[unlikely]] {
      v = v.WithErrorPosition(position_);
    }
    return v;
  }
  // Byte offset of the node's expression in the source; -1 when unset.
  int32_t position() const { return position_; }
  void set_position(int32_t position) { position_ = position; }

 protected:
  virtual Value DoEval(Frame& f) const = 0;

 private:
  int32_t position_ = -1;
};
using NodePtr = std::unique_ptr<Node>;

NodePtr MakeConst(Value v);
NodePtr MakeVar(std::string name);
NodePtr MakeLocal(int slot);
// `operand.field`, has(operand.field) or operand.?field. When `var` is
// non-empty the operand is that top-level variable and lazy fields apply.
NodePtr MakeSelect(NodePtr operand, std::string field, bool test_only,
                   bool optional, std::string var = "");
NodePtr MakeIndex(NodePtr operand, NodePtr index, bool optional);
NodePtr MakeAnd(NodePtr a, NodePtr b);
NodePtr MakeOr(NodePtr a, NodePtr b);
NodePtr MakeNot(NodePtr a);
NodePtr MakeTernary(NodePtr c, NodePtr a, NodePtr b);
NodePtr MakeEquals(NodePtr a, NodePtr b, bool negate);
NodePtr MakeIn(NodePtr a, NodePtr b);
NodePtr MakeCall(std::string name, std::vector<const Overload*> overloads,
                 std::vector<NodePtr> args);
NodePtr MakeList(std::vector<NodePtr> elements, std::vector<bool> optional);
NodePtr MakeMap(std::vector<NodePtr> keys_and_values,
                std::vector<bool> optional);
NodePtr MakeObject(std::string type, std::vector<std::string> fields,
                   std::vector<NodePtr> values, std::vector<bool> optional);
// A comprehension macro; `slot1`/`slot2` hold the iteration variables.
NodePtr MakeComprehension(MacroKind kind, NodePtr range, int slot1, int slot2,
                          NodePtr filter, NodePtr step);
// `string.matches(pattern)` with a constant pattern compiled once.
NodePtr MakeConstantMatches(NodePtr subject, std::string pattern,
                            std::string* error);

}  // namespace rayguard::cel::internal

#endif  // RAYGUARD_CEL_INTERNAL_NODES_H_
