#ifndef RAYGUARD_CEL_INTERNAL_EVIDENT_TYPE_H_
#define RAYGUARD_CEL_INTERNAL_EVIDENT_TYPE_H_

// The static type of an expression where it is evident without a full type
// checker: constants, conversions and constructors with a fixed result type,
// list and map literals of those, arithmetic on operands of one such type,
// comparisons, and what filter/map/transformList/sortBy/cel.bind make of a
// range whose element type is known. Comprehension variables take the
// element type of their range. Anything else is unknown (nullopt): field
// selections on JSON, dyn(), null, most calls.
//
// Types are spelled as CEL prints them: "int", "double",
// "google.protobuf.Duration", "list(double)", "map(string, int)".
//
// Used for Kubernetes' list/map literal homogeneity rule and for the zero of
// `sum()` on an empty list (0.0 for list(double)). Not thread-safe: one per
// compilation.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "webhook/cel/ast.h"

namespace rayguard::cel::internal {

using EvidentTypeName = std::optional<std::string>;

class EvidentTypes {
 public:
  // The type of `e` in the current scope of comprehension variables.
  EvidentTypeName Of(const Expr& e);

  // The one evident type of every `stride`-th element of list/map literal
  // `e` from `part` (keys: 0 of 2, values: 1 of 2); nullopt when there are
  // none, some are unknown, or they differ.
  EvidentTypeName CommonType(const Expr& e, size_t part, size_t stride);

  // The types comprehension `e` gives its variables (iter_var, iter_var2),
  // from the type of its range.
  std::pair<EvidentTypeName, EvidentTypeName> VariableTypes(const Expr& e);

  // Brings comprehension variables into scope (innermost last) and takes
  // them out again.
  void Push(std::string name, EvidentTypeName type);
  void Pop(size_t count);

  // "list(T)" -> T, otherwise nullopt.
  static EvidentTypeName ListElement(const EvidentTypeName& type);

 private:
  EvidentTypeName ComprehensionType(const Expr& e);
  EvidentTypeName CallType(const Expr& e);

  std::vector<std::pair<std::string, EvidentTypeName>> locals_;
};

}  // namespace rayguard::cel::internal

#endif  // RAYGUARD_CEL_INTERNAL_EVIDENT_TYPE_H_
