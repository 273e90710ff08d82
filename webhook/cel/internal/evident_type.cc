#include "webhook/cel/internal/evident_type.h"

#include <algorithm>

namespace rayguard::cel::internal {

namespace {

constexpr std::string_view kDuration = "google.protobuf.Duration";
constexpr std::string_view kTimestamp = "google.protobuf.Timestamp";

// "map(K, V)" -> {K, V}, splitting at the top-level comma.
std::optional<std::pair<std::string, std::string>> MapParts(
    const EvidentTypeName& type) {
  if (!type || !type->starts_with("map(") || !type->ends_with(")")) {
    return std::nullopt;
  }
  std::string_view inner(*type);
  inner = inner.substr(4, inner.size() - 5);
  int depth = 0;
  for (size_t i = 0; i < inner.size(); ++i) {
    if (inner[i] == '(') ++depth;
    if (inner[i] == ')') --depth;
    if (inner[i] == ',' && depth == 0 && i + 1 < inner.size()) {
      return std::pair{std::string(inner.substr(0, i)),
                       std::string(inner.substr(i + 2))};
    }
  }
  return std::nullopt;
}

bool IsNumeric(const std::string& t) {
  return t == "int" || t == "uint" || t == "double";
}

}  // namespace

EvidentTypeName EvidentTypes::ListElement(const EvidentTypeName& type) {
  if (!type || !type->starts_with("list(") || !type->ends_with(")")) {
    return std::nullopt;
  }
  return type->substr(5, type->size() - 6);
}

void EvidentTypes::Push(std::string name, EvidentTypeName type) {
  locals_.emplace_back(std::move(name), std::move(type));
}

void EvidentTypes::Pop(size_t count) {
  locals_.resize(locals_.size() - std::min(count, locals_.size()));
}

EvidentTypeName EvidentTypes::Of(const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::kConst:
      if (e.value.IsNull()) return std::nullopt;
      return e.value.TypeName();
    case Expr::Kind::kIdent:
      for (auto it = locals_.rbegin(); it != locals_.rend(); ++it) {
        if (it->first == e.name) return it->second;
      }
      return std::nullopt;
    case Expr::Kind::kCall:
      return CallType(e);
    case Expr::Kind::kList: {
      auto elem = CommonType(e, 0, 1);
      return elem ? "list(" + *elem + ")" : EvidentTypeName();
    }
    case Expr::Kind::kMap: {
      auto k = CommonType(e, 0, 2), v = CommonType(e, 1, 2);
      if (!k || !v) return std::nullopt;
      return "map(" + *k + ", " + *v + ")";
    }
    case Expr::Kind::kComprehension:
      return ComprehensionType(e);
    default:
      return std::nullopt;
  }
}

EvidentTypeName EvidentTypes::CommonType(const Expr& e, size_t part,
                                         size_t stride) {
  EvidentTypeName common;
  for (size_t i = part; i < e.args.size(); i += stride) {
    if (e.optional_flags[i / stride]) return std::nullopt;
    auto t = Of(*e.args[i]);
    if (!t || (common && *common != *t)) return std::nullopt;
    common = t;
  }
  return common;
}

EvidentTypeName EvidentTypes::CallType(const Expr& e) {
  if (e.operand) return std::nullopt;  // member calls: not tracked
  static const std::pair<std::string_view, std::string_view> kFixed[] = {
      {"int", "int"},
      {"uint", "uint"},
      {"double", "double"},
      {"string", "string"},
      {"bytes", "bytes"},
      {"bool", "bool"},
      {"duration", kDuration},
      {"timestamp", kTimestamp},
      {"quantity", "kubernetes.Quantity"},
      {"ip", "net.IP"},
      {"cidr", "net.CIDR"},
      {"url", "kubernetes.URL"},
      {"semver", "kubernetes.Semver"},
      {"_<_", "bool"},
      {"_<=_", "bool"},
      {"_>_", "bool"},
      {"_>=_", "bool"},
      {"_==_", "bool"},
      {"_!=_", "bool"},
      {"!_", "bool"},
      {"_&&_", "bool"},
      {"_||_", "bool"},
      {"@in", "bool"}};
  for (const auto& [fn, type] : kFixed) {
    if (fn == e.name) return std::string(type);
  }
  const std::string& fn = e.name;
  size_t n = e.args.size();
  if (fn == "-_" && n == 1) {
    auto t = Of(*e.args[0]);
    return t && (*t == "int" || *t == "double" || *t == kDuration)
               ? t
               : std::nullopt;
  }
  if (fn == "_?_:_" && n == 3) {
    auto a = Of(*e.args[1]), b = Of(*e.args[2]);
    return a && b && *a == *b ? a : std::nullopt;
  }
  if (fn == "_[_]" && n == 2) {
    auto container = Of(*e.args[0]);
    if (auto elem = ListElement(container)) return elem;
    if (auto parts = MapParts(container)) return parts->second;
    return std::nullopt;
  }
  if (n != 2) return std::nullopt;
  auto a = Of(*e.args[0]), b = Of(*e.args[1]);
  if (!a || !b) return std::nullopt;
  // CEL has no mixed arithmetic: same-typed operands give that type.
  if (fn == "_+_") {
    if (*a == *b && (IsNumeric(*a) || *a == "string" || *a == "bytes" ||
                     *a == kDuration || ListElement(a))) {
      return a;
    }
    if (*a == kTimestamp && *b == kDuration) return a;
    if (*a == kDuration && *b == kTimestamp) return b;
    return std::nullopt;
  }
  if (fn == "_-_") {
    if (*a == *b && (IsNumeric(*a) || *a == kDuration)) return a;
    if (*a == kTimestamp && *b == kTimestamp) return std::string(kDuration);
    if (*a == kTimestamp && *b == kDuration) return a;
    return std::nullopt;
  }
  if (fn == "_*_" || fn == "_/_") {
    return *a == *b && IsNumeric(*a) ? a : std::nullopt;
  }
  if (fn == "_%_") {
    return *a == *b && (*a == "int" || *a == "uint") ? a : std::nullopt;
  }
  return std::nullopt;
}

std::pair<EvidentTypeName, EvidentTypeName> EvidentTypes::VariableTypes(
    const Expr& e) {
  auto range = Of(*e.operand);
  if (e.macro == MacroKind::kBind) return {range, std::nullopt};
  if (e.macro == MacroKind::kOptMap || e.macro == MacroKind::kOptFlatMap) {
    return {std::nullopt, std::nullopt};
  }
  auto elem = ListElement(range);
  auto parts = MapParts(range);
  if (e.iter_var2.empty()) {
    if (elem) return {elem, std::nullopt};
    if (parts) return {parts->first, std::nullopt};
    return {std::nullopt, std::nullopt};
  }
  if (elem) return {std::string("int"), elem};
  if (parts) return {parts->first, parts->second};
  return {std::nullopt, std::nullopt};
}

EvidentTypeName EvidentTypes::ComprehensionType(const Expr& e) {
  switch (e.macro) {
    case MacroKind::kAll:
    case MacroKind::kExists:
    case MacroKind::kExistsOne:
      return std::string("bool");
    case MacroKind::kFilter: {
      auto range = Of(*e.operand);
      if (ListElement(range)) return range;
      if (auto parts = MapParts(range)) return "list(" + parts->first + ")";
      return std::nullopt;
    }
    case MacroKind::kSortBy: {
      auto range = Of(*e.operand);
      return ListElement(range) ? range : std::nullopt;
    }
    case MacroKind::kMap:
    case MacroKind::kMapFilter:
    case MacroKind::kTransformList:
    case MacroKind::kBind: {
      auto [first, second] = VariableTypes(e);
      Push(e.iter_var, first);
      if (!e.iter_var2.empty()) Push(e.iter_var2, second);
      auto step = Of(*e.step);
      Pop(e.iter_var2.empty() ? 1 : 2);
      if (e.macro == MacroKind::kBind) return step;
      return step ? "list(" + *step + ")" : EvidentTypeName();
    }
    default:
      return std::nullopt;
  }
}

}  // namespace rayguard::cel::internal
