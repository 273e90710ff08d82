#include "webhook/cel/internal/nodes.h"

#include <array>
#include <cmath>

#include <re2/re2.h>

#include "webhook/cel/internal/json_lookup.h"
#include "webhook/cel/internal/value_heap.h"

namespace rayguard::cel::internal {

Value CostExceeded() {
  return Value::Error("operation cancelled: actual cost limit exceeded");
}

namespace {

using K = Value::Kind;

class ConstNode : public Node {
 public:
  explicit ConstNode(Value v) : v_(std::move(v)) {}
  Value DoEval(Frame&) const override { return v_; }

 private:
  Value v_;
};

class VarNode : public Node {
 public:
  explicit VarNode(std::string name) : name_(std::move(name)) {}
  Value DoEval(Frame& f) const override {
    std::optional<Value> v = f.activation->Find(name_);
    if (!v) return Value::Error("no such attribute: " + name_);
    return std::move(*v);
  }

 private:
  std::string name_;
};

class LocalNode : public Node {
 public:
  explicit LocalNode(int slot) : slot_(slot) {}
  Value DoEval(Frame& f) const override { return f.locals[slot_]; }

 private:
  int slot_;
};

Value SelectField(const Value& v, const std::string& field, bool test_only,
                  bool optional, bool strict) {
  if (v.IsError()) return v;
  if (v.kind() == K::kOptional) {
    // `opt.?field` / `opt.field` on an optional chains through it.
    const Value* inner = v.optional_value();
    if (!inner) return test_only ? Value::Bool(false) : v;
    return SelectField(*inner, field, test_only, !test_only, strict);
  }
  if (v.kind() != K::kMap && v.kind() != K::kObject) {
    if (v.kind() == K::kNull && test_only) return Value::Bool(false);
    // As cel-go without its error-on-bad-presence-test option (the API
    // server's setting): has() and `.?` through null or a scalar find
    // nothing.
    if (!strict && v.kind() != K::kList) {
      if (test_only) return Value::Bool(false);
      if (optional) return Value::OptionalNone();
    }
    return Value::Error("no such key: " + field + " (cannot select a field of " +
                        v.TypeName() + ")");
  }
  if (const nlohmann::json* j = v.borrowed_json()) {
    const nlohmann::json* member = FindMember(*j, field);
    if (test_only) return Value::Bool(member != nullptr);
    if (optional) {
      return member ? Value::Optional(Value::FromJson(member))
                    : Value::OptionalNone();
    }
    if (!member) return Value::Error("no such key: " + field);
    return Value::FromJson(member);
  }
  std::optional<Value> found = v.map_find(std::string_view(field));
  if (test_only) return Value::Bool(found.has_value());
  if (optional) return found ? Value::Optional(*found) : Value::OptionalNone();
  if (!found) return Value::Error("no such key: " + field);
  return std::move(*found);
}

class SelectNode : public Node {
 public:
  SelectNode(NodePtr operand, std::string field, bool test_only, bool optional,
             std::string var)
      : operand_(std::move(operand)),
        field_(std::move(field)),
        var_(std::move(var)),
        test_only_(test_only),
        optional_(optional) {}
  Value DoEval(Frame& f) const override {
    if (!f.Charge(1)) return CostExceeded();
    if (!var_.empty() && f.activation->HasLazyFields(var_)) {
      std::optional<Value> v = f.activation->FindField(var_, field_);
      if (test_only_) return Value::Bool(v.has_value());
      if (optional_) return v ? Value::Optional(*v) : Value::OptionalNone();
      if (!v) return Value::Error("no such key: " + field_);
      return std::move(*v);
    }
    return SelectField(operand_->Eval(f), field_, test_only_, optional_,
                       f.strict_presence);
  }

 private:
  NodePtr operand_;
  std::string field_;
  std::string var_;
  bool test_only_;
  bool optional_;
};

// `a.b.c.d` without has() or `?.` in the middle: the field selections
// walked in one node. Each step over the borrowed JSON is then one member
// lookup rather than a node evaluation with its own Value in between.
class PathNode : public Node {
 public:
  struct Step {
    std::string field;
    int32_t position;  // of the `x.field` expression; -1: this node's own
  };
  PathNode(NodePtr base, std::vector<Step> steps, bool test_only,
           bool optional)
      : base_(std::move(base)),
        steps_(std::move(steps)),
        test_only_(test_only),
        optional_(optional) {}

  // Whether `operand.field` may extend this path (its last step is plain).
  bool Extendable() const { return !test_only_ && !optional_; }

  // This path plus `.field`; leaves *this empty.
  static NodePtr Extend(std::unique_ptr<PathNode> path, std::string field,
                        bool test_only, bool optional) {
    path->steps_.back().position = path->position();
    path->steps_.push_back({std::move(field), -1});
    return std::make_unique<PathNode>(std::move(path->base_),
                                      std::move(path->steps_), test_only,
                                      optional);
  }

  Value DoEval(Frame& f) const override {
    if (!f.Charge(steps_.size())) return CostExceeded();
    Value v = base_->Eval(f);
    size_t last = steps_.size() - 1;
    for (size_t i = 0; i < last; ++i) {
      // The common case, a present member of a borrowed JSON object, inline.
      if (const nlohmann::json* j = v.borrowed_json();
          j && v.kind() == K::kMap) {
        if (const nlohmann::json* member = FindMember(*j, steps_[i].field)) {
          v = Value::FromJson(member);
          continue;
        }
      }
      v = SelectField(v, steps_[i].field, false, false, f.strict_presence);
      if (v.IsError()) {
        if (v.error_position() >= 0) return v;
        return v.WithErrorPosition(steps_[i].position);
      }
    }
    const std::string& field = steps_[last].field;
    if (const nlohmann::json* j = v.borrowed_json(); j && v.kind() == K::kMap) {
      const nlohmann::json* member = FindMember(*j, field);
      if (test_only_) return Value::Bool(member != nullptr);
      if (member) {
        return optional_ ? Value::Optional(Value::FromJson(member))
                         : Value::FromJson(member);
      }
    }
    return SelectField(v, field, test_only_, optional_, f.strict_presence);
  }

 private:
  NodePtr base_;
  std::vector<Step> steps_;
  bool test_only_;
  bool optional_;
};

// A list index from an int, uint or integral double; -1 if not one.
int64_t ListIndex(const Value& i, bool* ok) {
  *ok = true;
  switch (i.kind()) {
    case K::kInt: return i.int_value();
    case K::kUint:
      return i.uint_value() > INT64_MAX ? -1 : int64_t(i.uint_value());
    case K::kDouble: {
      double d = i.double_value();
      if (d == std::trunc(d) && std::abs(d) < 9e18) return int64_t(d);
      *ok = false;
      return -1;
    }
    default:
      *ok = false;
      return -1;
  }
}

Value IndexValue(const Value& c, const Value& i, bool optional, bool strict) {
  if (c.IsError()) return c;
  if (i.IsError()) return i;
  if (c.kind() == K::kOptional) {
    const Value* inner = c.optional_value();
    if (!inner) return c;
    return IndexValue(*inner, i, true, strict);
  }
  if (c.kind() == K::kList) {
    bool ok;
    int64_t idx = ListIndex(i, &ok);
    if (!ok) return NoSuchOverload("_[_]", std::array<Value, 2>{c, i});
    if (idx < 0 || uint64_t(idx) >= c.list_size()) {
      if (optional) return Value::OptionalNone();
      return Value::Error("index out of bounds: " + std::to_string(idx));
    }
    return optional ? Value::Optional(c.list_at(idx)) : c.list_at(idx);
  }
  if (c.kind() == K::kMap || c.kind() == K::kObject) {
    K k = i.kind();
    if (k != K::kString && k != K::kInt && k != K::kUint && k != K::kBool &&
        k != K::kDouble) {
      return Value::Error("unsupported key type: " + i.TypeName());
    }
    std::optional<Value> v = c.map_find(i);
    if (optional) return v ? Value::Optional(*v) : Value::OptionalNone();
    if (!v) return Value::Error("no such key: " + i.DebugString());
    return std::move(*v);
  }
  // `[?]` on null or a scalar: nothing there (cel-go, as for `.?`).
  if (optional && !strict) return Value::OptionalNone();
  return NoSuchOverload("_[_]", std::array<Value, 2>{c, i});
}

class IndexNode : public Node {
 public:
  IndexNode(NodePtr c, NodePtr i, bool optional)
      : c_(std::move(c)), i_(std::move(i)), optional_(optional) {}
  Value DoEval(Frame& f) const override {
    if (!f.Charge(1)) return CostExceeded();
    Value c = c_->Eval(f);
    return IndexValue(c, i_->Eval(f), optional_, f.strict_presence);
  }

 private:
  NodePtr c_, i_;
  bool optional_;
};

Value BoolError(const Value& v, const char* op) {
  if (v.IsError()) return v;
  return Value::Error(std::string("no such overload: ") + op + " on " +
                      v.TypeName());
}

// CEL's commutative logic: false && error is false in either order.
// (Results are fresh Bools rather than `a` or `b` so that they are built in
// the caller's slot, not copied there.)
class AndNode : public Node {
 public:
  AndNode(NodePtr a, NodePtr b) : a_(std::move(a)), b_(std::move(b)) {}
  Value DoEval(Frame& f) const override {
    Value a = a_->Eval(f);
    bool a_bool = a.kind() == K::kBool;
    if (a_bool && !a.bool_value()) return Value::Bool(false);
    if (f.exhausted) return CostExceeded();
    Value b = b_->Eval(f);
    if (f.exhausted) return CostExceeded();
    bool b_bool = b.kind() == K::kBool;
    if (b_bool && !b.bool_value()) return Value::Bool(false);
    if (!a_bool) return BoolError(a, "_&&_");
    if (!b_bool) return BoolError(b, "_&&_");
    return Value::Bool(true);
  }

 private:
  NodePtr a_, b_;
};

class OrNode : public Node {
 public:
  OrNode(NodePtr a, NodePtr b) : a_(std::move(a)), b_(std::move(b)) {}
  Value DoEval(Frame& f) const override {
    Value a = a_->Eval(f);
    bool a_bool = a.kind() == K::kBool;
    if (a_bool && a.bool_value()) return Value::Bool(true);
    if (f.exhausted) return CostExceeded();
    Value b = b_->Eval(f);
    if (f.exhausted) return CostExceeded();
    bool b_bool = b.kind() == K::kBool;
    if (b_bool && b.bool_value()) return Value::Bool(true);
    if (!a_bool) return BoolError(a, "_||_");
    if (!b_bool) return BoolError(b, "_||_");
    return Value::Bool(false);
  }

 private:
  NodePtr a_, b_;
};

class NotNode : public Node {
 public:
  explicit NotNode(NodePtr a) : a_(std::move(a)) {}
  Value DoEval(Frame& f) const override {
    Value a = a_->Eval(f);
    if (a.kind() != K::kBool) return BoolError(a, "!_");
    return Value::Bool(!a.bool_value());
  }

 private:
  NodePtr a_;
};

class TernaryNode : public Node {
 public:
  TernaryNode(NodePtr c, NodePtr a, NodePtr b)
      : c_(std::move(c)), a_(std::move(a)), b_(std::move(b)) {}
  Value DoEval(Frame& f) const override {
    Value c = c_->Eval(f);
    if (c.kind() != K::kBool) return BoolError(c, "_?_:_");
    return c.bool_value() ? a_->Eval(f) : b_->Eval(f);
  }

 private:
  NodePtr c_, a_, b_;
};

class EqualsNode : public Node {
 public:
  EqualsNode(NodePtr a, NodePtr b, bool negate)
      : a_(std::move(a)), b_(std::move(b)), negate_(negate) {}
  Value DoEval(Frame& f) const override {
    if (!f.Charge(1)) return CostExceeded();
    Value a = a_->Eval(f);
    if (a.IsError()) return a;
    Value b = b_->Eval(f);
    if (b.IsError()) return b;
    return Value::Bool(Equal(a, b) != negate_);
  }

 private:
  NodePtr a_, b_;
  bool negate_;
};

class InNode : public Node {
 public:
  InNode(NodePtr a, NodePtr b) : a_(std::move(a)), b_(std::move(b)) {}
  Value DoEval(Frame& f) const override {
    Value a = a_->Eval(f);
    if (a.IsError()) return a;
    Value b = b_->Eval(f);
    if (b.IsError()) return b;
    if (b.kind() == K::kList) {
      size_t n = b.list_size();
      if (!f.Charge(n)) return CostExceeded();
      for (size_t i = 0; i < n; ++i) {
        if (Equal(a, b.list_at(i))) return Value::Bool(true);
      }
      return Value::Bool(false);
    }
    if (b.kind() == K::kMap || b.kind() == K::kObject) {
      if (!f.Charge(1)) return CostExceeded();
      const nlohmann::json* j = b.borrowed_json();
      if (j && a.kind() == K::kString) {  // `'cpu' in c.resources.limits`
        return Value::Bool(FindMember(*j, a.string_value()) != nullptr);
      }
      return Value::Bool(b.map_find(a).has_value());
    }
    return NoSuchOverload("@in", std::array<Value, 2>{a, b});
  }

 private:
  NodePtr a_, b_;
};

class ListNode : public Node {
 public:
  ListNode(std::vector<NodePtr> e, std::vector<bool> opt)
      : elements_(std::move(e)), optional_(std::move(opt)) {}
  Value DoEval(Frame& f) const override {
    if (!f.Charge(1 + elements_.size())) return CostExceeded();
    std::vector<Value> out;
    out.reserve(elements_.size());
    for (size_t i = 0; i < elements_.size(); ++i) {
      Value v = elements_[i]->Eval(f);
      if (v.IsError()) return v;
      if (optional_[i]) {
        if (v.kind() != K::kOptional) {
          return Value::Error("optional list element is not an optional: " +
                              v.TypeName());
        }
        if (v.optional_value()) out.push_back(*v.optional_value());
        continue;
      }
      out.push_back(std::move(v));
    }
    return Value::List(std::move(out));
  }

 private:
  std::vector<NodePtr> elements_;
  std::vector<bool> optional_;
};

class MapNode : public Node {
 public:
  MapNode(std::vector<NodePtr> kv, std::vector<bool> opt)
      : kv_(std::move(kv)), optional_(std::move(opt)) {}
  Value DoEval(Frame& f) const override {
    if (!f.Charge(1 + kv_.size())) return CostExceeded();
    std::vector<std::pair<Value, Value>> out;
    out.reserve(kv_.size() / 2);
    for (size_t i = 0; i < kv_.size(); i += 2) {
      Value k = kv_[i]->Eval(f);
      if (k.IsError()) return k;
      K kk = k.kind();
      if (kk != K::kString && kk != K::kInt && kk != K::kUint &&
          kk != K::kBool) {
        return Value::Error("unsupported key type: " + k.TypeName());
      }
      Value v = kv_[i + 1]->Eval(f);
      if (v.IsError()) return v;
      if (optional_[i / 2]) {
        if (v.kind() != K::kOptional) {
          return Value::Error("optional map entry is not an optional: " +
                              v.TypeName());
        }
        if (!v.optional_value()) continue;
        v = *v.optional_value();
      }
      for (const auto& e : out) {
        if (Equal(e.first, k)) {
          return Value::Error("Failed with repeated key: " + k.DebugString());
        }
      }
      out.emplace_back(std::move(k), std::move(v));
    }
    return Value::Map(std::move(out));
  }

 private:
  std::vector<NodePtr> kv_;
  std::vector<bool> optional_;
};

class ObjectNode : public Node {
 public:
  ObjectNode(std::string type, std::vector<std::string> fields,
             std::vector<NodePtr> values, std::vector<bool> opt)
      : type_(std::move(type)),
        fields_(std::move(fields)),
        values_(std::move(values)),
        optional_(std::move(opt)) {}
  Value DoEval(Frame& f) const override {
    if (!f.Charge(1 + fields_.size())) return CostExceeded();
    std::vector<std::pair<std::string, Value>> out;
    for (size_t i = 0; i < fields_.size(); ++i) {
      Value v = values_[i]->Eval(f);
      if (v.IsError()) return v;
      if (optional_[i]) {
        if (v.kind() != K::kOptional) {
          return Value::Error("optional field is not an optional: " +
                              v.TypeName());
        }
        if (!v.optional_value()) continue;
        v = *v.optional_value();
      }
      out.emplace_back(fields_[i], std::move(v));
    }
    return Value::Object(type_, std::move(out));
  }

 private:
  std::string type_;
  std::vector<std::string> fields_;
  std::vector<NodePtr> values_;
  std::vector<bool> optional_;
};

class MatchesNode : public Node {
 public:
  MatchesNode(NodePtr subject, std::unique_ptr<RE2> re)
      : subject_(std::move(subject)), re_(std::move(re)) {}
  Value DoEval(Frame& f) const override {
    Value s = subject_->Eval(f);
    if (s.IsError()) return s;
    if (s.kind() != K::kString) {
      return NoSuchOverload("matches", std::array<Value, 1>{s});
    }
    if (!f.Charge(1 + s.string_value().size() / 10)) return CostExceeded();
    std::string_view text = s.string_value();
    return Value::Bool(RE2::PartialMatch(
        re2::StringPiece(text.data(), text.size()), *re_));
  }

 private:
  NodePtr subject_;
  std::unique_ptr<RE2> re_;
};

}  // namespace

NodePtr MakeConst(Value v) { return std::make_unique<ConstNode>(std::move(v)); }
NodePtr MakeVar(std::string name) {
  return std::make_unique<VarNode>(std::move(name));
}
NodePtr MakeLocal(int slot) { return std::make_unique<LocalNode>(slot); }
NodePtr MakeSelect(NodePtr operand, std::string field, bool test_only,
                   bool optional, std::string var) {
  if (!var.empty()) {
    return std::make_unique<SelectNode>(std::move(operand), std::move(field),
                                        test_only, optional, std::move(var));
  }
  if (auto* path = dynamic_cast<PathNode*>(operand.get());
      path && path->Extendable()) {
    operand.release();
    return PathNode::Extend(std::unique_ptr<PathNode>(path), std::move(field),
                            test_only, optional);
  }
  std::vector<PathNode::Step> steps;
  steps.push_back({std::move(field), -1});
  return std::make_unique<PathNode>(std::move(operand), std::move(steps),
                                    test_only, optional);
}
NodePtr MakeIndex(NodePtr operand, NodePtr index, bool optional) {
  return std::make_unique<IndexNode>(std::move(operand), std::move(index),
                                     optional);
}
NodePtr MakeAnd(NodePtr a, NodePtr b) {
  return std::make_unique<AndNode>(std::move(a), std::move(b));
}
NodePtr MakeOr(NodePtr a, NodePtr b) {
  return std::make_unique<OrNode>(std::move(a), std::move(b));
}
NodePtr MakeNot(NodePtr a) { return std::make_unique<NotNode>(std::move(a)); }
NodePtr MakeTernary(NodePtr c, NodePtr a, NodePtr b) {
  return std::make_unique<TernaryNode>(std::move(c), std::move(a),
                                       std::move(b));
}
NodePtr MakeEquals(NodePtr a, NodePtr b, bool negate) {
  return std::make_unique<EqualsNode>(std::move(a), std::move(b), negate);
}
NodePtr MakeIn(NodePtr a, NodePtr b) {
  return std::make_unique<InNode>(std::move(a), std::move(b));
}
NodePtr MakeList(std::vector<NodePtr> elements, std::vector<bool> optional) {
  return std::make_unique<ListNode>(std::move(elements), std::move(optional));
}
NodePtr MakeMap(std::vector<NodePtr> kv, std::vector<bool> optional) {
  return std::make_unique<MapNode>(std::move(kv), std::move(optional));
}
NodePtr MakeObject(std::string type, std::vector<std::string> fields,
                   std::vector<NodePtr> values, std::vector<bool> optional) {
  return std::make_unique<ObjectNode>(std::move(type), std::move(fields),
                                      std::move(values), std::move(optional));
}
NodePtr MakeConstantMatches(NodePtr subject, std::string pattern,
                            std::string* error) {
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_unique<RE2>(pattern, options);
  if (!re->ok()) {
    *error = re->error();
    return nullptr;
  }
  return std::make_unique<MatchesNode>(std::move(subject), std::move(re));
}

}  // namespace rayguard::cel::internal
