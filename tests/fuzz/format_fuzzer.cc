// Fuzzes `<string>.format(list)`: arbitrary clause text (verbs, flags,
// precisions and widths of any length) over arbitrary arguments, in both
// formatters (the API server's and cel-spec's), through evaluation and
// through the compile-time check of literal calls. Anything may fail;
// nothing may crash, read outside a buffer, or return text or an error
// message that is not valid UTF-8.
//
// Input: byte 0 picks the formatter; the format text runs to the first NUL;
// the rest encodes the arguments, one tag byte each (see NextValue).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "webhook/cel/cel.h"
#include "webhook/cel/internal/format.h"

namespace {

using rayguard::cel::Value;

struct Reader {
  std::string_view in;
  uint8_t Byte() {
    if (in.empty()) return 0;
    auto b = static_cast<uint8_t>(in[0]);
    in.remove_prefix(1);
    return b;
  }
  uint64_t Word() {
    uint64_t w = 0;
    for (int i = 0; i < 8; ++i) w = (w << 8) | Byte();
    return w;
  }
  std::string Text() {
    size_t want = Byte();  // before in.size(): it shortens `in`
    size_t n = std::min(want, in.size());
    std::string s(in.substr(0, n));
    in.remove_prefix(n);
    return s;
  }
};

// Strings reach CEL as valid UTF-8 (the lexer and the JSON reader check);
// keep the fuzzer's to that, bytes outside ASCII becoming '?' when needed.
std::string Utf8(std::string s) {
  if (rayguard::cel::internal::IsValidUtf8(s)) return s;
  for (char& c : s) {
    if (static_cast<uint8_t>(c) >= 0x80) c = '?';
  }
  return s;
}

// One argument, and its CEL literal form for the compile-time path.
Value NextValue(Reader& r, int depth, std::string* literal) {
  switch (r.Byte() % 13) {
    case 0: {
      auto i = static_cast<int64_t>(r.Word());
      *literal = i == INT64_MIN ? "-9223372036854775808" : std::to_string(i);
      return Value::Int(i);
    }
    case 1: {
      uint64_t u = r.Word();
      *literal = std::to_string(u) + "u";
      return Value::Uint(u);
    }
    case 2: {
      uint64_t bits = r.Word();
      double d;
      std::memcpy(&d, &bits, sizeof d);
      char buf[64];
      std::snprintf(buf, sizeof buf, "double('%.17g')", d);
      *literal = buf;  // "double('nan')" etc. may not compile: fine
      return Value::Double(d);
    }
    case 3: {
      std::string s = Utf8(r.Text());
      *literal = "'" + s + "'";  // may not parse: fine
      return Value::String(s);
    }
    case 4: {
      std::string s = r.Text();
      *literal = "b''";
      return Value::Bytes(s);
    }
    case 5: *literal = "true"; return Value::Bool(true);
    case 6: *literal = "null"; return Value::Null();
    case 7:
    case 8: {
      bool map = r.Byte() % 2;
      size_t n = depth > 3 ? 0 : r.Byte() % 4;
      std::vector<Value> elems;
      std::vector<std::pair<Value, Value>> entries;
      *literal = map ? "{" : "[";
      for (size_t i = 0; i < n; ++i) {
        std::string el;
        Value v = NextValue(r, depth + 1, &el);
        if (i) *literal += ", ";
        if (map) {
          entries.emplace_back(Value::Int(static_cast<int64_t>(i)), v);
          *literal += std::to_string(i) + ": " + el;
        } else {
          elems.push_back(v);
          *literal += el;
        }
      }
      *literal += map ? "}" : "]";
      return map ? Value::Map(std::move(entries)) : Value::List(std::move(elems));
    }
    case 9: {
      auto s = static_cast<int64_t>(r.Word() % 315576000000);
      *literal = "duration('" + std::to_string(s) + "s')";
      return Value::Duration({s, 0});
    }
    case 10: {
      auto s = static_cast<int64_t>(r.Word() % 253402300799);
      *literal = "timestamp(" + std::to_string(s) + ")";
      return Value::Timestamp({s, 0});
    }
    case 11: *literal = "int"; return Value::Type("int");
    default: *literal = "optional.none()"; return Value::OptionalNone();
  }
}

void CheckUtf8(const Value& v) {
  std::string_view text =
      v.IsError() ? v.error_message()
                  : (v.kind() == Value::Kind::kString ? v.string_value() : "");
  if (!rayguard::cel::internal::IsValidUtf8(text)) {
    std::fprintf(stderr, "format() produced invalid UTF-8\n");
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader r{std::string_view(reinterpret_cast<const char*>(data), size)};
  int version = r.Byte() % 2 ? 4 : 2;
  size_t nul = r.in.find('\0');
  std::string text = Utf8(std::string(r.in.substr(0, nul)));
  r.in.remove_prefix(nul == std::string_view::npos ? r.in.size() : nul + 1);
  std::vector<Value> args;
  std::string literal = "[";
  while (!r.in.empty() && args.size() < 16) {
    std::string el;
    args.push_back(NextValue(r, 0, &el));
    literal += (args.size() > 1 ? ", " : "") + el;
  }
  literal += "]";

  rayguard::cel::Env env = rayguard::cel::Env::Admission();
  env.strings_version = version;
  env.variables.push_back("fmt");
  env.variables.push_back("args");
  auto program = rayguard::cel::Compile("fmt.format(args)", env);
  if (!program.ok()) std::abort();
  rayguard::cel::Activation activation;
  activation.Bind("fmt", Value::String(text));
  activation.Bind("args", Value::List(std::move(args)));
  CheckUtf8((*program)->Eval(activation));

  // The same call with literals: the compile-time check, then evaluation.
  std::string quoted = "'''";
  for (char c : text) {
    if (c == '\\' || c == '\'') quoted += '\\';
    quoted += c;
  }
  quoted += "'''";
  auto literal_program =
      rayguard::cel::Compile(quoted + ".format(" + literal + ")", env);
  if (!literal_program.ok()) {
    std::string message(literal_program.status().message());
    if (!rayguard::cel::internal::IsValidUtf8(message)) std::abort();
    return 0;
  }
  rayguard::cel::Activation none;
  CheckUtf8((*literal_program)->Eval(none));
  return 0;
}
