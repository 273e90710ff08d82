// Kubernetes `semver` library: kubernetes.Semver, strict semver 2.0.0 with
// an optional normalising parse ("v01.2" -> "1.2.0").

#include <charconv>

#include "webhook/cel/function_registry.h"

namespace rayguard::cel {

namespace {

using K = Value::Kind;
using Args = std::span<const Value>;

constexpr std::string_view kType = "kubernetes.Semver";

struct Version {
  uint64_t major = 0, minor = 0, patch = 0;
  std::vector<std::string> pre;  // dot-separated pre-release identifiers
  std::string build;
};

bool IsNumeric(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

std::vector<std::string_view> SplitDots(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    out.push_back(s.substr(start, dot - start));
    if (dot == std::string_view::npos) return out;
    start = dot + 1;
  }
}

bool ValidIdentifiers(std::string_view s, bool numeric_no_zero) {
  for (std::string_view id : SplitDots(s)) {
    if (id.empty() || id.find_first_not_of(
                          "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN"
                          "OPQRSTUVWXYZ-") != std::string_view::npos) {
      return false;
    }
    if (numeric_no_zero && IsNumeric(id) && id.size() > 1 && id[0] == '0') {
      return false;
    }
  }
  return true;
}

std::optional<std::string> Parse(std::string_view s, Version* v) {
  size_t plus = s.find('+');
  if (plus != std::string_view::npos) {
    v->build = std::string(s.substr(plus + 1));
    if (!ValidIdentifiers(v->build, false)) return "Invalid build metadata";
    s = s.substr(0, plus);
  }
  size_t dash = s.find('-');
  if (dash != std::string_view::npos) {
    std::string_view pre = s.substr(dash + 1);
    if (!ValidIdentifiers(pre, true)) return "Invalid prerelease";
    for (auto id : SplitDots(pre)) v->pre.emplace_back(id);
    s = s.substr(0, dash);
  }
  auto parts = SplitDots(s);
  if (parts.size() != 3) return "No Major.Minor.Patch elements found";
  uint64_t* fields[] = {&v->major, &v->minor, &v->patch};
  for (int i = 0; i < 3; ++i) {
    std::string_view p = parts[i];
    if (!IsNumeric(p)) return "Invalid character(s) found in version";
    if (p.size() > 1 && p[0] == '0') return "Version element has leading zeroes";
    auto r = std::from_chars(p.data(), p.data() + p.size(), *fields[i]);
    if (r.ec != std::errc()) return "Version element out of range";
  }
  return std::nullopt;
}

// Kubernetes' normalisation: drop one leading 'v', strip leading zeros of
// the numeric parts, pad missing minor/patch with 0.
std::string Normalize(std::string_view s) {
  if (!s.empty() && s[0] == 'v') s.remove_prefix(1);
  size_t meta = s.find_first_of("-+");
  std::string_view core = s.substr(0, meta);
  std::string rest = meta == std::string_view::npos ? "" : std::string(s.substr(meta));
  auto parts = SplitDots(core);
  if (parts.size() > 3) return std::string(s);
  if (parts.size() < 3 && !rest.empty()) return std::string(s);
  std::string out;
  for (size_t i = 0; i < 3; ++i) {
    std::string_view p = i < parts.size() ? parts[i] : "0";
    while (p.size() > 1 && p[0] == '0') p.remove_prefix(1);
    if (i) out += '.';
    out += p;
  }
  return out + rest;
}

int ComparePre(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.empty() || b.empty()) return a.empty() == b.empty() ? 0 : (a.empty() ? 1 : -1);
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    bool an = IsNumeric(a[i]), bn = IsNumeric(b[i]);
    int c;
    if (an && bn) {
      c = a[i].size() != b[i].size() ? (a[i].size() < b[i].size() ? -1 : 1)
                                     : a[i].compare(b[i]);
    } else if (an != bn) {
      c = an ? -1 : 1;
    } else {
      c = a[i].compare(b[i]);
    }
    if (c) return c < 0 ? -1 : 1;
  }
  return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

class Semver : public OpaqueValue {
 public:
  explicit Semver(Version v) : v_(std::move(v)) {}
  std::string_view TypeName() const override { return kType; }
  bool Equals(const OpaqueValue& o) const override {
    return Compare(static_cast<const Semver&>(o)) == 0;
  }
  nlohmann::json ToJson() const override {
    std::string s = std::to_string(v_.major) + "." + std::to_string(v_.minor) +
                    "." + std::to_string(v_.patch);
    for (size_t i = 0; i < v_.pre.size(); ++i) s += (i ? "." : "-") + v_.pre[i];
    if (!v_.build.empty()) s += "+" + v_.build;
    return s;
  }
  int Compare(const Semver& o) const {
    for (auto [x, y] : {std::pair{v_.major, o.v_.major}, {v_.minor, o.v_.minor},
                        {v_.patch, o.v_.patch}}) {
      if (x != y) return x < y ? -1 : 1;
    }
    return ComparePre(v_.pre, o.v_.pre);
  }
  const Version& version() const { return v_; }

 private:
  Version v_;
};

const Semver& S(const Value& v) { return static_cast<const Semver&>(*v.opaque()); }

Value Make(Args a) {
  std::string text(a[0].string_value());
  if (a.size() > 1 && a[1].bool_value()) text = Normalize(text);
  Version v;
  if (auto err = Parse(text, &v)) return Value::Error(*err);
  return Value::Opaque(std::make_shared<Semver>(std::move(v)));
}
Value IsSemver(Args a) { return Value::Bool(!Make(a).IsError()); }
Value Major(Args a) { return Value::Int(int64_t(S(a[0]).version().major)); }
Value Minor(Args a) { return Value::Int(int64_t(S(a[0]).version().minor)); }
Value Patch(Args a) { return Value::Int(int64_t(S(a[0]).version().patch)); }
Value Less(Args a) { return Value::Bool(S(a[0]).Compare(S(a[1])) < 0); }
Value Greater(Args a) { return Value::Bool(S(a[0]).Compare(S(a[1])) > 0); }
Value CompareTo(Args a) { return Value::Int(S(a[0]).Compare(S(a[1]))); }

}  // namespace

Status RegisterSemverLibrary(FunctionRegistry& r) {
  const ArgType s(kType);
  r.AddGlobal("semver", {K::kString}, Make);
  r.AddGlobal("semver", {K::kString, K::kBool}, Make);
  r.AddGlobal("isSemver", {K::kString}, IsSemver);
  r.AddGlobal("isSemver", {K::kString, K::kBool}, IsSemver);
  r.AddMember("major", {s}, Major);
  r.AddMember("minor", {s}, Minor);
  r.AddMember("patch", {s}, Patch);
  r.AddMember("isLessThan", {s, s}, Less);
  r.AddMember("isGreaterThan", {s, s}, Greater);
  r.AddMember("compareTo", {s, s}, CompareTo);
  return Status::Ok();
}

}  // namespace rayguard::cel
