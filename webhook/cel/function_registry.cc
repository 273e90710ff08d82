#include "webhook/cel/function_registry.h"

namespace rayguard::cel {

void FunctionRegistry::AddGlobal(std::string name,
                                 std::initializer_list<ArgType> params,
                                 FunctionImpl impl) {
  functions_[std::move(name)].push_back({false, params, impl});
}

void FunctionRegistry::AddMember(std::string name,
                                 std::initializer_list<ArgType> params,
                                 FunctionImpl impl) {
  functions_[std::move(name)].push_back({true, params, impl});
}

void FunctionRegistry::AddBoth(std::string name,
                               std::initializer_list<ArgType> params,
                               FunctionImpl impl) {
  AddGlobal(name, params, impl);
  AddMember(std::move(name), params, impl);
}

const std::vector<Overload>* FunctionRegistry::Find(
    std::string_view name) const {
  auto it = functions_.find(std::string(name));
  return it == functions_.end() ? nullptr : &it->second;
}

Value NoSuchOverload(std::string_view name, std::span<const Value> args) {
  std::string msg = "no such overload: " + std::string(name) + "(";
  for (size_t i = 0; i < args.size(); ++i) {
    if (i) msg += ", ";
    msg += args[i].TypeName();
  }
  return Value::Error(msg + ")");
}

const FunctionRegistry& BuiltinFunctions() {
  static const FunctionRegistry* registry = [] {
    auto* r = new FunctionRegistry();
    for (auto fn : {RegisterStandardLibrary, RegisterTimeLibrary,
                    RegisterStringsLibrary, RegisterListsLibrary,
                    RegisterSetsLibrary, RegisterRegexLibrary,
                    RegisterQuantityLibrary, RegisterNetworkLibrary,
                    RegisterSemverLibrary, RegisterUrlLibrary,
                    RegisterOptionalLibrary, RegisterMutationLibrary,
                    RegisterFormatLibrary, RegisterStringFormatLibrary,
                    RegisterAuthzLibrary}) {
      (void)fn(*r);
    }
    return r;
  }();
  return *registry;
}

}  // namespace rayguard::cel
