// Kubernetes `urls` library: kubernetes.URL, an absolute URI or an absolute
// path parsed as Go's url.ParseRequestURI does, with its accessors.

#include <algorithm>

#include "webhook/cel/function_registry.h"

namespace rayguard::cel {

namespace {

using K = Value::Kind;
using Args = std::span<const Value>;

constexpr std::string_view kType = "kubernetes.URL";

struct Url {
  std::string text, scheme, host, hostname, port, path, query;
};

std::optional<std::string> Parse(std::string_view s, Url* u) {
  u->text = std::string(s);
  size_t hash = s.find('#');
  if (hash != std::string_view::npos) s = s.substr(0, hash);
  size_t colon = s.find(':');
  size_t slash = s.find('/');
  if (colon != std::string_view::npos && colon > 0 &&
      (slash == std::string_view::npos || colon < slash) && isalpha(uint8_t(s[0])) &&
      s.substr(0, colon).find_first_not_of(
          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-") ==
          std::string_view::npos) {
    u->scheme = std::string(s.substr(0, colon));
    s = s.substr(colon + 1);
  } else if (s.empty() || s[0] != '/') {
    return "invalid URI for request";
  }
  size_t q = s.find('?');
  if (q != std::string_view::npos) {
    u->query = std::string(s.substr(q + 1));
    s = s.substr(0, q);
  }
  if (s.starts_with("//")) {
    s.remove_prefix(2);
    size_t end = s.find('/');
    std::string_view authority = s.substr(0, end);
    s = end == std::string_view::npos ? "" : s.substr(end);
    size_t at = authority.rfind('@');
    if (at != std::string_view::npos) authority = authority.substr(at + 1);
    u->host = std::string(authority);
    if (authority.starts_with("[")) {
      size_t close = authority.find(']');
      if (close == std::string_view::npos) return "missing ']' in host";
      u->hostname = std::string(authority.substr(1, close - 1));
      std::string_view after = authority.substr(close + 1);
      if (!after.empty()) {
        if (after[0] != ':') return "invalid host";
        u->port = std::string(after.substr(1));
      }
    } else {
      size_t pc = authority.rfind(':');
      u->hostname = std::string(authority.substr(0, pc));
      if (pc != std::string_view::npos) u->port = std::string(authority.substr(pc + 1));
      if (u->hostname.find(':') != std::string::npos) {
        return "invalid port \":" + u->port + "\" after host";
      }
    }
    if (u->port.find_first_not_of("0123456789") != std::string::npos) {
      return "invalid port \":" + u->port + "\" after host";
    }
  } else if (!u->scheme.empty() && (s.empty() || s[0] != '/')) {
    // Opaque URIs ("mailto:x") keep everything in the path.
  }
  u->path = std::string(s);
  return std::nullopt;
}

std::string Escape(std::string_view path) {
  static constexpr std::string_view kKeep =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
      "-._~/:@!$&'()*+,;=%";
  std::string out;
  for (char c : path) {
    if (kKeep.find(c) != std::string_view::npos) {
      out += c;
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", uint8_t(c));
      out += buf;
    }
  }
  return out;
}

std::string Unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && isxdigit(uint8_t(s[i + 1])) &&
               isxdigit(uint8_t(s[i + 2]))) {
      out += char(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

class UrlValue : public OpaqueValue {
 public:
  explicit UrlValue(Url u) : u_(std::move(u)) {}
  std::string_view TypeName() const override { return kType; }
  bool Equals(const OpaqueValue& o) const override {
    return u_.text == static_cast<const UrlValue&>(o).u_.text;
  }
  nlohmann::json ToJson() const override { return u_.text; }
  const Url& url() const { return u_; }

 private:
  Url u_;
};

const Url& U(const Value& v) { return static_cast<const UrlValue&>(*v.opaque()).url(); }

Value Make(Args a) {
  Url u;
  if (auto err = Parse(a[0].string_value(), &u)) {
    return Value::Error("URL parse error during conversion from string: parse \"" +
                        std::string(a[0].string_value()) + "\": " + *err);
  }
  return Value::Opaque(std::make_shared<UrlValue>(std::move(u)));
}
Value IsUrl(Args a) { return Value::Bool(!Make(a).IsError()); }
Value Scheme(Args a) { return Value::String(U(a[0]).scheme); }
Value Host(Args a) { return Value::String(U(a[0]).host); }
Value Hostname(Args a) { return Value::String(U(a[0]).hostname); }
Value Port(Args a) { return Value::String(U(a[0]).port); }
Value EscapedPath(Args a) { return Value::String(Escape(U(a[0]).path)); }
Value Query(Args a) {
  std::vector<std::pair<Value, Value>> entries;
  std::vector<std::pair<std::string, std::vector<Value>>> grouped;
  std::string_view q = U(a[0]).query;
  while (!q.empty()) {
    size_t amp = q.find('&');
    std::string_view pair = q.substr(0, amp);
    q = amp == std::string_view::npos ? "" : q.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string key = Unescape(pair.substr(0, eq));
    std::string value = eq == std::string_view::npos ? "" : Unescape(pair.substr(eq + 1));
    auto it = std::find_if(grouped.begin(), grouped.end(),
                           [&](const auto& g) { return g.first == key; });
    if (it == grouped.end()) {
      grouped.push_back({key, {}});
      it = grouped.end() - 1;
    }
    it->second.push_back(Value::String(value));
  }
  for (auto& [k, vs] : grouped) {
    entries.emplace_back(Value::String(k), Value::List(std::move(vs)));
  }
  return Value::Map(std::move(entries));
}

}  // namespace

Status RegisterUrlLibrary(FunctionRegistry& r) {
  const ArgType u(kType);
  r.AddGlobal("url", {K::kString}, Make);
  r.AddGlobal("isURL", {K::kString}, IsUrl);
  r.AddMember("getScheme", {u}, Scheme);
  r.AddMember("getHost", {u}, Host);
  r.AddMember("getHostname", {u}, Hostname);
  r.AddMember("getPort", {u}, Port);
  r.AddMember("getEscapedPath", {u}, EscapedPath);
  r.AddMember("getQuery", {u}, Query);
  return Status::Ok();
}

}  // namespace rayguard::cel
