#ifndef RAYGUARD_CEL_AST_H_
#define RAYGUARD_CEL_AST_H_

// The parsed form of a CEL expression, with macros already expanded.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "webhook/cel/value.h"

namespace rayguard::cel {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

// Comprehension macros, kept as such (rather than as the spec's generic
// accumulator loop) so the interpreter runs each with a tight loop.
enum class MacroKind {
  kAll,             // range.all(x, pred)           | range.all(k, v, pred)
  kExists,          // range.exists(x, pred)        | 2-variable form
  kExistsOne,       // range.exists_one(x, pred)    | existsOne / 2-variable
  kMap,             // range.map(x, f)
  kMapFilter,       // range.map(x, cond, f)
  kFilter,          // range.filter(x, cond)
  kTransformList,   // range.transformList(i, v, [cond,] f)
  kTransformMap,    // range.transformMap(k, v, [cond,] f)
  kTransformMapEntry,  // range.transformMapEntry(k, v, [cond,] {k2: v2})
  kOptMap,          // opt.optMap(x, f)
  kOptFlatMap,      // opt.optFlatMap(x, f)
  kBind,            // cel.bind(x, init, body): range = init, step = body
  kSortBy,          // list.sortBy(x, key)
};

struct Expr {
  enum class Kind {
    kConst,          // value
    kIdent,          // name
    kSelect,         // operand.name; test_only for has(); optional for .?name
    kCall,           // [target.]name(args)
    kList,           // [args...]; optional_indices for [?x]
    kMap,            // {args[2i]: args[2i+1]}; optional entries flagged
    kStruct,         // name{field_names[i]: args[i]}
    kComprehension,  // macro over operand with iter vars
  };

  Kind kind = Kind::kConst;
  int32_t position = 0;  // byte offset in the source

  Value value;
  std::string name;
  ExprPtr operand;  // select operand, call target, comprehension range
  std::vector<ExprPtr> args;
  std::vector<std::string> field_names;  // kStruct
  std::vector<bool> optional_flags;      // kList, kMap, kStruct
  bool test_only = false;
  bool optional = false;
  bool parenthesized = false;

  MacroKind macro = MacroKind::kAll;
  std::string iter_var;   // first variable
  std::string iter_var2;  // second variable, empty for one-variable forms
  // Comprehension bodies: filter (may be null) then step (predicate/transform).
  ExprPtr filter;
  ExprPtr step;
};

}  // namespace rayguard::cel

#endif  // RAYGUARD_CEL_AST_H_
