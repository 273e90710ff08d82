// MutatingAdmissionPolicy helpers: jsonpatch.escapeKey (RFC 6901 escaping).

#include "webhook/cel/function_registry.h"

namespace rayguard::cel {

namespace {

Value EscapeKey(std::span<const Value> a) {
  std::string out;
  for (char c : a[0].string_value()) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return Value::String(std::move(out));
}

}  // namespace

Status RegisterMutationLibrary(FunctionRegistry& r) {
  r.AddGlobal("jsonpatch.escapeKey", {Value::Kind::kString}, EscapeKey);
  return Status::Ok();
}

}  // namespace rayguard::cel
