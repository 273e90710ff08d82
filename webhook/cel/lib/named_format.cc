// Kubernetes `format` library (kubernetes.NamedFormat): named string formats
// whose validate() returns the messages of the matching apimachinery
// validator, or optional.none() when the string is valid.

#include <re2/re2.h>

#include "webhook/cel/function_registry.h"
#include "webhook/cel/internal/format.h"

namespace rayguard::cel {

namespace {

using K = Value::Kind;
using Args = std::span<const Value>;
using Messages = std::vector<std::string>;

constexpr std::string_view kType = "kubernetes.NamedFormat";

constexpr char kLabelFmt[] = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
constexpr char kSubdomainFmt[] =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
constexpr char kDns1035Fmt[] = "[a-z]([-a-z0-9]*[a-z0-9])?";
constexpr char kQualifiedFmt[] = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
constexpr char kLabelValueFmt[] = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";

constexpr char kLabelMsg[] =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric "
    "characters or '-', and must start and end with an alphanumeric character";
constexpr char kSubdomainMsg[] =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
    "characters, '-' or '.', and must start and end with an alphanumeric "
    "character";
constexpr char kDns1035Msg[] =
    "a DNS-1035 label must consist of lower case alphanumeric characters or "
    "'-', start with an alphabetic character, and end with an alphanumeric "
    "character";
constexpr char kQualifiedMsg[] =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start "
    "and end with an alphanumeric character";
constexpr char kLabelValueMsg[] =
    "a valid label must be an empty string or consist of alphanumeric "
    "characters, '-', '_' or '.', and must start and end with an alphanumeric "
    "character";

bool FullMatch(std::string_view s, const char* pattern) {
  // The patterns are few and fixed; compile each once.
  static const auto* cache = new std::vector<std::pair<const char*, RE2*>>{
      {kLabelFmt, new RE2(kLabelFmt)},
      {kSubdomainFmt, new RE2(kSubdomainFmt)},
      {kDns1035Fmt, new RE2(kDns1035Fmt)},
      {kQualifiedFmt, new RE2(kQualifiedFmt)},
      {kLabelValueFmt, new RE2(kLabelValueFmt)}};
  for (const auto& [p, re] : *cache) {
    if (p == pattern) return RE2::FullMatch(s, *re);
  }
  return false;
}

// apimachinery's RegexError, including its "',  or '" spacing.
std::string RegexError(std::string msg, const char* fmt,
                       std::initializer_list<const char*> examples) {
  msg += " (e.g. ";
  bool first = true;
  for (const char* e : examples) {
    if (!first) msg += " or ";
    first = false;
    msg += std::string("'") + e + "', ";
  }
  return msg + "regex used for validation is '" + fmt + "')";
}

std::string MaxLen(size_t n) {
  return "must be no more than " + std::to_string(n) + " characters";
}

Messages Dns1123Subdomain(std::string_view s) {
  Messages out;
  if (s.size() > 253) out.push_back(MaxLen(253));
  if (!FullMatch(s, kSubdomainFmt)) {
    out.push_back(RegexError(kSubdomainMsg, kSubdomainFmt, {"example.com"}));
  }
  return out;
}

Messages Dns1123Label(std::string_view s) {
  Messages out;
  if (s.size() > 63) out.push_back(MaxLen(63));
  if (!FullMatch(s, kLabelFmt)) {
    // A valid subdomain that is not a label can only be one with dots.
    out.push_back(FullMatch(s, kSubdomainFmt)
                      ? "must not contain dots"
                      : RegexError(kLabelMsg, kLabelFmt, {"my-name", "123-abc"}));
  }
  return out;
}

Messages Dns1035Label(std::string_view s) {
  Messages out;
  if (s.size() > 63) out.push_back(MaxLen(63));
  if (!FullMatch(s, kDns1035Fmt)) {
    out.push_back(RegexError(kDns1035Msg, kDns1035Fmt, {"my-name", "abc-123"}));
  }
  return out;
}

Messages QualifiedName(std::string_view s) {
  Messages out;
  std::string_view name = s;
  size_t slash = s.find('/');
  if (slash != std::string_view::npos) {
    if (s.find('/', slash + 1) != std::string_view::npos) {
      return {"a qualified name " +
              RegexError(kQualifiedMsg, kQualifiedFmt,
                         {"MyName", "my.name", "123-abc"}) +
              " with an optional DNS subdomain prefix and '/' (e.g. "
              "'example.com/MyName')"};
    }
    std::string_view prefix = s.substr(0, slash);
    name = s.substr(slash + 1);
    if (prefix.empty()) {
      out.push_back("prefix part must be non-empty");
    } else {
      for (const auto& m : Dns1123Subdomain(prefix)) {
        out.push_back("prefix part " + m);
      }
    }
  }
  if (name.empty()) {
    out.push_back("name part must be non-empty");
  } else if (name.size() > 63) {
    out.push_back("name part " + MaxLen(63));
  }
  if (!FullMatch(name, kQualifiedFmt)) {
    out.push_back("name part " + RegexError(kQualifiedMsg, kQualifiedFmt,
                                            {"MyName", "my.name", "123-abc"}));
  }
  return out;
}

Messages LabelValue(std::string_view s) {
  Messages out;
  if (s.size() > 63) out.push_back(MaxLen(63));
  if (!FullMatch(s, kLabelValueFmt)) {
    out.push_back(RegexError(kLabelValueMsg, kLabelValueFmt,
                             {"MyValue", "my_value", "12345"}));
  }
  return out;
}

// apimachinery's maskTrailingDash, which drops the last two bytes (not just
// the dash) before appending 'a'; reproduced as the API server runs it.
std::string MaskTrailingDash(std::string_view s) {
  if (s.size() > 1 && s.back() == '-') {
    return std::string(s.substr(0, s.size() - 2)) + "a";
  }
  return std::string(s);
}

Messages Uri(std::string_view s) {
  // The url library parses with Go's url.ParseRequestURI, as this format does.
  static const FunctionImpl parse_url = [] {
    for (const Overload& o : *BuiltinFunctions().Find("url")) {
      if (o.params.size() == 1) return o.impl;
    }
    return FunctionImpl(nullptr);
  }();
  Value arg = Value::String(std::string(s));
  Value v = parse_url(std::span<const Value>(&arg, 1));
  if (!v.IsError()) return {};
  // Go's url.ParseRequestURI error text: parse "x": reason.
  std::string_view msg = v.error_message();
  size_t parse = msg.find("parse \"");
  return {std::string(parse == std::string_view::npos ? msg
                                                      : msg.substr(parse))};
}

Messages Uuid(std::string_view s) {
  static const RE2 re(
      "(?i)([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})|"
      "([0-9a-f]{32})");
  if (RE2::FullMatch(s, re)) return {};
  return {"does not match the UUID format"};
}

// Go's base64.StdEncoding: groups of four, '=' padding only at the end.
Messages Base64(std::string_view s) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  bool ok = s.size() % 4 == 0;
  size_t pad = 0;
  while (pad < 2 && pad < s.size() && s[s.size() - 1 - pad] == '=') ++pad;
  for (size_t i = 0; ok && i < s.size() - pad; ++i) {
    ok = kAlphabet.find(s[i]) != std::string_view::npos;
  }
  if (ok) return {};
  return {"invalid base64"};
}

bool ValidDay(int64_t y, unsigned m, unsigned d) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30,
                                       31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m >= 1 && m <= 12 && d >= 1 &&
         d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

// RFC 3339 full-date "YYYY-MM-DD" with a day that exists.
bool IsDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  auto num = [&](size_t at, size_t n) {
    unsigned v = 0;
    for (size_t i = at; i < at + n; ++i) v = v * 10 + unsigned(s[i] - '0');
    return v;
  };
  return ValidDay(num(0, 4), num(5, 2), num(8, 2));
}

Messages Date(std::string_view s) {
  if (IsDate(s)) return {};
  return {"invalid date"};
}

Messages DateTime(std::string_view s) {
  if (s.size() > 10 && IsDate(s.substr(0, 10)) &&
      internal::ParseTimestamp(s).has_value()) {
    return {};
  }
  return {"invalid datetime"};
}

using Validator = Messages (*)(std::string_view);

struct Format {
  std::string_view name;
  Validator validate;
};

const Format kFormats[] = {
    {"dns1123Label", Dns1123Label},
    {"dns1123Subdomain", Dns1123Subdomain},
    {"dns1035Label", Dns1035Label},
    {"qualifiedName", QualifiedName},
    {"dns1123LabelPrefix",
     [](std::string_view s) { return Dns1123Label(MaskTrailingDash(s)); }},
    {"dns1123SubdomainPrefix",
     [](std::string_view s) { return Dns1123Subdomain(MaskTrailingDash(s)); }},
    {"dns1035LabelPrefix",
     [](std::string_view s) { return Dns1035Label(MaskTrailingDash(s)); }},
    {"labelValue", LabelValue},
    {"uri", Uri},
    {"uuid", Uuid},
    {"byte", Base64},
    {"date", Date},
    {"datetime", DateTime},
};

class NamedFormat : public OpaqueValue {
 public:
  explicit NamedFormat(const Format* f) : format_(f) {}
  std::string_view TypeName() const override { return kType; }
  bool Equals(const OpaqueValue& other) const override {
    return format_ == static_cast<const NamedFormat&>(other).format_;
  }
  nlohmann::json ToJson() const override {
    return std::string(format_->name);
  }
  const Format& format() const { return *format_; }

 private:
  const Format* format_;
};

// One shared value per format, so constructors allocate nothing.
Value FormatValue(const Format& f) {
  static const auto* values = [] {
    auto* out = new std::vector<Value>;
    for (const Format& x : kFormats) {
      out->push_back(Value::Opaque(std::make_shared<NamedFormat>(&x)));
    }
    return out;
  }();
  return (*values)[&f - kFormats];
}

Value Named(Args a) {
  for (const Format& f : kFormats) {
    if (f.name == a[0].string_value()) {
      return Value::Optional(FormatValue(f));
    }
  }
  return Value::OptionalNone();
}

Value Validate(Args a) {
  const auto& f = static_cast<const NamedFormat&>(*a[0].opaque()).format();
  Messages messages = f.validate(a[1].string_value());
  if (messages.empty()) return Value::OptionalNone();
  std::vector<Value> out;
  for (auto& m : messages) out.push_back(Value::String(std::move(m)));
  return Value::Optional(Value::List(std::move(out)));
}

template <size_t I>
Value Constructor(Args) {
  return FormatValue(kFormats[I]);
}

template <size_t... I>
void AddConstructors(FunctionRegistry& r, std::index_sequence<I...>) {
  (r.AddGlobal("format." + std::string(kFormats[I].name), {},
               Constructor<I>),
   ...);
}

}  // namespace

Status RegisterFormatLibrary(FunctionRegistry& r) {
  AddConstructors(r, std::make_index_sequence<std::size(kFormats)>());
  r.AddGlobal("format.named", {K::kString}, Named);
  r.AddMember("validate", {ArgType(kType), K::kString}, Validate);
  return Status::Ok();
}

}  // namespace rayguard::cel
