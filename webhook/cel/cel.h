#ifndef RAYGUARD_CEL_CEL_H_
#define RAYGUARD_CEL_CEL_H_

// The CEL engine's public face: declare an environment, compile an
// expression once, evaluate it many times (concurrently) over JSON objects.
//
//   cel::Env env = cel::Env::Admission();
//   auto program = cel::Compile("object.spec.workerGroupSpecs.all(g, "
//                               "g.maxReplicas <= 10)", env);
//   if (!program.ok()) ... program.status().message() has line:column ...
//   cel::Activation act;
//   act.Bind("object", &object_json);     // borrowed, not copied
//   cel::Value v = (*program)->Eval(act);
//   if (v.IsError()) ... v.error_message() ...

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "webhook/cel/value.h"
#include "webhook/core/result.h"

namespace rayguard::cel {

// The API server's per-expression runtime cost limit for admission policies.
inline constexpr uint64_t kDefaultCostLimit = 1000000;

// What an expression may refer to, and the limits it runs under.
struct Env {
  // Top-level variables an expression may use. Anything else is a compile
  // error ("undeclared reference").
  std::vector<std::string> variables;
  // Names an expression may use under `variables.` (policy variables);
  // when empty, any name is accepted and a missing one fails at evaluation.
  std::vector<std::string> variable_names;
  // Enables MutatingAdmissionPolicy constructs: `Object{...}` and
  // `Object.<path>{...}` values, `JSONPatch{op, path, value, from}`, and
  // `jsonpatch.escapeKey(string)`.
  bool mutation = false;
  // Runtime cost budget per evaluation; 0 means unlimited.
  uint64_t cost_limit = kDefaultCostLimit;
  // Compile-time limits: source length in code points and nesting depth.
  int64_t max_expression_length = 100000;
  int max_nesting_depth = 250;
  // JSON Schema (OpenAPI v3, as in a CRD) of `object`/`oldObject`. When set,
  // selecting a field the schema does not have is a compile error naming the
  // closest existing field.
  std::shared_ptr<const nlohmann::json> object_schema;
  // Name of the schema's kind for messages ("RayCluster"); optional.
  std::string object_kind;
  // Namespace used to resolve identifiers (CEL "container"); rarely needed.
  std::string container;
  // Expand macros (has, all, exists, map, ...). Off only for tests of the
  // parser itself.
  bool macros = true;
  // The API server's environment rather than plain CEL's (conformance):
  // list/map literals mixing element types of different kinds do not
  // compile; `cel.bind` (cel-go's bindings extension, which Kubernetes does
  // not enable) is undeclared; `.?`/`[?]` through null or a scalar give
  // optional.none() instead of an error.
  bool kubernetes_restrictions = true;
  // cel-go strings extension version. 2 is what Kubernetes enables; 3 adds
  // `<string>.reverse()`; 4 and later switch `format()` to the cel-spec
  // formatter (see docs/cel.md), as plain CEL (conformance) expects.
  int strings_version = 2;

  // The environment ValidatingAdmissionPolicy expressions get: object,
  // oldObject, request, params, namespaceObject, variables, authorizer and
  // authorizer.requestResource. rayguard has no authorizer to ask: the
  // authorizer library's builders work and every check() evaluates to an
  // error, so the expression's failure handling decides.
  static Env Admission();
  // Admission() with `mutation` on (MutatingAdmissionPolicy).
  static Env Mutation();
};

// Binds variable names to values for one evaluation. JSON is borrowed, not
// copied: it must outlive every Eval that uses this Activation. Not safe to
// share between threads (lazy results are cached); make one per request.
class Activation {
 public:
  Activation();
  ~Activation();
  Activation(const Activation&) = delete;
  Activation& operator=(const Activation&) = delete;

  // `json` may be nullptr, which binds CEL null (e.g. oldObject on CREATE).
  void Bind(std::string name, const nlohmann::json* json);
  void Bind(std::string name, Value value);
  // `producer` runs on first use, at most once per Activation.
  void BindLazy(std::string name, std::function<Value()> producer);
  // `name.field` is resolved on first use by resolver(field), at most once
  // per field; nullopt means there is no such field (an evaluation error).
  // For `variables.<x>` in policies.
  void BindLazyFields(
      std::string name,
      std::function<std::optional<Value>(std::string_view field)> resolver);

  // The value of `name`, or nullopt if unbound. Resolves lazy bindings.
  std::optional<Value> Find(std::string_view name) const;
  // The value of `name.field` for a BindLazyFields binding, or nullopt.
  std::optional<Value> FindField(std::string_view name,
                                 std::string_view field) const;
  // Whether `name` is bound with BindLazyFields.
  bool HasLazyFields(std::string_view name) const;

 private:
  struct Binding;
  std::vector<std::unique_ptr<Binding>> bindings_;
};

// Per-evaluation figures.
struct EvalStats {
  uint64_t cost = 0;  // runtime cost spent (comparable to the API server's)
};

// A compiled expression. Immutable; Eval is safe to call from any number of
// threads at once.
class Program {
 public:
  virtual ~Program() = default;
  // Evaluates over `activation`. Failures (no such key, overflow, cost limit
  // exceeded, ...) come back as an error Value, never as an exception.
  virtual Value Eval(const Activation& activation,
                     EvalStats* stats = nullptr) const = 0;
  // The source text it was compiled from.
  virtual const std::string& source() const = 0;
};

// Parses and checks `expression` in `env`. Syntax errors, undeclared
// variables or functions, over-long or over-nested input and (with a
// schema) unknown fields fail with InvalidArgument; the message names line
// and column and has a caret line.
Result<std::shared_ptr<const Program>> Compile(std::string_view expression,
                                               const Env& env);

// An error Value from Program::Eval on `source`, described like a compile
// error when the failing sub-expression is known:
// "<input>:1:10: no such key: b\n | {'a': 1}.b\n | .........^";
// otherwise just its message.
std::string DescribeError(const Value& error, std::string_view source);

// "line:column" (1-based, columns in code points) of the sub-expression an
// evaluation error came from, or "" when unknown.
std::string ErrorLocation(const Value& error, std::string_view source);

}  // namespace rayguard::cel

#endif  // RAYGUARD_CEL_CEL_H_
