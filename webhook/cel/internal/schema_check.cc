#include "webhook/cel/internal/schema_check.h"

#include <algorithm>
#include <map>

#include "webhook/cel/lexer.h"

namespace rayguard::cel::internal {

namespace {

using json = nlohmann::json;

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1,
                         diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// A schema node and how to name it in messages.
struct Scoped {
  const json* schema = nullptr;
  std::string label;
};

class Checker {
 public:
  Checker(const Env& env) : env_(env) {}

  Status status;
  int32_t error_position = 0;

  Scoped Visit(const Expr& e) {
    if (!status.ok()) return {};
    switch (e.kind) {
      case Expr::Kind::kIdent: return Ident(e);
      case Expr::Kind::kSelect: return Select(e);
      case Expr::Kind::kCall: return Call(e);
      case Expr::Kind::kComprehension: return Comprehension(e);
      default:
        for (const auto& a : e.args) Visit(*a);
        return {};
    }
  }

 private:
  Scoped Ident(const Expr& e) {
    for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
      if (it->first == e.name) return it->second;
    }
    if (e.name == "object" || e.name == "oldObject") {
      return {env_.object_schema.get(),
              env_.object_kind.empty() ? e.name : env_.object_kind};
    }
    return {};
  }

  Scoped Select(const Expr& e) {
    Scoped parent = Visit(*e.operand);
    if (!parent.schema || !parent.schema->is_object()) return {};
    const json& s = *parent.schema;
    if (s.value("x-kubernetes-preserve-unknown-fields", false)) return {};
    auto props = s.find("properties");
    if (props == s.end() || !props->is_object()) {
      auto ap = s.find("additionalProperties");
      if (ap != s.end() && ap->is_object()) {
        return {&*ap, parent.label + "[*]"};
      }
      return {};
    }
    auto field = props->find(e.name);
    if (field != props->end()) {
      std::string label = parent.label;
      if (label == env_.object_kind && !label.empty() &&
          (e.name == "spec" || e.name == "status")) {
        label += char(std::toupper(e.name[0])) + e.name.substr(1);
      } else {
        label += "." + e.name;
      }
      return {&*field, label};
    }
    auto ap = s.find("additionalProperties");
    if (ap != s.end() && (ap->is_object() || *ap == true)) return {};
    Fail(e, parent.label, *props);
    return {};
  }

  void Fail(const Expr& e, const std::string& where, const json& props) {
    std::string best;
    size_t best_d = SIZE_MAX;
    for (auto it = props.begin(); it != props.end(); ++it) {
      size_t d = EditDistance(e.name, it.key());
      if (d < best_d) {
        best_d = d;
        best = it.key();
      }
    }
    std::string msg = "no field " + e.name + " in " + where;
    if (!best.empty() && best_d <= std::max<size_t>(2, e.name.size() / 3)) {
      msg += "; did you mean " + best + "?";
    }
    status = Status::InvalidArgument(msg);
    error_position = e.position;
  }

  Scoped Element(const Scoped& c) {
    if (!c.schema || !c.schema->is_object()) return {};
    auto items = c.schema->find("items");
    if (items != c.schema->end() && items->is_object()) {
      return {&*items, c.label + "[]"};
    }
    auto ap = c.schema->find("additionalProperties");
    if (ap != c.schema->end() && ap->is_object()) {
      return {&*ap, c.label + "[*]"};
    }
    return {};
  }

  Scoped Call(const Expr& e) {
    if (e.operand) Visit(*e.operand);
    std::vector<Scoped> args;
    for (const auto& a : e.args) args.push_back(Visit(*a));
    if ((e.name == "_[_]" || e.name == "_[?_]") && !args.empty()) {
      return Element(args[0]);
    }
    return {};
  }

  Scoped Comprehension(const Expr& e) {
    Scoped range = Visit(*e.operand);
    bool is_list = range.schema && range.schema->is_object() &&
                   range.schema->contains("items");
    size_t mark = scopes_.size();
    if (e.macro == MacroKind::kBind) {
      scopes_.emplace_back(e.iter_var, range);
    } else if (e.iter_var2.empty()) {
      scopes_.emplace_back(e.iter_var, is_list ? Element(range) : Scoped{});
    } else {
      scopes_.emplace_back(e.iter_var, Scoped{});
      scopes_.emplace_back(e.iter_var2, Element(range));
    }
    if (e.filter) Visit(*e.filter);
    Visit(*e.step);
    scopes_.resize(mark);
    return {};
  }

  const Env& env_;
  std::vector<std::pair<std::string, Scoped>> scopes_;
};

}  // namespace

Status CheckSchemaFields(const Expr& expr, const Env& env,
                         std::string_view source) {
  Checker checker(env);
  checker.Visit(expr);
  if (checker.status.ok()) return checker.status;
  return Status::InvalidArgument(FormatSyntaxError(
      source, checker.error_position, checker.status.message()));
}

}  // namespace rayguard::cel::internal
