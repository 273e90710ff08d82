// Compile: parse, resolve names and overloads, and build the node tree.

#include <algorithm>
#include <array>
#include <unordered_set>

#include "webhook/cel/cel.h"
#include "webhook/cel/function_registry.h"
#include "webhook/cel/internal/evident_type.h"
#include "webhook/cel/internal/format.h"
#include "webhook/cel/internal/format_clauses.h"
#include "webhook/cel/internal/nodes.h"
#include "webhook/cel/internal/schema_check.h"
#include "webhook/cel/lexer.h"
#include "webhook/cel/parser.h"

namespace rayguard::cel {

namespace {

using internal::NodePtr;

struct CompileError {
  int32_t position;
  std::string message;
};

constexpr std::string_view kTypeNames[] = {
    "int",       "uint",     "double",       "bool",
    "string",    "bytes",    "list",         "map",
    "null_type", "type",     "optional_type", "google.protobuf.Timestamp",
    "google.protobuf.Duration", "net.IP", "net.CIDR", "kubernetes.Quantity",
    "kubernetes.URL", "kubernetes.Semver", "kubernetes.NamedFormat"};

bool IsTypeName(std::string_view n) {
  for (auto t : kTypeNames) {
    if (t == n) return true;
  }
  return false;
}

// "a.b.c" for an ident/select chain (not has(), not .?), else "".
std::string QualifiedName(const Expr& e) {
  if (e.kind == Expr::Kind::kIdent) return e.name;
  if (e.kind == Expr::Kind::kSelect && !e.test_only && !e.optional) {
    std::string prefix = QualifiedName(*e.operand);
    return prefix.empty() ? "" : prefix + "." + e.name;
  }
  return "";
}

class Planner {
 public:
  Planner(const Env& env, const FunctionRegistry& fns)
      : env_(env), fns_(fns) {}

  // Plans `e`; the node remembers where `e` is so evaluation errors can
  // say which sub-expression failed.
  NodePtr Plan(const Expr& e) {
    NodePtr node = PlanNode(e);
    if (node->position() < 0) node->set_position(e.position);
    return node;
  }

  int max_slots() const { return max_slots_; }

 private:
  NodePtr PlanNode(const Expr& e) {
    switch (e.kind) {
      case Expr::Kind::kConst: return internal::MakeConst(e.value);
      case Expr::Kind::kIdent:
      case Expr::Kind::kSelect: return PlanName(e);
      case Expr::Kind::kCall: return PlanCall(e);
      case Expr::Kind::kList: {
        CheckHomogeneous(e, 1);
        return internal::MakeList(PlanAll(e.args), e.optional_flags);
      }
      case Expr::Kind::kMap: {
        CheckHomogeneous(e, 2);
        return internal::MakeMap(PlanAll(e.args), e.optional_flags);
      }
      case Expr::Kind::kStruct: return PlanStruct(e);
      case Expr::Kind::kComprehension: return PlanComprehension(e);
    }
    Fail(e, "unsupported expression");
  }

  [[noreturn]] void Fail(const Expr& e, std::string message) {
    throw CompileError{e.position, std::move(message)};
  }

  // cel-go's words for a name that is neither declared nor a function.
  std::string Undeclared(std::string_view name) const {
    return "undeclared reference to '" + std::string(name) +
           "' (in container '" + env_.container + "')";
  }

  std::vector<NodePtr> PlanAll(const std::vector<ExprPtr>& exprs) {
    std::vector<NodePtr> out;
    out.reserve(exprs.size());
    for (const auto& a : exprs) out.push_back(Plan(*a));
    return out;
  }

  int FindLocal(std::string_view name) const {
    for (int i = static_cast<int>(scopes_.size()) - 1; i >= 0; --i) {
      if (scopes_[i] == name) return i;
    }
    return -1;
  }

  bool IsVariable(std::string_view name) const {
    for (const auto& v : env_.variables) {
      if (v == name) return true;
    }
    return false;
  }

  // Candidate spellings of `name` inside the container, longest first.
  std::vector<std::string> Candidates(const std::string& name) const {
    // A leading dot names the root scope: no container, no locals.
    if (!name.empty() && name[0] == '.') return {name.substr(1)};
    std::vector<std::string> out;
    std::string c = env_.container;
    while (!c.empty()) {
      out.push_back(c + "." + name);
      size_t dot = c.rfind('.');
      c = dot == std::string::npos ? "" : c.substr(0, dot);
    }
    out.push_back(name);
    return out;
  }

  // Resolves an identifier or a select chain: locals first, then the
  // longest declared variable or type name, then field selection.
  NodePtr PlanName(const Expr& e) {
    if (e.kind == Expr::Kind::kSelect) {
      std::string q = QualifiedName(e);
      if (q.empty() || FindLocal(RootName(e)) >= 0 ||
          !ResolvesAsWhole(q)) {
        return PlanSelect(e);
      }
    }
    std::string q = QualifiedName(e);
    if (e.kind == Expr::Kind::kIdent) {
      int slot = FindLocal(e.name);
      if (slot >= 0) return internal::MakeLocal(slot);
    }
    for (const std::string& c : Candidates(q)) {
      // There is no authorizer to bind: the library's builders, whose
      // checks fail (lib/authz.cc).
      if (IsVariable(c) && c == "authorizer") {
        return internal::MakeConst(OfflineAuthorizer());
      }
      if (IsVariable(c) && c == "authorizer.requestResource") {
        return internal::MakeConst(OfflineRequestResource());
      }
      if (IsVariable(c)) return internal::MakeVar(c);
      if (IsTypeName(c)) return internal::MakeConst(Value::Type(c));
    }
    if (e.kind == Expr::Kind::kSelect) return PlanSelect(e);
    Fail(e, Undeclared(e.name));
  }

  static std::string RootName(const Expr& e) {
    const Expr* r = &e;
    while (r->kind == Expr::Kind::kSelect) r = r->operand.get();
    return r->kind == Expr::Kind::kIdent ? r->name : "";
  }

  bool ResolvesAsWhole(const std::string& q) const {
    for (const std::string& c : Candidates(q)) {
      if (IsVariable(c) || IsTypeName(c)) return true;
    }
    return false;
  }

  NodePtr PlanSelect(const Expr& e) {
    const Expr& operand = *e.operand;
    std::string var;
    if (operand.kind == Expr::Kind::kIdent && FindLocal(operand.name) < 0 &&
        IsVariable(operand.name)) {
      var = operand.name;
      if (var == "variables" && !env_.variable_names.empty()) {
        bool known = false;
        for (const auto& n : env_.variable_names) known |= n == e.name;
        if (!known) Fail(e, "undefined field '" + e.name + "' in variables");
      }
    }
    return internal::MakeSelect(Plan(operand), e.name, e.test_only,
                                e.optional, var);
  }

  NodePtr PlanStruct(const Expr& e) {
    bool object = e.name == "Object" || e.name.rfind("Object.", 0) == 0;
    if (!env_.mutation || !(object || e.name == "JSONPatch")) {
      Fail(e, "unknown type '" + e.name + "'");
    }
    std::unordered_set<std::string> seen;
    for (const auto& f : e.field_names) {
      if (!seen.insert(f).second) Fail(e, "duplicate field '" + f + "'");
      if (e.name == "JSONPatch" && f != "op" && f != "path" && f != "value" &&
          f != "from") {
        Fail(e, "undefined field '" + f + "' in JSONPatch");
      }
    }
    return internal::MakeObject(e.name, e.field_names, PlanAll(e.args),
                                e.optional_flags);
  }

  NodePtr PlanComprehension(const Expr& e) {
    // The API server does not enable cel-go's bindings extension: there,
    // `cel` is an undeclared identifier.
    if (e.macro == MacroKind::kBind && env_.kubernetes_restrictions) {
      Fail(e, Undeclared("cel"));
    }
    NodePtr range = Plan(*e.operand);
    auto [type1, type2] = types_.VariableTypes(e);
    int slot1 = Push(e.iter_var);
    types_.Push(e.iter_var, type1);
    int slot2 = e.iter_var2.empty() ? -1 : Push(e.iter_var2);
    if (slot2 >= 0) types_.Push(e.iter_var2, type2);
    NodePtr filter = e.filter ? Plan(*e.filter) : nullptr;
    NodePtr step = Plan(*e.step);
    scopes_.resize(slot1);
    types_.Pop(slot2 >= 0 ? 2 : 1);
    return internal::MakeComprehension(e.macro, std::move(range), slot1,
                                       slot2, std::move(filter),
                                       std::move(step));
  }

  int Push(const std::string& name) {
    scopes_.push_back(name);
    max_slots_ = std::max<int>(max_slots_, static_cast<int>(scopes_.size()));
    return static_cast<int>(scopes_.size()) - 1;
  }

  NodePtr PlanCall(const Expr& e) {
    const std::string& fn = e.name;
    auto arg = [&](size_t i) { return Plan(*e.args[i]); };
    if (!e.operand) {
      size_t n = e.args.size();
      if (fn == "_&&_" && n == 2) return internal::MakeAnd(arg(0), arg(1));
      if (fn == "_||_" && n == 2) return internal::MakeOr(arg(0), arg(1));
      if (fn == "!_" && n == 1) return internal::MakeNot(arg(0));
      if (fn == "_?_:_" && n == 3) {
        return internal::MakeTernary(arg(0), arg(1), arg(2));
      }
      if ((fn == "_==_" || fn == "_!=_") && n == 2) {
        return internal::MakeEquals(arg(0), arg(1), fn == "_!=_");
      }
      if (fn == "@in" && n == 2) return internal::MakeIn(arg(0), arg(1));
      if ((fn == "_[_]" || fn == "_[?_]") && n == 2) {
        return internal::MakeIndex(arg(0), arg(1), fn == "_[?_]");
      }
      if (fn == "dyn" && n == 1) return arg(0);
      return PlanFunction(e, fn, false, nullptr);
    }
    // `ns.fn(args)` where ns is not a value: a namespaced global function.
    std::string ns = QualifiedName(*e.operand);
    if (!ns.empty() && FindLocal(RootName(*e.operand)) < 0 &&
        !ResolvesAsWhole(ns) && !IsVariable(RootName(*e.operand))) {
      std::string full = ns + "." + fn;
      if (full == "jsonpatch.escapeKey" && !env_.mutation) {
        Fail(e, Undeclared(full));
      }
      if (fns_.Find(full)) return PlanFunction(e, full, false, nullptr);
    }
    if (fn == "matches" && e.args.size() == 1 &&
        e.args[0]->kind == Expr::Kind::kConst &&
        e.args[0]->value.kind() == Value::Kind::kString) {
      std::string error;
      NodePtr node = internal::MakeConstantMatches(
          Plan(*e.operand), std::string(e.args[0]->value.string_value()),
          &error);
      // cel-go's regex literal validator's words (detail not included).
      if (!node) Fail(*e.args[0], "invalid matches argument");
      return node;
    }
    return PlanFunction(e, fn, true, e.operand.get());
  }

  // The strings extension version decides which `format` runs and whether
  // strings have reverse().
  std::string VersionedName(const std::string& fn, bool receiver) const {
    if (receiver && fn == "format" && env_.strings_version >= 4) {
      return "format@4";
    }
    return fn;
  }

  bool Hidden(const std::string& fn, const Overload& o) const {
    return fn == "reverse" && env_.strings_version < 3 && !o.params[0].any &&
           o.params[0].kind == Value::Kind::kString;
  }

  // `sum()` of an empty list is the zero of the element type where the
  // type is evident (0.0 for list(double)), as the API server's type
  // checker makes it; otherwise int 0.
  std::string TypedSum(const Expr& target) {
    auto elem = internal::EvidentTypes::ListElement(types_.Of(target));
    if (elem == "double") return "sum@double";
    if (elem == "uint") return "sum@uint";
    if (elem == "google.protobuf.Duration") return "sum@duration";
    return "sum";
  }

  NodePtr PlanFunction(const Expr& e, const std::string& name, bool receiver,
                       const Expr* target) {
    std::string fn = VersionedName(name, receiver);
    if (fn == "sum" && target && e.args.empty()) fn = TypedSum(*target);
    const std::vector<Overload>* all = fns_.Find(fn);
    if (!all) {
      // cel-go checks the receiver first: `math.greatest(1, 2)` names the
      // undeclared `math`.
      if (target && target->kind == Expr::Kind::kIdent &&
          FindLocal(target->name) < 0 && !ResolvesAsWhole(target->name)) {
        Fail(*target, Undeclared(target->name));
      }
      Fail(e, Undeclared(fn));
    }
    size_t arity = e.args.size() + (receiver ? 1 : 0);
    std::vector<const Overload*> matching;
    for (const Overload& o : *all) {
      if (o.receiver == receiver && o.params.size() == arity &&
          !Hidden(fn, o)) {
        matching.push_back(&o);
      }
    }
    if (matching.empty()) {
      Fail(e, "found no matching overload for '" + fn + "' with " +
                  std::to_string(e.args.size()) + " argument(s)" +
                  (receiver ? " as a method" : ""));
    }
    std::vector<NodePtr> args;
    if (target) args.push_back(Plan(*target));
    // As in cel-go, the arguments of format() may mix types ([1, 'a']).
    bool exempt = name == "format" && receiver;
    if (exempt && target) CheckFormatCall(e, *target);
    exempt_literals_ += exempt;
    for (const auto& a : e.args) args.push_back(Plan(*a));
    exempt_literals_ -= exempt;
    NodePtr call = internal::MakeCall(fn, std::move(matching), std::move(args));
    std::optional<Value> folded = ValidateLiteralCall(e, fn, target, *call);
    // A library value parsed from literals (quantity('64Gi'), ip('10.0.0.1'))
    // is the same on every evaluation: build it once.
    static const std::unordered_set<std::string> kFoldable = {
        "quantity", "ip", "cidr", "url", "semver"};
    if (folded && !receiver && kFoldable.count(fn)) {
      return internal::MakeConst(std::move(*folded));
    }
    return call;
  }

  // Kubernetes validates constant arguments of parsing functions at compile
  // time: quantity('1Q') or a broken regex is a compile error, not a
  // runtime one. Returns the value when the call is on literals only and
  // succeeds.
  std::optional<Value> ValidateLiteralCall(const Expr& e,
                                           const std::string& fn,
                                           const Expr* target,
                                           const internal::Node& call) {
    // Calls on literals are also evaluated, so that what a type checker
    // would reject ([[1]].min(), ['a'].sum()) fails to compile.
    static const std::unordered_set<std::string> kValidated = {
        "find", "findAll", "quantity", "ip", "cidr", "url", "semver",
        "matches", "format", "format@4", "duration", "timestamp"};
    if (target && !IsLiteral(*target)) return std::nullopt;
    for (const auto& a : e.args) {
      if (!IsLiteral(*a)) return std::nullopt;
    }
    internal::Frame frame;
    Activation none;
    frame.activation = &none;
    frame.limit = kDefaultCostLimit;
    frame.strict_presence = !env_.kubernetes_restrictions;
    Value v = call.Eval(frame);
    if (!v.IsError()) return v;
    std::string_view msg = v.error_message();
    if (msg.starts_with("no such overload")) {
      Fail(e, NoMatchingOverload(e, fn, target, msg));
    }
    // cel-go's duration and timestamp literal validators, at the literal.
    if (!target && (fn == "duration" || fn == "timestamp") &&
        e.args.size() == 1 && e.args[0]->kind == Expr::Kind::kConst) {
      Fail(*e.args[0], "invalid " + fn + " argument");
    }
    if (kValidated.count(fn)) Fail(e, std::string(msg));
    return std::nullopt;
  }

  // cel-go's checker wording, "found no matching overload for 'isQuantity'
  // applied to '(list(int))'" ('string.(int)' for a method), when every
  // argument's type is evident; otherwise `fallback`.
  std::string NoMatchingOverload(const Expr& e, const std::string& fn,
                                 const Expr* target, std::string_view fallback) {
    std::string signature = "(";
    if (target) {
      auto t = types_.Of(*target);
      if (!t) return std::string(fallback);
      signature = *t + ".(";
    }
    for (size_t i = 0; i < e.args.size(); ++i) {
      auto t = types_.Of(*e.args[i]);
      if (!t) return std::string(fallback);
      signature += (i ? ", " : "") + *t;
    }
    return "found no matching overload for '" + fn.substr(0, fn.find('@')) +
           "' applied to '" + signature + ")'";
  }

  // cel-go's format() validator, which Kubernetes runs at compile time:
  // with a literal format string and a list literal of arguments, a bad
  // clause, too few or too many arguments, or an argument whose evident
  // type the clause does not take is a compile error.
  void CheckFormatCall(const Expr& e, const Expr& target) {
    if (target.kind != Expr::Kind::kConst ||
        target.value.kind() != Value::Kind::kString || e.args.size() != 1 ||
        e.args[0]->kind != Expr::Kind::kList) {
      return;
    }
    const auto& elems = e.args[0]->args;
    const Expr* culprit = &e;
    size_t clauses = 0;
    std::string scratch;
    std::string error = internal::WalkFormat(
        target.value.string_value(), elems.size(),
        [&](const internal::FormatClause& c, std::string*) {
          const Expr& arg = *elems[c.arg_index];
          auto type = types_.Of(arg);
          std::string why =
              type ? internal::FormatArgumentError(
                         c.verb, type->substr(0, type->find('(')),
                         env_.strings_version >= 4)
                   : "";
          if (!why.empty()) culprit = &arg;
          return why;
        },
        &scratch, &clauses, /*checking=*/true);
    if (!error.empty()) Fail(*culprit, error);
    if (clauses < elems.size()) {
      Fail(e, "too many arguments supplied to string.format (expected " +
                  std::to_string(clauses) + ", got " +
                  std::to_string(elems.size()) + ")");
    }
  }

  static bool IsLiteral(const Expr& e) {
    if (e.kind == Expr::Kind::kConst) return true;
    if (e.kind == Expr::Kind::kCall && e.operand && !IsLiteral(*e.operand)) {
      return false;
    }
    if (e.kind != Expr::Kind::kList && e.kind != Expr::Kind::kMap &&
        e.kind != Expr::Kind::kCall) {
      return false;
    }
    for (const auto& a : e.args) {
      if (!IsLiteral(*a)) return false;
    }
    return true;
  }

  // Kubernetes rejects list/map literals whose elements (or keys, or
  // values) differ in type, e.g. [1, 'a'] or [duration('1s'), 1]. Elements
  // whose type is not evident here are not compared.
  void CheckHomogeneous(const Expr& e, size_t stride) {
    if (!env_.kubernetes_restrictions || exempt_literals_ > 0) return;
    for (size_t part = 0; part < stride; ++part) {
      std::optional<std::string> first;
      for (size_t i = part; i < e.args.size(); i += stride) {
        if (e.optional_flags[i / stride]) continue;
        const Expr& a = *e.args[i];
        auto type = types_.Of(a);
        if (!type) continue;
        if (!first) {
          first = type;
        } else if (*first != *type) {
          Fail(a, "expected type '" + *first + "' but found '" + *type + "'");
        }
      }
    }
  }

  const Env& env_;
  const FunctionRegistry& fns_;
  std::vector<std::string> scopes_;
  internal::EvidentTypes types_;  // of comprehension variables in scope
  int max_slots_ = 0;
  int exempt_literals_ = 0;  // > 0 inside arguments of format()
};

class CompiledProgram : public Program {
 public:
  CompiledProgram(std::string source, NodePtr root, int slots, uint64_t limit,
                  bool strict_presence)
      : source_(std::move(source)),
        root_(std::move(root)),
        slots_(slots),
        limit_(limit),
        strict_presence_(strict_presence) {}

  Value Eval(const Activation& activation, EvalStats* stats) const override {
    constexpr int kInlineSlots = 8;
    std::array<Value, kInlineSlots> inline_slots;
    std::vector<Value> heap_slots;
    Value* locals = inline_slots.data();
    if (slots_ > kInlineSlots) {
      heap_slots.resize(slots_);
      locals = heap_slots.data();
    }
    internal::Frame frame;
    frame.activation = &activation;
    frame.locals = locals;
    frame.limit = limit_;
    frame.strict_presence = strict_presence_;
    Value v = root_->Eval(frame);
    if (frame.exhausted) v = internal::CostExceeded();
    if (stats) stats->cost = frame.cost;
    return v;
  }

  const std::string& source() const override { return source_; }

 private:
  std::string source_;
  NodePtr root_;
  int slots_;
  uint64_t limit_;
  bool strict_presence_;
};

}  // namespace

Env Env::Admission() {
  Env env;
  env.variables = {"object",    "oldObject", "request",
                   "params",    "namespaceObject", "variables",
                   "authorizer", "authorizer.requestResource"};
  return env;
}

Env Env::Mutation() {
  Env env = Admission();
  env.mutation = true;
  return env;
}

std::string DescribeError(const Value& error, std::string_view source) {
  if (error.error_position() < 0 ||
      size_t(error.error_position()) > source.size()) {
    return std::string(error.error_message());
  }
  return FormatSyntaxError(source, error.error_position(),
                           std::string(error.error_message()));
}

std::string ErrorLocation(const Value& error, std::string_view source) {
  int32_t pos = error.error_position();
  if (pos < 0 || size_t(pos) > source.size()) return "";
  std::string_view before = source.substr(0, pos);
  size_t line = 1 + std::count(before.begin(), before.end(), '\n');
  size_t nl = before.rfind('\n');
  std::string_view in_line =
      nl == std::string_view::npos ? before : before.substr(nl + 1);
  return std::to_string(line) + ":" +
         std::to_string(1 + internal::CodePointCount(in_line));
}

Result<std::shared_ptr<const Program>> Compile(std::string_view expression,
                                               const Env& env) {
  ParseOptions options;
  options.max_depth = env.max_nesting_depth;
  options.max_length = env.max_expression_length;
  options.enable_macros = env.macros;
  auto ast = Parse(expression, options);
  if (!ast.ok()) return ast.status();
  if (env.object_schema) {
    Status s = internal::CheckSchemaFields(**ast, env, expression);
    if (!s.ok()) return s;
  }
  try {
    Planner planner(env, BuiltinFunctions());
    NodePtr root = planner.Plan(**ast);
    return std::shared_ptr<const Program>(std::make_shared<CompiledProgram>(
        std::string(expression), std::move(root), planner.max_slots(),
        env.cost_limit, !env.kubernetes_restrictions));
  } catch (const CompileError& e) {
    return Status::InvalidArgument(
        FormatSyntaxError(expression, e.position, e.message));
  }
}

}  // namespace rayguard::cel
