#ifndef RAYGUARD_CEL_PARSER_H_
#define RAYGUARD_CEL_PARSER_H_

#include <string_view>

#include "webhook/cel/ast.h"
#include "webhook/core/result.h"

namespace rayguard::cel {

struct ParseOptions {
  // Nesting depth beyond which parsing fails (no stack exhaustion).
  int max_depth = 250;
  // Code points beyond which the expression is rejected unparsed.
  int64_t max_length = 100000;
  bool enable_macros = true;
};

// Parses CEL source into an AST with macros expanded. Errors carry line,
// column and a caret line (FormatSyntaxError).
Result<ExprPtr> Parse(std::string_view source, const ParseOptions& options = {});

}  // namespace rayguard::cel

#endif  // RAYGUARD_CEL_PARSER_H_
