// cel-go's strings extension, version 2 as Kubernetes enables it. Positions
// and lengths count Unicode code points.

#include <array>

#include "webhook/cel/function_registry.h"
#include "webhook/cel/internal/format.h"

namespace rayguard::cel {

namespace {

using K = Value::Kind;
using Args = std::span<const Value>;

// Byte offset of each code point, plus the total size at the end.
std::vector<size_t> CodePointOffsets(std::string_view s) {
  std::vector<size_t> out;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((uint8_t(s[i]) & 0xC0) != 0x80) out.push_back(i);
  }
  out.push_back(s.size());
  return out;
}

Value OutOfRange(int64_t i) {
  return Value::Error("index out of range: " + std::to_string(i));
}

Value CharAt(Args a) {
  std::string_view s = a[0].string_value();
  auto off = CodePointOffsets(s);
  int64_t i = a[1].int_value();
  int64_t n = int64_t(off.size()) - 1;
  if (i < 0 || i > n) return OutOfRange(i);
  if (i == n) return Value::String("");
  return Value::String(std::string(s.substr(off[i], off[i + 1] - off[i])));
}

// Code-point index of the code point starting at byte `b`.
int64_t IndexOfByte(const std::vector<size_t>& off, size_t b) {
  return std::lower_bound(off.begin(), off.end(), b) - off.begin();
}

Value IndexOf(Args a) {
  std::string_view s = a[0].string_value(), sub = a[1].string_value();
  auto off = CodePointOffsets(s);
  int64_t n = int64_t(off.size()) - 1;
  int64_t start = a.size() > 2 ? a[2].int_value() : 0;
  if (start < 0) return OutOfRange(start);
  if (start > n) return Value::Int(-1);
  size_t pos = s.find(sub, off[start]);
  if (pos == std::string_view::npos) return Value::Int(-1);
  return Value::Int(IndexOfByte(off, pos));
}

Value LastIndexOf(Args a) {
  std::string_view s = a[0].string_value(), sub = a[1].string_value();
  auto off = CodePointOffsets(s);
  int64_t n = int64_t(off.size()) - 1;
  int64_t last = a.size() > 2 ? a[2].int_value() : n;
  if (last < 0) return OutOfRange(last);
  // Past the end gives -1 since cel-go v0.22 (what Kubernetes runs).
  if (last > n) return Value::Int(-1);
  if (sub.empty()) return Value::Int(last);
  size_t pos = s.rfind(sub, off[last]);
  if (pos == std::string_view::npos) return Value::Int(-1);
  return Value::Int(IndexOfByte(off, pos));
}

Value LowerAscii(Args a) {
  std::string s(a[0].string_value());
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  }
  return Value::String(std::move(s));
}

Value UpperAscii(Args a) {
  std::string s(a[0].string_value());
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = char(c - 'a' + 'A');
  }
  return Value::String(std::move(s));
}

Value Replace(Args a) {
  std::string_view s = a[0].string_value(), from = a[1].string_value(),
                   to = a[2].string_value();
  int64_t n = a.size() > 3 ? a[3].int_value() : -1;
  // The result can be at most (len(s) + 1) * len(to) + len(s) bytes; refuse
  // growth past a fixed bound rather than allocate it.
  constexpr size_t kMaxResult = 16 << 20;
  if (!to.empty() && (s.size() + 1) > kMaxResult / to.size()) {
    return Value::Error("replace: result would exceed " +
                        std::to_string(kMaxResult) + " bytes");
  }
  std::string out;
  if (from.empty()) {
    auto off = CodePointOffsets(s);
    int64_t done = 0;
    for (size_t i = 0; i + 1 < off.size() || i + 1 == off.size(); ++i) {
      if (n < 0 || done < n) {
        out += to;
        ++done;
      }
      if (i + 1 < off.size()) out += s.substr(off[i], off[i + 1] - off[i]);
    }
    return Value::String(std::move(out));
  }
  size_t pos = 0;
  int64_t done = 0;
  while (n < 0 || done < n) {
    size_t hit = s.find(from, pos);
    if (hit == std::string_view::npos) break;
    out += s.substr(pos, hit - pos);
    out += to;
    pos = hit + from.size();
    ++done;
  }
  out += s.substr(pos);
  return Value::String(std::move(out));
}

Value Split(Args a) {
  std::string_view s = a[0].string_value(), sep = a[1].string_value();
  int64_t n = a.size() > 2 ? a[2].int_value() : -1;
  std::vector<Value> out;
  if (n == 0) return Value::List({});
  if (sep.empty()) {
    auto off = CodePointOffsets(s);
    for (size_t i = 0; i + 1 < off.size(); ++i) {
      if (n > 0 && int64_t(out.size()) == n - 1) {
        out.push_back(Value::String(std::string(s.substr(off[i]))));
        return Value::List(std::move(out));
      }
      out.push_back(Value::String(std::string(s.substr(off[i], off[i + 1] - off[i]))));
    }
    return Value::List(std::move(out));
  }
  size_t pos = 0;
  while (n < 0 || int64_t(out.size()) < n - 1) {
    size_t hit = s.find(sep, pos);
    if (hit == std::string_view::npos) break;
    out.push_back(Value::String(std::string(s.substr(pos, hit - pos))));
    pos = hit + sep.size();
  }
  out.push_back(Value::String(std::string(s.substr(pos))));
  return Value::List(std::move(out));
}

Value Substring(Args a) {
  std::string_view s = a[0].string_value();
  auto off = CodePointOffsets(s);
  int64_t n = int64_t(off.size()) - 1;
  int64_t start = a[1].int_value();
  int64_t end = a.size() > 2 ? a[2].int_value() : n;
  if (start < 0 || start > n) return OutOfRange(start);
  if (end < 0 || end > n) return OutOfRange(end);
  if (end < start) {
    return Value::Error("invalid substring range. start: " +
                        std::to_string(start) + ", end: " + std::to_string(end));
  }
  return Value::String(std::string(s.substr(off[start], off[end] - off[start])));
}

bool IsSpace(uint32_t c) {
  return c == ' ' || (c >= 0x09 && c <= 0x0D) || c == 0x85 || c == 0xA0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
         c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

uint32_t DecodeAt(std::string_view s, size_t i) {
  uint8_t c = s[i];
  if (c < 0x80) return c;
  int len = (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
  uint32_t cp = c & (0x7F >> len);
  for (int k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (s[i + k] & 0x3F);
  return cp;
}

Value Trim(Args a) {
  std::string_view s = a[0].string_value();
  auto off = CodePointOffsets(s);
  size_t b = 0, e = off.size() - 1;
  while (b < e && IsSpace(DecodeAt(s, off[b]))) ++b;
  while (e > b && IsSpace(DecodeAt(s, off[e - 1]))) --e;
  return Value::String(std::string(s.substr(off[b], off[e] - off[b])));
}

Value Join(Args a) {
  std::string sep = a.size() > 1 ? std::string(a[1].string_value()) : "";
  std::string out;
  for (size_t i = 0; i < a[0].list_size(); ++i) {
    Value e = a[0].list_at(i);
    if (e.kind() != K::kString) return NoSuchOverload("join", a);
    if (i) out += sep;
    out += e.string_value();
  }
  return Value::String(std::move(out));
}

Value Quote(Args a) {
  std::string_view s = a[0].string_value();
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '\a': out += "\\a"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\v': out += "\\v"; break;
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      default: out += c;
    }
  }
  if (!internal::IsValidUtf8(s)) {
    // Invalid bytes become U+FFFD, as Go's string conversion does.
    std::string fixed;
    for (size_t i = 0; i < out.size();) {
      uint8_t c = out[i];
      int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3
                : (c >> 3) == 30 ? 4 : 0;
      if (len && i + len <= out.size() &&
          internal::IsValidUtf8(std::string_view(out).substr(i, len))) {
        fixed.append(out, i, len);
        i += len;
      } else {
        fixed += "\xEF\xBF\xBD";
        ++i;
      }
    }
    out = fixed;
  }
  return Value::String(out + "\"");
}

// Version 3: reverses code points (the compiler hides it below version 3).
Value Reverse(Args a) {
  std::string_view s = a[0].string_value();
  auto off = CodePointOffsets(s);
  std::string out;
  out.reserve(s.size());
  for (size_t i = off.size() - 1; i > 0; --i) {
    out += s.substr(off[i - 1], off[i] - off[i - 1]);
  }
  return Value::String(std::move(out));
}

}  // namespace

Status RegisterStringsLibrary(FunctionRegistry& r) {
  r.AddMember("charAt", {K::kString, K::kInt}, CharAt);
  r.AddMember("indexOf", {K::kString, K::kString}, IndexOf);
  r.AddMember("indexOf", {K::kString, K::kString, K::kInt}, IndexOf);
  r.AddMember("lastIndexOf", {K::kString, K::kString}, LastIndexOf);
  r.AddMember("lastIndexOf", {K::kString, K::kString, K::kInt}, LastIndexOf);
  r.AddMember("lowerAscii", {K::kString}, LowerAscii);
  r.AddMember("upperAscii", {K::kString}, UpperAscii);
  r.AddMember("replace", {K::kString, K::kString, K::kString}, Replace);
  r.AddMember("replace", {K::kString, K::kString, K::kString, K::kInt}, Replace);
  r.AddMember("split", {K::kString, K::kString}, Split);
  r.AddMember("split", {K::kString, K::kString, K::kInt}, Split);
  r.AddMember("substring", {K::kString, K::kInt}, Substring);
  r.AddMember("substring", {K::kString, K::kInt, K::kInt}, Substring);
  r.AddMember("trim", {K::kString}, Trim);
  r.AddMember("join", {K::kList}, Join);
  r.AddMember("join", {K::kList, K::kString}, Join);
  r.AddGlobal("strings.quote", {K::kString}, Quote);
  r.AddMember("reverse", {K::kString}, Reverse);
  return Status::Ok();
}

}  // namespace rayguard::cel
