// Timestamps and durations: construction, arithmetic and accessors, with
// time zones from the system tz database (/usr/share/zoneinfo).

#include <array>
#include <fstream>
#include <iterator>
#include <mutex>
#include <unordered_map>

#include "webhook/cel/function_registry.h"
#include "webhook/cel/internal/format.h"

namespace rayguard::cel {

namespace {

using K = Value::Kind;
using Args = std::span<const Value>;
using internal::kMaxDurationSeconds;
using internal::kMaxTimestampSeconds;
using internal::kMinTimestampSeconds;

constexpr int64_t kNanos = 1000000000;

__int128 ToNanos(TimeParts t) { return __int128(t.seconds) * kNanos + t.nanos; }
TimeParts FromNanos(__int128 n) {
  return {static_cast<int64_t>(n / kNanos), static_cast<int32_t>(n % kNanos)};
}

// Durations are Go time.Duration in cel-go: int64 nanoseconds.
Value MakeDuration(__int128 n) {
  if (n > INT64_MAX || n < INT64_MIN) {
    return Value::Error("duration out of range");
  }
  return Value::Duration(FromNanos(n));
}

Value MakeTimestamp(__int128 n) {
  // Timestamps keep nanos non-negative.
  int64_t secs = static_cast<int64_t>(n / kNanos);
  int64_t nanos = static_cast<int64_t>(n % kNanos);
  if (nanos < 0) {
    secs -= 1;
    nanos += kNanos;
  }
  if (n / kNanos > kMaxTimestampSeconds || secs < kMinTimestampSeconds) {
    return Value::Error("timestamp out of range");
  }
  return Value::Timestamp({secs, static_cast<int32_t>(nanos)});
}

Value Duration(Args a) {
  if (a[0].kind() == K::kDuration) return a[0];
  auto d = internal::ParseDuration(a[0].string_value());
  if (!d) {
    return Value::Error("cannot parse duration '" +
                        std::string(a[0].string_value()) + "'");
  }
  return Value::Duration(*d);
}

Value Timestamp(Args a) {
  if (a[0].kind() == K::kTimestamp) return a[0];
  if (a[0].kind() == K::kInt) {
    return MakeTimestamp(__int128(a[0].int_value()) * kNanos);
  }
  auto t = internal::ParseTimestamp(a[0].string_value());
  if (!t) {
    return Value::Error("cannot parse timestamp '" +
                        std::string(a[0].string_value()) + "'");
  }
  return Value::Timestamp(*t);
}

Value AddDurations(Args a) {
  return MakeDuration(ToNanos(a[0].time_value()) + ToNanos(a[1].time_value()));
}
Value SubDurations(Args a) {
  return MakeDuration(ToNanos(a[0].time_value()) - ToNanos(a[1].time_value()));
}
Value NegDuration(Args a) { return MakeDuration(-ToNanos(a[0].time_value())); }
Value AddTimestampDuration(Args a) {
  const Value& t = a[0].kind() == K::kTimestamp ? a[0] : a[1];
  const Value& d = a[0].kind() == K::kTimestamp ? a[1] : a[0];
  return MakeTimestamp(ToNanos(t.time_value()) + ToNanos(d.time_value()));
}
Value SubTimestampDuration(Args a) {
  return MakeTimestamp(ToNanos(a[0].time_value()) - ToNanos(a[1].time_value()));
}
Value SubTimestamps(Args a) {
  return MakeDuration(ToNanos(a[0].time_value()) - ToNanos(a[1].time_value()));
}

// Offsets of one IANA zone: transition times and the UTC offset after each.
struct Zone {
  std::vector<int64_t> transitions;
  std::vector<int32_t> offsets;  // offsets[i] applies from transitions[i]
  int32_t initial = 0;
};

int64_t ReadBig(const std::string& d, size_t pos, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | uint8_t(d[pos + i]);
  if (bytes == 4) return int32_t(uint32_t(v));
  return int64_t(v);
}

// Reads a TZif file (RFC 8536), preferring its 64-bit block.
std::optional<Zone> LoadZone(const std::string& name) {
  if (name.empty() || name.find("..") != std::string::npos || name[0] == '/') {
    return std::nullopt;
  }
  std::ifstream in("/usr/share/zoneinfo/" + name, std::ios::binary);
  if (!in) return std::nullopt;
  std::string d((std::istreambuf_iterator<char>(in)), {});
  auto header = [&](size_t p, std::array<int64_t, 6>* c) {
    if (d.size() < p + 44 || d.compare(p, 4, "TZif") != 0) return false;
    for (int i = 0; i < 6; ++i) (*c)[i] = ReadBig(d, p + 20 + 4 * i, 4);
    return true;
  };
  std::array<int64_t, 6> c;  // isut, isstd, leap, time, type, char
  if (!header(0, &c)) return std::nullopt;
  size_t pos = 44;
  int tsize = 4;
  if (d[4] >= '2') {
    pos += c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
    if (!header(pos, &c)) return std::nullopt;
    pos += 44;
    tsize = 8;
  }
  size_t need = pos + c[3] * tsize + c[3] + c[4] * 6;
  if (d.size() < need || c[4] == 0) return std::nullopt;
  Zone z;
  size_t idx = pos + c[3] * tsize, types = idx + c[3];
  for (int64_t i = 0; i < c[3]; ++i) {
    z.transitions.push_back(ReadBig(d, pos + i * tsize, tsize));
    uint8_t t = uint8_t(d[idx + i]);
    if (t >= c[4]) return std::nullopt;
    z.offsets.push_back(int32_t(ReadBig(d, types + t * 6, 4)));
  }
  z.initial = int32_t(ReadBig(d, types, 4));
  return z;
}

std::optional<int32_t> ZoneOffset(const std::string& name, int64_t at) {
  static std::mutex mu;
  static std::unordered_map<std::string, std::optional<Zone>> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache.find(name);
  if (it == cache.end()) it = cache.emplace(name, LoadZone(name)).first;
  if (!it->second) return std::nullopt;
  const Zone& z = *it->second;
  auto ub = std::upper_bound(z.transitions.begin(), z.transitions.end(), at);
  if (ub == z.transitions.begin()) return z.initial;
  return z.offsets[ub - z.transitions.begin() - 1];
}

// The UTC offset in seconds of `tz` ("UTC", "+05:30", "-07:00",
// "America/New_York") at time `at`.
std::optional<int64_t> Offset(std::string_view tz, int64_t at) {
  if (tz.empty() || tz == "UTC" || tz == "Z") return 0;
  if (isdigit(uint8_t(tz[0])) || tz[0] == '+' || tz[0] == '-') {
    std::string signed_tz = isdigit(uint8_t(tz[0])) ? "+" + std::string(tz)
                                                    : std::string(tz);
    tz = signed_tz;
    if (tz.size() != 6 || tz[3] != ':') return std::nullopt;
    auto num = [&](size_t p) -> int {
      if (!isdigit(uint8_t(tz[p])) || !isdigit(uint8_t(tz[p + 1]))) return -1;
      return (tz[p] - '0') * 10 + (tz[p + 1] - '0');
    };
    int h = num(1), m = num(4);
    if (h < 0 || m < 0) return std::nullopt;
    return (h * 3600 + m * 60) * (tz[0] == '-' ? -1 : 1);
  }
  auto o = ZoneOffset(std::string(tz), at);
  if (!o) return std::nullopt;
  return *o;
}

enum class Field { kYear, kMonth, kDayOfYear, kDate, kDayOfMonth, kDayOfWeek,
                   kHours, kMinutes, kSeconds, kMillis };

template <Field F>
Value TimestampField(Args a) {
  TimeParts t = a[0].time_value();
  int64_t secs = t.seconds;
  if (a.size() > 1) {
    auto off = Offset(a[1].string_value(), secs);
    if (!off) {
      return Value::Error("unknown time zone '" +
                          std::string(a[1].string_value()) + "'");
    }
    secs += *off;
  }
  int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  int64_t rem = secs - days * 86400;
  int64_t y;
  unsigned m, d;
  internal::CivilFromDays(days, &y, &m, &d);
  switch (F) {
    case Field::kYear: return Value::Int(y);
    case Field::kMonth: return Value::Int(m - 1);
    case Field::kDayOfYear:
      return Value::Int(days - internal::DaysFromCivil(y, 1, 1));
    case Field::kDate: return Value::Int(d);
    case Field::kDayOfMonth: return Value::Int(d - 1);
    case Field::kDayOfWeek: return Value::Int(((days % 7) + 11) % 7);
    case Field::kHours: return Value::Int(rem / 3600);
    case Field::kMinutes: return Value::Int(rem / 60 % 60);
    case Field::kSeconds: return Value::Int(rem % 60);
    case Field::kMillis: return Value::Int(t.nanos / 1000000);
  }
  return Value::Null();
}

template <int64_t kUnitNanos>
Value DurationField(Args a) {
  return Value::Int(static_cast<int64_t>(ToNanos(a[0].time_value()) / kUnitNanos));
}
Value DurationMillis(Args a) {
  return Value::Int(a[0].time_value().nanos / 1000000);
}

template <Field F>
void AddTimestampAccessor(FunctionRegistry& r, const char* name) {
  r.AddMember(name, {K::kTimestamp}, TimestampField<F>);
  r.AddMember(name, {K::kTimestamp, K::kString}, TimestampField<F>);
}

}  // namespace

Status RegisterTimeLibrary(FunctionRegistry& r) {
  r.AddGlobal("duration", {K::kString}, Duration);
  r.AddGlobal("duration", {K::kDuration}, Duration);
  r.AddGlobal("timestamp", {K::kString}, Timestamp);
  r.AddGlobal("timestamp", {K::kInt}, Timestamp);
  r.AddGlobal("timestamp", {K::kTimestamp}, Timestamp);
  r.AddGlobal("_+_", {K::kDuration, K::kDuration}, AddDurations);
  r.AddGlobal("_+_", {K::kTimestamp, K::kDuration}, AddTimestampDuration);
  r.AddGlobal("_+_", {K::kDuration, K::kTimestamp}, AddTimestampDuration);
  r.AddGlobal("_-_", {K::kDuration, K::kDuration}, SubDurations);
  r.AddGlobal("_-_", {K::kTimestamp, K::kDuration}, SubTimestampDuration);
  r.AddGlobal("_-_", {K::kTimestamp, K::kTimestamp}, SubTimestamps);
  r.AddGlobal("-_", {K::kDuration}, NegDuration);
  AddTimestampAccessor<Field::kYear>(r, "getFullYear");
  AddTimestampAccessor<Field::kMonth>(r, "getMonth");
  AddTimestampAccessor<Field::kDayOfYear>(r, "getDayOfYear");
  AddTimestampAccessor<Field::kDate>(r, "getDate");
  AddTimestampAccessor<Field::kDayOfMonth>(r, "getDayOfMonth");
  AddTimestampAccessor<Field::kDayOfWeek>(r, "getDayOfWeek");
  AddTimestampAccessor<Field::kHours>(r, "getHours");
  AddTimestampAccessor<Field::kMinutes>(r, "getMinutes");
  AddTimestampAccessor<Field::kSeconds>(r, "getSeconds");
  AddTimestampAccessor<Field::kMillis>(r, "getMilliseconds");
  r.AddMember("getHours", {K::kDuration}, DurationField<3600 * kNanos>);
  r.AddMember("getMinutes", {K::kDuration}, DurationField<60 * kNanos>);
  r.AddMember("getSeconds", {K::kDuration}, DurationField<kNanos>);
  r.AddMember("getMilliseconds", {K::kDuration}, DurationMillis);
  return Status::Ok();
}

}  // namespace rayguard::cel
