#ifndef RAYGUARD_CEL_INTERNAL_SCHEMA_CHECK_H_
#define RAYGUARD_CEL_INTERNAL_SCHEMA_CHECK_H_

#include <string_view>

#include "webhook/cel/ast.h"
#include "webhook/cel/cel.h"

namespace rayguard::cel::internal {

// Fails when `expr` selects a field of `object`/`oldObject` (directly, by
// index, or through a comprehension variable) that env.object_schema does
// not declare, naming the closest declared field.
// REQUIRES: env.object_schema != nullptr
Status CheckSchemaFields(const Expr& expr, const Env& env,
                         std::string_view source);

}  // namespace rayguard::cel::internal

#endif  // RAYGUARD_CEL_INTERNAL_SCHEMA_CHECK_H_
