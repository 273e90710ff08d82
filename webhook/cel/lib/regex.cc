// Kubernetes `regex` library: find and findAll (RE2 syntax, as Go's regexp).

#include <re2/re2.h>

#include "webhook/cel/function_registry.h"
#include "webhook/cel/internal/regex_cache.h"

namespace rayguard::cel {

namespace {

using K = Value::Kind;
using Args = std::span<const Value>;

Value Find(Args a) {
  std::string error;
  auto re = internal::CompiledRegex(a[1].string_value(), &error);
  if (!re) return Value::Error(error);
  std::string_view s = a[0].string_value();
  re2::StringPiece input(s.data(), s.size()), match;
  if (!re->Match(input, 0, input.size(), RE2::UNANCHORED, &match, 1)) {
    return Value::String("");
  }
  return Value::String(std::string(match.data(), match.size()));
}

Value FindAll(Args a) {
  std::string error;
  auto re = internal::CompiledRegex(a[1].string_value(), &error);
  if (!re) return Value::Error(error);
  int64_t limit = a.size() > 2 ? a[2].int_value() : -1;
  std::string_view s = a[0].string_value();
  re2::StringPiece input(s.data(), s.size()), match;
  std::vector<Value> out;
  size_t pos = 0;
  while ((limit < 0 || int64_t(out.size()) < limit) && pos <= input.size() &&
         re->Match(input, pos, input.size(), RE2::UNANCHORED, &match, 1)) {
    out.push_back(Value::String(std::string(match.data(), match.size())));
    size_t end = match.data() - input.data() + match.size();
    pos = match.empty() ? end + 1 : end;
  }
  return Value::List(std::move(out));
}

}  // namespace

Status RegisterRegexLibrary(FunctionRegistry& r) {
  r.AddMember("find", {K::kString, K::kString}, Find);
  r.AddMember("findAll", {K::kString, K::kString}, FindAll);
  r.AddMember("findAll", {K::kString, K::kString, K::kInt}, FindAll);
  return Status::Ok();
}

}  // namespace rayguard::cel
