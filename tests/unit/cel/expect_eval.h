#ifndef RAYGUARD_TESTS_UNIT_CEL_EXPECT_EVAL_H_
#define RAYGUARD_TESTS_UNIT_CEL_EXPECT_EVAL_H_

#include <string>

#include "webhook/cel/cel.h"

namespace rayguard::cel {

// The expectation language of the CEL table tests. Compiles `expr` in `env`,
// evaluates it over `activation` and checks `expected`, one of:
//   "compile"               must not compile
//   "compile: <substring>"  must not compile, the message holding <substring>
//   "error: <substring>"    evaluates to an error holding <substring>
//   anything else           the result's DebugString
void ExpectEval(const std::string& expr, const std::string& expected,
                const Env& env, const Activation& activation);

}  // namespace rayguard::cel

#endif  // RAYGUARD_TESTS_UNIT_CEL_EXPECT_EVAL_H_
