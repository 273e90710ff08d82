#ifndef RAYGUARD_CEL_FUNCTION_REGISTRY_H_
#define RAYGUARD_CEL_FUNCTION_REGISTRY_H_

#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "webhook/cel/value.h"
#include "webhook/core/status.h"

namespace rayguard::cel {

// One parameter of an overload: a value kind, or any kind (dyn). For
// kOpaque, `opaque` names the library type ("kubernetes.Quantity").
struct ArgType {
  ArgType() : any(true) {}
  ArgType(Value::Kind k) : any(false), kind(k) {}  // NOLINT: table syntax
  ArgType(std::string_view opaque_type)             // NOLINT
      : any(false), kind(Value::Kind::kOpaque), opaque(opaque_type) {}
  bool Matches(const Value& v) const;

  bool any;
  Value::Kind kind = Value::Kind::kNull;
  std::string_view opaque;
};
inline const ArgType kAny;

inline bool ArgType::Matches(const Value& v) const {
  if (any) return true;
  if (v.kind() != kind) return false;
  return kind != Value::Kind::kOpaque || v.opaque()->TypeName() == opaque;
}

// Implementations are strict: they never see error arguments.
using FunctionImpl = Value (*)(std::span<const Value> args);

struct Overload {
  bool receiver;  // called as args[0].name(args[1..])
  std::vector<ArgType> params;
  FunctionImpl impl;
};

// Named functions and their overloads. Filled once at startup by the
// Register*Library functions, then read-only (safe to share).
class FunctionRegistry {
 public:
  // `global(args)`.
  void AddGlobal(std::string name, std::initializer_list<ArgType> params,
                 FunctionImpl impl);
  // `params[0].name(params[1..])`.
  void AddMember(std::string name, std::initializer_list<ArgType> params,
                 FunctionImpl impl);
  // Both styles.
  void AddBoth(std::string name, std::initializer_list<ArgType> params,
               FunctionImpl impl);

  // Every overload of `name`, or nullptr.
  const std::vector<Overload>* Find(std::string_view name) const;

 private:
  std::unordered_map<std::string, std::vector<Overload>> functions_;
};

// The registry with every library rayguard offers (built once).
const FunctionRegistry& BuiltinFunctions();

// One per cel/lib/*.cc.
Status RegisterStandardLibrary(FunctionRegistry& r);
Status RegisterTimeLibrary(FunctionRegistry& r);
Status RegisterStringsLibrary(FunctionRegistry& r);
Status RegisterListsLibrary(FunctionRegistry& r);
Status RegisterRegexLibrary(FunctionRegistry& r);
Status RegisterOptionalLibrary(FunctionRegistry& r);
Status RegisterQuantityLibrary(FunctionRegistry& r);
Status RegisterNetworkLibrary(FunctionRegistry& r);
Status RegisterUrlLibrary(FunctionRegistry& r);
Status RegisterSemverLibrary(FunctionRegistry& r);
Status RegisterSetsLibrary(FunctionRegistry& r);
Status RegisterFormatLibrary(FunctionRegistry& r);
Status RegisterStringFormatLibrary(FunctionRegistry& r);
Status RegisterMutationLibrary(FunctionRegistry& r);
Status RegisterAuthzLibrary(FunctionRegistry& r);

// The values of `authorizer` and `authorizer.requestResource` (lib/authz.cc):
// builders whose checks evaluate to an error, there being no authorizer.
Value OfflineAuthorizer();
Value OfflineRequestResource();

// "no such overload: name(int, string)"
Value NoSuchOverload(std::string_view name, std::span<const Value> args);

}  // namespace rayguard::cel

#endif  // RAYGUARD_CEL_FUNCTION_REGISTRY_H_
