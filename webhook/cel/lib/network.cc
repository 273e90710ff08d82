// Kubernetes `ip` and `cidr` libraries: net.IP and net.CIDR, parsed as Go's
// netip does, minus zones and IPv4-mapped IPv6 addresses (Kubernetes rejects
// both).

#include <array>
#include <cstring>

#include "webhook/cel/function_registry.h"

namespace rayguard::cel {

namespace {

using K = Value::Kind;
using Args = std::span<const Value>;

constexpr std::string_view kIpType = "net.IP";
constexpr std::string_view kCidrType = "net.CIDR";

struct Address {
  std::array<uint8_t, 16> bytes{};  // IPv4 uses the first 4
  int family = 4;
  bool operator==(const Address&) const = default;
  int bits() const { return family == 4 ? 32 : 128; }
};

std::optional<Address> ParseV4(std::string_view s) {
  Address a;
  int part = 0;
  size_t i = 0;
  while (part < 4) {
    size_t start = i;
    int v = 0;
    while (i < s.size() && isdigit(uint8_t(s[i]))) {
      v = v * 10 + (s[i] - '0');
      if (v > 255) return std::nullopt;
      ++i;
    }
    size_t len = i - start;
    if (len == 0 || len > 3 || (len > 1 && s[start] == '0')) return std::nullopt;
    a.bytes[part++] = uint8_t(v);
    if (part < 4) {
      if (i >= s.size() || s[i] != '.') return std::nullopt;
      ++i;
    }
  }
  if (i != s.size()) return std::nullopt;
  return a;
}

std::optional<Address> ParseV6(std::string_view s) {
  Address a;
  a.family = 6;
  std::array<uint16_t, 8> groups{};
  int n = 0, gap = -1;
  size_t i = 0;
  if (s.starts_with("::")) {
    gap = 0;
    i = 2;
    if (i == s.size()) return a;
  }
  while (i < s.size()) {
    if (n >= 8) return std::nullopt;
    size_t start = i;
    uint32_t v = 0;
    while (i < s.size() && isxdigit(uint8_t(s[i])) && i - start < 5) {
      v = v * 16 + uint32_t(isdigit(uint8_t(s[i])) ? s[i] - '0'
                                                    : (tolower(s[i]) - 'a' + 10));
      ++i;
    }
    if (i < s.size() && s[i] == '.') {
      // Embedded IPv4 in the last 32 bits.
      auto v4 = ParseV4(s.substr(start));
      if (!v4 || n > 6) return std::nullopt;
      groups[n++] = uint16_t(v4->bytes[0] << 8 | v4->bytes[1]);
      groups[n++] = uint16_t(v4->bytes[2] << 8 | v4->bytes[3]);
      i = s.size();
      break;
    }
    if (i == start || i - start > 4) return std::nullopt;
    groups[n++] = uint16_t(v);
    if (i == s.size()) break;
    if (s[i] != ':') return std::nullopt;
    ++i;
    if (i < s.size() && s[i] == ':') {
      if (gap >= 0) return std::nullopt;
      gap = n;
      ++i;
    } else if (i == s.size()) {
      return std::nullopt;
    }
  }
  if (gap < 0 && n != 8) return std::nullopt;
  if (gap >= 0 && n >= 8) return std::nullopt;
  std::array<uint16_t, 8> full{};
  if (gap >= 0) {
    for (int k = 0; k < gap; ++k) full[k] = groups[k];
    for (int k = gap; k < n; ++k) full[8 - (n - k)] = groups[k];
  } else {
    full = groups;
  }
  for (int k = 0; k < 8; ++k) {
    a.bytes[2 * k] = uint8_t(full[k] >> 8);
    a.bytes[2 * k + 1] = uint8_t(full[k]);
  }
  return a;
}

bool IsV4Mapped(const Address& a) {
  if (a.family != 6) return false;
  for (int k = 0; k < 10; ++k) {
    if (a.bytes[k]) return false;
  }
  return a.bytes[10] == 0xff && a.bytes[11] == 0xff;
}

// nullopt with *error set when `s` is not an address Kubernetes accepts.
std::optional<Address> ParseAddress(std::string_view s, std::string* error) {
  if (s.find('%') != std::string_view::npos) {
    *error = "IP address with zone value is not allowed";
    return std::nullopt;
  }
  auto a = s.find(':') != std::string_view::npos ? ParseV6(s) : ParseV4(s);
  if (!a) {
    *error = "ParseAddr(\"" + std::string(s) + "\"): invalid IP address";
    return std::nullopt;
  }
  if (IsV4Mapped(*a)) {
    *error = "IPv4-mapped IPv6 address \"" + std::string(s) + "\" is not allowed";
    return std::nullopt;
  }
  return a;
}

std::string Format(const Address& a) {
  char buf[64];
  if (a.family == 4) {
    std::snprintf(buf, sizeof buf, "%d.%d.%d.%d", a.bytes[0], a.bytes[1],
                  a.bytes[2], a.bytes[3]);
    return buf;
  }
  std::array<uint16_t, 8> g;
  for (int k = 0; k < 8; ++k) g[k] = uint16_t(a.bytes[2 * k] << 8 | a.bytes[2 * k + 1]);
  int best = -1, best_len = 1;
  for (int k = 0; k < 8;) {
    if (g[k] != 0) {
      ++k;
      continue;
    }
    int e = k;
    while (e < 8 && g[e] == 0) ++e;
    if (e - k > best_len) best = k, best_len = e - k;
    k = e;
  }
  std::string out;
  for (int k = 0; k < 8; ++k) {
    if (k == best) {
      out += "::";
      k += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    std::snprintf(buf, sizeof buf, "%x", g[k]);
    out += buf;
  }
  return out;
}

class Ip : public OpaqueValue {
 public:
  explicit Ip(Address a) : a_(a) {}
  std::string_view TypeName() const override { return kIpType; }
  bool Equals(const OpaqueValue& o) const override {
    return a_ == static_cast<const Ip&>(o).a_;
  }
  nlohmann::json ToJson() const override { return Format(a_); }
  const Address& address() const { return a_; }

 private:
  Address a_;
};

class Cidr : public OpaqueValue {
 public:
  Cidr(Address a, int bits) : a_(a), bits_(bits) {}
  std::string_view TypeName() const override { return kCidrType; }
  bool Equals(const OpaqueValue& o) const override {
    const auto& c = static_cast<const Cidr&>(o);
    return a_ == c.a_ && bits_ == c.bits_;
  }
  nlohmann::json ToJson() const override {
    return Format(a_) + "/" + std::to_string(bits_);
  }
  const Address& address() const { return a_; }
  int prefix() const { return bits_; }

 private:
  Address a_;
  int bits_;
};

const Address& IpOf(const Value& v) {
  return static_cast<const Ip&>(*v.opaque()).address();
}
const Cidr& CidrOf(const Value& v) { return static_cast<const Cidr&>(*v.opaque()); }

Value MakeIp(std::string_view s) {
  std::string error;
  auto a = ParseAddress(s, &error);
  if (!a) {
    return Value::Error("IP Address \"" + std::string(s) +
                        "\" parse error during conversion from string: " + error);
  }
  return Value::Opaque(std::make_shared<Ip>(*a));
}

Value MakeCidr(std::string_view s) {
  auto fail = [&](const std::string& why) {
    return Value::Error("network address parse error during conversion from "
                        "string: netip.ParsePrefix(\"" + std::string(s) +
                        "\"): " + why);
  };
  size_t slash = s.find('/');
  if (slash == std::string_view::npos) return fail("no '/'");
  std::string error;
  auto a = ParseAddress(s.substr(0, slash), &error);
  if (!a) return fail(error);
  std::string_view bits = s.substr(slash + 1);
  if (bits.empty() || bits.size() > 3 ||
      bits.find_first_not_of("0123456789") != std::string_view::npos ||
      (bits.size() > 1 && bits[0] == '0')) {
    return fail("bad bits after slash: \"" + std::string(bits) + "\"");
  }
  int n = std::stoi(std::string(bits));
  if (n > a->bits()) return fail("prefix length out of range");
  return Value::Opaque(std::make_shared<Cidr>(*a, n));
}

Address Mask(const Address& a, int bits) {
  Address m = a;
  for (int i = 0; i < 16; ++i) {
    int keep = std::clamp(bits - 8 * i, 0, 8);
    m.bytes[i] &= uint8_t(0xff << (8 - keep));
  }
  return m;
}

bool Contains(const Cidr& c, const Address& a) {
  return c.address().family == a.family &&
         Mask(c.address(), c.prefix()) == Mask(a, c.prefix());
}

Value IpFn(Args a) { return MakeIp(a[0].string_value()); }
Value IsIp(Args a) {
  std::string error;
  return Value::Bool(ParseAddress(a[0].string_value(), &error).has_value());
}
Value IsCanonical(Args a) {
  Value ip = MakeIp(a[0].string_value());
  if (ip.IsError()) return ip;
  return Value::Bool(Format(IpOf(ip)) == a[0].string_value());
}
Value IpString(Args a) { return Value::String(Format(IpOf(a[0]))); }
Value Family(Args a) { return Value::Int(IpOf(a[0]).family); }

bool AllZero(const Address& a) {
  for (int i = 0; i < (a.family == 4 ? 4 : 16); ++i) {
    if (a.bytes[i]) return false;
  }
  return true;
}
bool Loopback(const Address& a) {
  if (a.family == 4) return a.bytes[0] == 127;
  for (int i = 0; i < 15; ++i) {
    if (a.bytes[i]) return false;
  }
  return a.bytes[15] == 1;
}
bool Multicast(const Address& a) {
  return a.family == 4 ? (a.bytes[0] & 0xf0) == 0xe0 : a.bytes[0] == 0xff;
}
bool LinkLocalUnicast(const Address& a) {
  if (a.family == 4) return a.bytes[0] == 169 && a.bytes[1] == 254;
  return a.bytes[0] == 0xfe && (a.bytes[1] & 0xc0) == 0x80;
}
bool LinkLocalMulticast(const Address& a) {
  if (a.family == 4) return a.bytes[0] == 224 && a.bytes[1] == 0 && a.bytes[2] == 0;
  return a.bytes[0] == 0xff && (a.bytes[1] & 0x0f) == 0x02;
}

Value IsUnspecified(Args a) { return Value::Bool(AllZero(IpOf(a[0]))); }
Value IsLoopback(Args a) { return Value::Bool(Loopback(IpOf(a[0]))); }
Value IsLinkLocalMulticast(Args a) {
  return Value::Bool(LinkLocalMulticast(IpOf(a[0])));
}
Value IsLinkLocalUnicast(Args a) {
  return Value::Bool(LinkLocalUnicast(IpOf(a[0])));
}
Value IsGlobalUnicast(Args a) {
  const Address& ip = IpOf(a[0]);
  bool broadcast = ip.family == 4 && ip.bytes[0] == 255 && ip.bytes[1] == 255 &&
                   ip.bytes[2] == 255 && ip.bytes[3] == 255;
  return Value::Bool(!AllZero(ip) && !Loopback(ip) && !Multicast(ip) &&
                     !LinkLocalUnicast(ip) && !broadcast);
}

Value CidrFn(Args a) { return MakeCidr(a[0].string_value()); }
Value IsCidr(Args a) { return Value::Bool(!MakeCidr(a[0].string_value()).IsError()); }
Value CidrString(Args a) {
  return Value::String(CidrOf(a[0]).ToJson().get<std::string>());
}
Value ContainsIp(Args a) {
  Value ip = a[1].kind() == K::kString ? MakeIp(a[1].string_value()) : a[1];
  if (ip.IsError()) return ip;
  return Value::Bool(Contains(CidrOf(a[0]), IpOf(ip)));
}
Value ContainsCidr(Args a) {
  Value c = a[1].kind() == K::kString ? MakeCidr(a[1].string_value()) : a[1];
  if (c.IsError()) return c;
  const Cidr& outer = CidrOf(a[0]);
  const Cidr& inner = CidrOf(c);
  return Value::Bool(inner.prefix() >= outer.prefix() &&
                     Contains(outer, inner.address()));
}
Value CidrIp(Args a) {
  return Value::Opaque(std::make_shared<Ip>(CidrOf(a[0]).address()));
}
Value Masked(Args a) {
  const Cidr& c = CidrOf(a[0]);
  return Value::Opaque(std::make_shared<Cidr>(Mask(c.address(), c.prefix()), c.prefix()));
}
Value PrefixLength(Args a) { return Value::Int(CidrOf(a[0]).prefix()); }

}  // namespace

Status RegisterNetworkLibrary(FunctionRegistry& r) {
  const ArgType ip(kIpType), cidr(kCidrType);
  r.AddGlobal("ip", {K::kString}, IpFn);
  r.AddGlobal("isIP", {K::kString}, IsIp);
  r.AddGlobal("ip.isCanonical", {K::kString}, IsCanonical);
  r.AddGlobal("string", {ip}, IpString);
  r.AddMember("family", {ip}, Family);
  r.AddMember("isUnspecified", {ip}, IsUnspecified);
  r.AddMember("isLoopback", {ip}, IsLoopback);
  r.AddMember("isLinkLocalMulticast", {ip}, IsLinkLocalMulticast);
  r.AddMember("isLinkLocalUnicast", {ip}, IsLinkLocalUnicast);
  r.AddMember("isGlobalUnicast", {ip}, IsGlobalUnicast);
  r.AddGlobal("cidr", {K::kString}, CidrFn);
  r.AddGlobal("isCIDR", {K::kString}, IsCidr);
  r.AddGlobal("string", {cidr}, CidrString);
  r.AddMember("containsIP", {cidr, ip}, ContainsIp);
  r.AddMember("containsIP", {cidr, K::kString}, ContainsIp);
  r.AddMember("containsCIDR", {cidr, cidr}, ContainsCidr);
  r.AddMember("containsCIDR", {cidr, K::kString}, ContainsCidr);
  r.AddMember("ip", {cidr}, CidrIp);
  r.AddMember("masked", {cidr}, Masked);
  r.AddMember("prefixLength", {cidr}, PrefixLength);
  return Status::Ok();
}

}  // namespace rayguard::cel
