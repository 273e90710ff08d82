#include "webhook/cel/parser.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "webhook/cel/internal/format.h"
#include "webhook/cel/lexer.h"

namespace rayguard::cel {

namespace {

// Thrown inside the parser only; Parse() turns it into a Status.
struct SyntaxError {
  int32_t position;
  std::string message;
};

constexpr std::string_view kReserved[] = {
    "as",  "break", "const",  "continue", "else",    "for",  "function",
    "if",  "import", "let",   "loop",     "package", "namespace", "return",
    "var", "void",  "while"};

bool IsReserved(std::string_view s) {
  for (auto r : kReserved) {
    if (r == s) return true;
  }
  return false;
}

ExprPtr NewExpr(Expr::Kind kind, int32_t pos) {
  auto e = std::make_unique<Expr>();
  e->kind = kind;
  e->position = pos;
  return e;
}

ExprPtr NewCall(std::string fn, int32_t pos, std::vector<ExprPtr> args,
                ExprPtr target = nullptr) {
  auto e = NewExpr(Expr::Kind::kCall, pos);
  e->name = std::move(fn);
  e->args = std::move(args);
  e->operand = std::move(target);
  return e;
}

class Parser {
 public:
  Parser(std::vector<Token> tokens, const ParseOptions& options)
      : tokens_(std::move(tokens)), options_(options) {}

  ExprPtr ParseAll() {
    ExprPtr e = ParseExpr();
    if (Peek().kind != Token::Kind::kEnd) Fail(Peek(), "mismatched input '" + Peek().text + "'");
    return e;
  }

 private:
  struct DepthGuard {
    explicit DepthGuard(Parser* p) : p(p) {
      if (++p->depth_ > p->options_.max_depth) {
        p->Fail(p->Peek(), "expression nesting exceeds limit of " +
                               std::to_string(p->options_.max_depth));
      }
    }
    ~DepthGuard() { --p->depth_; }
    Parser* p;
  };

  const Token& Peek(size_t ahead = 0) const {
    size_t i = std::min(pos_ + ahead, tokens_.size() - 1);
    return tokens_[i];
  }
  bool IsPunct(std::string_view p, size_t ahead = 0) const {
    const Token& t = Peek(ahead);
    return t.kind == Token::Kind::kPunct && t.text == p;
  }
  bool Accept(std::string_view p) {
    if (!IsPunct(p)) return false;
    ++pos_;
    return true;
  }
  void Expect(std::string_view p) {
    if (!Accept(p)) {
      const Token& t = Peek();
      Fail(t, t.kind == Token::Kind::kEnd
                  ? "unexpected end of input, expecting '" + std::string(p) + "'"
                  : "mismatched input '" + t.text + "' expecting '" +
                        std::string(p) + "'");
    }
  }
  [[noreturn]] void Fail(const Token& t, std::string message) {
    throw SyntaxError{t.position, std::move(message)};
  }
  [[noreturn]] void Fail(int32_t pos, std::string message) {
    throw SyntaxError{pos, std::move(message)};
  }

  ExprPtr ParseExpr() {
    DepthGuard guard(this);
    ExprPtr cond = ParseOr();
    if (!IsPunct("?")) return cond;
    int32_t pos = Peek().position;
    ++pos_;
    ExprPtr a = ParseOr();
    Expect(":");
    ExprPtr b = ParseExpr();
    std::vector<ExprPtr> args;
    args.push_back(std::move(cond));
    args.push_back(std::move(a));
    args.push_back(std::move(b));
    return NewCall("_?_:_", pos, std::move(args));
  }

  ExprPtr Binary(std::string fn, int32_t pos, ExprPtr a, ExprPtr b) {
    std::vector<ExprPtr> args;
    args.push_back(std::move(a));
    args.push_back(std::move(b));
    return NewCall(std::move(fn), pos, std::move(args));
  }

  // A left-deep chain (a + b + c ...) nests one level per operator.
  struct ChainGuard {
    explicit ChainGuard(Parser* p) : p(p) {}
    void Step() {
      ++n;
      if (++p->depth_ > p->options_.max_depth) {
        p->Fail(p->Peek(), "expression nesting exceeds limit of " +
                               std::to_string(p->options_.max_depth));
      }
    }
    ~ChainGuard() { p->depth_ -= n; }
    Parser* p;
    int n = 0;
  };

  ExprPtr ParseOr() {
    ExprPtr e = ParseAnd();
    ChainGuard chain(this);
    while (IsPunct("||")) {
      chain.Step();
      int32_t pos = Peek().position;
      ++pos_;
      e = Binary("_||_", pos, std::move(e), ParseAnd());
    }
    return e;
  }

  ExprPtr ParseAnd() {
    ExprPtr e = ParseRelation();
    ChainGuard chain(this);
    while (IsPunct("&&")) {
      chain.Step();
      int32_t pos = Peek().position;
      ++pos_;
      e = Binary("_&&_", pos, std::move(e), ParseRelation());
    }
    return e;
  }

  ExprPtr ParseRelation() {
    ExprPtr e = ParseAdditive();
    ChainGuard chain(this);
    while (true) {
      const Token& t = Peek();
      std::string fn;
      if (t.kind == Token::Kind::kIdent && t.text == "in") {
        fn = "@in";
      } else if (t.kind == Token::Kind::kPunct) {
        if (t.text == "<") fn = "_<_";
        else if (t.text == "<=") fn = "_<=_";
        else if (t.text == ">") fn = "_>_";
        else if (t.text == ">=") fn = "_>=_";
        else if (t.text == "==") fn = "_==_";
        else if (t.text == "!=") fn = "_!=_";
      }
      if (fn.empty()) return e;
      chain.Step();
      ++pos_;
      e = Binary(fn, t.position, std::move(e), ParseAdditive());
    }
  }

  ExprPtr ParseAdditive() {
    ExprPtr e = ParseMultiplicative();
    ChainGuard chain(this);
    while (IsPunct("+") || IsPunct("-")) {
      chain.Step();
      const Token& t = Peek();
      ++pos_;
      e = Binary(t.text == "+" ? "_+_" : "_-_", t.position, std::move(e),
                 ParseMultiplicative());
    }
    return e;
  }

  ExprPtr ParseMultiplicative() {
    ExprPtr e = ParseUnary();
    ChainGuard chain(this);
    while (IsPunct("*") || IsPunct("/") || IsPunct("%")) {
      chain.Step();
      const Token& t = Peek();
      ++pos_;
      std::string fn = t.text == "*" ? "_*_" : t.text == "/" ? "_/_" : "_%_";
      e = Binary(fn, t.position, std::move(e), ParseUnary());
    }
    return e;
  }

  ExprPtr ParseUnary() {
    DepthGuard guard(this);
    if (IsPunct("!")) {
      int32_t pos = Peek().position;
      ++pos_;
      std::vector<ExprPtr> args;
      args.push_back(ParseUnary());
      return NewCall("!_", pos, std::move(args));
    }
    if (IsPunct("-")) {
      int32_t pos = Peek().position;
      ++pos_;
      // A minus directly before a number literal is part of the literal, so
      // that -9223372036854775808 is representable.
      const Token& n = Peek();
      if ((n.kind == Token::Kind::kInt || n.kind == Token::Kind::kDouble) &&
          !IsPunct(".", 1) && !IsPunct("[", 1)) {
        ++pos_;
        ExprPtr lit = NumberLiteral(n, true);
        lit->position = pos;
        return ParseMemberSuffix(std::move(lit));
      }
      std::vector<ExprPtr> args;
      args.push_back(ParseUnary());
      return NewCall("-_", pos, std::move(args));
    }
    return ParseMemberSuffix(ParsePrimary());
  }

  ExprPtr NumberLiteral(const Token& t, bool negative) {
    auto e = NewExpr(Expr::Kind::kConst, t.position);
    const std::string& s = t.text;
    if (t.kind == Token::Kind::kDouble) {
      errno = 0;
      double d = std::strtod(s.c_str(), nullptr);
      e->value = Value::Double(negative ? -d : d);
      return e;
    }
    bool hex = s.size() > 2 && (s[1] == 'x' || s[1] == 'X');
    errno = 0;
    unsigned long long u = std::strtoull(hex ? s.c_str() + 2 : s.c_str(),
                                         nullptr, hex ? 16 : 10);
    if (errno == ERANGE) Fail(t, "invalid int literal");
    if (t.kind == Token::Kind::kUint) {
      if (negative) Fail(t, "invalid uint literal");
      e->value = Value::Uint(u);
      return e;
    }
    constexpr unsigned long long kMax = std::numeric_limits<int64_t>::max();
    if (negative) {
      if (u > kMax + 1) Fail(t, "invalid int literal");
      e->value = Value::Int(u == kMax + 1 ? std::numeric_limits<int64_t>::min()
                                          : -static_cast<int64_t>(u));
    } else {
      if (u > kMax) Fail(t, "invalid int literal");
      e->value = Value::Int(static_cast<int64_t>(u));
    }
    return e;
  }

  std::vector<ExprPtr> ParseArgs(std::string_view close) {
    std::vector<ExprPtr> args;
    if (Accept(close)) return args;
    do {
      args.push_back(ParseExpr());
    } while (Accept(",") && !IsPunct(close));
    Expect(close);
    return args;
  }

  // The dotted name of an identifier/select chain, or "" if it is not one.
  static std::string QualifiedName(const Expr& e) {
    if (e.parenthesized) return "";
    if (e.kind == Expr::Kind::kIdent) return e.name;
    if (e.kind == Expr::Kind::kSelect && !e.test_only && !e.optional) {
      std::string prefix = QualifiedName(*e.operand);
      return prefix.empty() ? "" : prefix + "." + e.name;
    }
    return "";
  }

  ExprPtr ParseMemberSuffix(ExprPtr e) {
    int guards = 0;
    while (true) {
      const Token& t = Peek();
      if (IsPunct(".")) {
        bool opt = false;
        ++pos_;
        if (IsPunct("?")) {
          opt = true;
          ++pos_;
        }
        const Token& id = Peek();
        if (id.kind != Token::Kind::kIdent && id.kind != Token::Kind::kQuotedIdent) {
          Fail(id, "no viable alternative at input '." + id.text + "'");
        }
        ++pos_;
        ++depth_;
        ++guards;
        if (depth_ > options_.max_depth) Fail(id, "expression nesting exceeds limit");
        if (id.kind == Token::Kind::kIdent && !opt && IsPunct("(")) {
          ++pos_;
          e = MakeCall(id.text, id.position, ParseArgs(")"), std::move(e));
          continue;
        }
        auto s = NewExpr(Expr::Kind::kSelect, t.position);
        s->name = id.text;
        s->optional = opt;
        s->operand = std::move(e);
        e = std::move(s);
      } else if (IsPunct("[")) {
        ++pos_;
        bool opt = Accept("?");
        ++depth_;
        ++guards;
        ExprPtr index = ParseExpr();
        Expect("]");
        std::vector<ExprPtr> args;
        args.push_back(std::move(e));
        args.push_back(std::move(index));
        e = NewCall(opt ? "_[?_]" : "_[_]", t.position, std::move(args));
      } else if (IsPunct("{") && !QualifiedName(*e).empty()) {
        std::string type = QualifiedName(*e);
        if (e->kind == Expr::Kind::kIdent && type.empty()) break;
        ++pos_;
        e = ParseStruct(std::move(type), t.position);
      } else {
        break;
      }
    }
    depth_ -= guards;
    return e;
  }

  ExprPtr ParseStruct(std::string type, int32_t pos) {
    auto s = NewExpr(Expr::Kind::kStruct, pos);
    s->name = std::move(type);
    if (!Accept("}")) {
      do {
        bool opt = Accept("?");
        const Token& f = Peek();
        if (f.kind != Token::Kind::kIdent && f.kind != Token::Kind::kQuotedIdent) {
          Fail(f, "mismatched input '" + f.text + "' expecting IDENTIFIER");
        }
        ++pos_;
        Expect(":");
        s->field_names.push_back(f.text);
        s->optional_flags.push_back(opt);
        s->args.push_back(ParseExpr());
      } while (Accept(",") && !IsPunct("}"));
      Expect("}");
    }
    return s;
  }

  ExprPtr ParsePrimary() {
    DepthGuard guard(this);
    const Token& t = Peek();
    switch (t.kind) {
      case Token::Kind::kInt:
      case Token::Kind::kUint:
      case Token::Kind::kDouble:
        ++pos_;
        return NumberLiteral(t, false);
      case Token::Kind::kString:
      case Token::Kind::kBytes: {
        ++pos_;
        auto e = NewExpr(Expr::Kind::kConst, t.position);
        e->value = t.kind == Token::Kind::kString ? Value::String(t.text)
                                                  : Value::Bytes(t.text);
        return e;
      }
      case Token::Kind::kIdent:
        return ParseIdent();
      case Token::Kind::kPunct:
        break;
      case Token::Kind::kEnd:
        Fail(t, "unexpected end of input");
      default:
        Fail(t, "mismatched input '" + t.text + "'");
    }
    if (Accept("(")) {
      ExprPtr e = ParseExpr();
      Expect(")");
      e->parenthesized = true;
      return e;
    }
    if (Accept("[")) return ParseList(t.position);
    if (Accept("{")) return ParseMap(t.position);
    if (IsPunct(".") && Peek(1).kind == Token::Kind::kIdent) {
      ++pos_;  // leading dot: root-scoped name, kept in the identifier
      ExprPtr e = ParseIdent();
      if (e->kind == Expr::Kind::kIdent) e->name = "." + e->name;
      return e;
    }
    Fail(t, t.text.empty() ? "unexpected end of input"
                           : "mismatched input '" + t.text + "'");
  }

  ExprPtr ParseIdent() {
    const Token& t = Peek();
    ++pos_;
    if (t.text == "true" || t.text == "false") {
      auto e = NewExpr(Expr::Kind::kConst, t.position);
      e->value = Value::Bool(t.text == "true");
      return e;
    }
    if (t.text == "null") return NewExpr(Expr::Kind::kConst, t.position);
    if (t.text == "in" || IsReserved(t.text)) {
      Fail(t, "reserved identifier: " + t.text);
    }
    if (Accept("(")) return MakeCall(t.text, t.position, ParseArgs(")"), nullptr);
    auto e = NewExpr(Expr::Kind::kIdent, t.position);
    e->name = t.text;
    return e;
  }

  ExprPtr ParseList(int32_t pos) {
    auto e = NewExpr(Expr::Kind::kList, pos);
    if (!Accept("]")) {
      do {
        e->optional_flags.push_back(Accept("?"));
        e->args.push_back(ParseExpr());
      } while (Accept(",") && !IsPunct("]"));
      Expect("]");
    }
    return e;
  }

  ExprPtr ParseMap(int32_t pos) {
    auto e = NewExpr(Expr::Kind::kMap, pos);
    if (!Accept("}")) {
      do {
        e->optional_flags.push_back(Accept("?"));
        e->args.push_back(ParseExpr());
        Expect(":");
        e->args.push_back(ParseExpr());
      } while (Accept(",") && !IsPunct("}"));
      Expect("}");
    }
    return e;
  }

  std::string IterVar(const ExprPtr& e) {
    if (e->kind != Expr::Kind::kIdent || e->parenthesized) {
      Fail(e->position, "argument must be a simple name");
    }
    return e->name;
  }

  ExprPtr Comprehension(MacroKind kind, int32_t pos, ExprPtr range,
                        std::vector<ExprPtr>& args, int vars) {
    auto c = NewExpr(Expr::Kind::kComprehension, pos);
    c->macro = kind;
    c->operand = std::move(range);
    c->iter_var = IterVar(args[0]);
    if (vars == 2) c->iter_var2 = IterVar(args[1]);
    size_t body = static_cast<size_t>(vars);
    if (args.size() == body + 2) c->filter = std::move(args[body++]);
    c->step = std::move(args[body]);
    if (c->iter_var == "__result__" || c->iter_var2 == "__result__") {
      Fail(pos, "iteration variable overwrites accumulator variable");
    }
    if (vars == 2 && c->iter_var == c->iter_var2) {
      Fail(pos, "duplicate variable name: " + c->iter_var);
    }
    return c;
  }

  ExprPtr MakeCall(const std::string& fn, int32_t pos, std::vector<ExprPtr> args,
                   ExprPtr target) {
    if (options_.enable_macros) {
      if (ExprPtr m = ExpandMacro(fn, pos, args, target)) return m;
    }
    return NewCall(fn, pos, std::move(args), std::move(target));
  }

  ExprPtr ExpandMacro(const std::string& fn, int32_t pos,
                      std::vector<ExprPtr>& args, ExprPtr& target) {
    size_t n = args.size();
    if (!target) {
      if (fn == "has" && n == 1) {
        ExprPtr& a = args[0];
        if (a->kind != Expr::Kind::kSelect || a->optional) {
          Fail(pos, "invalid argument to has() macro");
        }
        a->test_only = true;
        return std::move(a);
      }
      return nullptr;
    }
    if (fn == "bind" && n == 3 && target->kind == Expr::Kind::kIdent &&
        target->name == "cel") {
      // At `cel`, where cel-go reports it when bindings are not enabled.
      auto c = NewExpr(Expr::Kind::kComprehension, target->position);
      c->macro = MacroKind::kBind;
      c->iter_var = IterVar(args[0]);
      c->operand = std::move(args[1]);
      c->step = std::move(args[2]);
      return c;
    }
    struct Entry {
      std::string_view name;
      size_t min_args, max_args;
      int vars;
      MacroKind kind;
    };
    static constexpr Entry kMacros[] = {
        {"all", 2, 2, 1, MacroKind::kAll},
        {"all", 3, 3, 2, MacroKind::kAll},
        {"exists", 2, 2, 1, MacroKind::kExists},
        {"exists", 3, 3, 2, MacroKind::kExists},
        {"exists_one", 2, 2, 1, MacroKind::kExistsOne},
        {"exists_one", 3, 3, 2, MacroKind::kExistsOne},
        {"existsOne", 2, 2, 1, MacroKind::kExistsOne},
        {"existsOne", 3, 3, 2, MacroKind::kExistsOne},
        {"map", 2, 2, 1, MacroKind::kMap},
        {"map", 3, 3, 1, MacroKind::kMapFilter},
        {"filter", 2, 2, 1, MacroKind::kFilter},
        {"transformList", 3, 4, 2, MacroKind::kTransformList},
        {"transformMap", 3, 4, 2, MacroKind::kTransformMap},
        {"transformMapEntry", 3, 4, 2, MacroKind::kTransformMapEntry},
        {"optMap", 2, 2, 1, MacroKind::kOptMap},
        {"optFlatMap", 2, 2, 1, MacroKind::kOptFlatMap},
        {"sortBy", 2, 2, 1, MacroKind::kSortBy},
    };
    for (const Entry& m : kMacros) {
      if (m.name == fn && n >= m.min_args && n <= m.max_args) {
        return Comprehension(m.kind, pos, std::move(target), args, m.vars);
      }
    }
    return nullptr;
  }

  std::vector<Token> tokens_;
  ParseOptions options_;
  size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

Result<ExprPtr> Parse(std::string_view source, const ParseOptions& options) {
  if (internal::CodePointCount(source) > options.max_length) {
    return Status::InvalidArgument(
        "expression of " + std::to_string(internal::CodePointCount(source)) +
        " code points exceeds the limit of " +
        std::to_string(options.max_length));
  }
  auto tokens = Lexer(source).Tokenize();
  if (!tokens.ok()) return tokens.status();
  try {
    Parser parser(std::move(*tokens), options);
    return parser.ParseAll();
  } catch (const SyntaxError& e) {
    return Status::InvalidArgument(
        FormatSyntaxError(source, e.position, "Syntax error: " + e.message));
  }
}

}  // namespace rayguard::cel
