#include "webhook/rules/internal/schedule.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <optional>
#include <vector>

#include "webhook/rules/internal/syntax.h"

namespace rayguard::rules::internal {
namespace {

struct Bounds {
  std::int64_t min, max;
  const char* const* names;  // names[i] means min + i; null when none
  std::size_t name_count;
};

constexpr const char* kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                   "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr const char* kDays[] = {"sun", "mon", "tue", "wed",
                                 "thu", "fri", "sat"};
constexpr Bounds kFields[] = {
    {0, 59, nullptr, 0},   // minute
    {0, 23, nullptr, 0},   // hour
    {1, 31, nullptr, 0},   // day of month
    {1, 12, kMonths, 12},  // month
    {0, 6, kDays, 7},      // day of week
};

// The UTF-8 encodings of the non-ASCII code points Go's unicode.IsSpace
// accepts; strings.Fields splits on them as on ASCII white space.
constexpr std::string_view kUnicodeSpaces[] = {
    "\xC2\x85",     "\xC2\xA0",     "\xE1\x9A\x80", "\xE2\x80\x80",
    "\xE2\x80\x81", "\xE2\x80\x82", "\xE2\x80\x83", "\xE2\x80\x84",
    "\xE2\x80\x85", "\xE2\x80\x86", "\xE2\x80\x87", "\xE2\x80\x88",
    "\xE2\x80\x89", "\xE2\x80\x8A", "\xE2\x80\xA8", "\xE2\x80\xA9",
    "\xE2\x80\xAF", "\xE2\x81\x9F", "\xE3\x80\x80"};

// The length of the white space at the start of `s`, 0 when none.
std::size_t SpaceLength(std::string_view s) {
  if (s.empty()) return 0;
  if (std::string_view(" \t\n\v\f\r").find(s.front()) != std::string_view::npos)
    return 1;
  for (std::string_view u : kUnicodeSpaces) {
    if (s.starts_with(u)) return u.size();
  }
  return 0;
}

// strings.Fields.
std::vector<std::string_view> Fields(std::string_view s) {
  std::vector<std::string_view> fields;
  std::size_t start = std::string_view::npos;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t space = SpaceLength(s.substr(i));
    if (space == 0) {
      if (start == std::string_view::npos) start = i;
      ++i;
      continue;
    }
    if (start != std::string_view::npos)
      fields.push_back(s.substr(start, i - start));
    start = std::string_view::npos;
    i += space;
  }
  if (start != std::string_view::npos) fields.push_back(s.substr(start));
  return fields;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  while (true) {
    std::size_t at = s.find(sep);
    parts.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return parts;
    s.remove_prefix(at + 1);
  }
}

// A number (strconv.Atoi, then no negatives) or, where the field has them,
// a name ("jan", "MON"); the error is set when it is neither.
std::optional<std::int64_t> NumberOrName(std::string_view text, const Bounds& b,
                                         std::string* error) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  for (std::size_t i = 0; i < b.name_count; ++i) {
    if (lower == b.names[i]) return b.min + static_cast<std::int64_t>(i);
  }
  std::optional<std::int64_t> n = ParseGoInt(text);
  if (!n) {
    *error = "failed to parse int from " + std::string(text);
  } else if (*n < 0) {
    *error = "negative number (" + std::to_string(*n) +
             ") not allowed: " + std::string(text);
    n.reset();
  }
  return n;
}

// One element of a field's comma list: "*", "?", "N", "N-M", each with an
// optional "/step". Returns the error, or "" when it is valid.
std::string RangeError(std::string_view expr, const Bounds& b) {
  std::vector<std::string_view> range_step = Split(expr, '/');
  std::vector<std::string_view> low_high = Split(range_step[0], '-');
  std::int64_t start = b.min, end = b.max, step = 1;
  std::string error;
  if (low_high[0] != "*" && low_high[0] != "?") {
    auto low = NumberOrName(low_high[0], b, &error);
    if (!low) return error;
    start = end = *low;
    if (low_high.size() == 2) {
      auto high = NumberOrName(low_high[1], b, &error);
      if (!high) return error;
      end = *high;
    } else if (low_high.size() > 2) {
      return "too many hyphens: " + std::string(expr);
    }
  }
  if (range_step.size() > 2) return "too many slashes: " + std::string(expr);
  if (range_step.size() == 2) {
    auto s = ParseGoInt(range_step[1]);
    if (!s || *s < 0) {
      return s ? "negative number (" + std::to_string(*s) +
                     ") not allowed: " + std::string(range_step[1])
               : "failed to parse int from " + std::string(range_step[1]);
    }
    step = *s;
    if (low_high.size() == 1) end = b.max;  // "N/step" means "N-max/step"
  }
  const std::string e(expr);
  if (start < b.min) {
    return "beginning of range (" + std::to_string(start) +
           ") below minimum (" + std::to_string(b.min) + "): " + e;
  }
  if (end > b.max) {
    return "end of range (" + std::to_string(end) + ") above maximum (" +
           std::to_string(b.max) + "): " + e;
  }
  if (start > end) {
    return "beginning of range (" + std::to_string(start) +
           ") beyond end of range (" + std::to_string(end) + "): " + e;
  }
  if (step == 0) return "step of range should be a positive number: " + e;
  return "";
}

std::string DescriptorError(std::string_view spec) {
  for (std::string_view d : {"@yearly", "@annually", "@monthly", "@weekly",
                             "@daily", "@midnight", "@hourly"}) {
    if (spec == d) return "";
  }
  constexpr std::string_view kEvery = "@every ";
  if (spec.starts_with(kEvery)) {
    if (ParseGoDuration(spec.substr(kEvery.size()))) return "";
    return "failed to parse duration " + std::string(spec);
  }
  return "unrecognized descriptor: " + std::string(spec);
}

constexpr std::string_view kZones[] = {
#include "time_zones.inc"
};

}  // namespace

std::string CronScheduleError(std::string_view spec) {
  if (spec.empty()) return "empty spec string";
  if (spec.front() == '@') return DescriptorError(spec);
  std::vector<std::string_view> fields = Fields(spec);
  if (fields.size() != 5) {
    return "expected exactly 5 fields, found " + std::to_string(fields.size());
  }
  for (std::size_t i = 0; i < fields.size(); ++i) {
    // strings.FieldsFunc on ',': empty elements are dropped, not errors.
    for (std::string_view expr : Split(fields[i], ',')) {
      if (expr.empty()) continue;
      std::string error = RangeError(expr, kFields[i]);
      if (!error.empty()) return error;
    }
  }
  return "";
}

bool IsKnownTimeZone(std::string_view name) {
  if (name == "UTC" || name == "Local") return true;
  return std::find(std::begin(kZones), std::end(kZones), name) !=
         std::end(kZones);
}

}  // namespace rayguard::rules::internal
