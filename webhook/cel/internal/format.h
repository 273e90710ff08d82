#ifndef RAYGUARD_CEL_INTERNAL_FORMAT_H_
#define RAYGUARD_CEL_INTERNAL_FORMAT_H_

// Text forms of CEL scalar values shared by Value, conversions and the CLI.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "webhook/cel/value.h"

namespace rayguard::cel::internal {

// Valid range of CEL timestamps: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z.
inline constexpr int64_t kMinTimestampSeconds = -62135596800;
inline constexpr int64_t kMaxTimestampSeconds = 253402300799;
// Valid range of durations: about +-10000 years, as protobuf Duration.
inline constexpr int64_t kMaxDurationSeconds = 315576000000;

std::string Base64Encode(std::string_view bytes);
std::optional<std::string> Base64Decode(std::string_view text);

// "1.5s", "-3600s" (the form cel-go's string(duration) prints).
std::string FormatDuration(TimeParts d);
// Go duration syntax: "1h2m3.5s", "-1.5h", "100ms", "2us", "0".
std::optional<TimeParts> ParseDuration(std::string_view text);

// RFC 3339 in UTC with trailing zeros of the fraction trimmed.
std::string FormatTimestamp(TimeParts t);
// RFC 3339 ("2009-02-13T23:31:30Z", "...+01:00", fraction up to 9 digits).
std::optional<TimeParts> ParseTimestamp(std::string_view text);

// Days since 1970-01-01 of a proleptic Gregorian date, and back.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);
void CivilFromDays(int64_t days, int64_t* y, unsigned* m, unsigned* d);

// Shortest round-trip form; always has a '.' or exponent ("1.0", "1e+100").
std::string FormatDouble(double d);
// Go's strconv.FormatFloat(d, 'g', -1, 64) as cel-go's string(double)
// prints it: "2.5", "1e+21", "2e-09", "NaN", "+Inf".
std::string GoFormatDouble(double d);
// Double-quoted with C-style escapes, for display.
std::string QuoteString(std::string_view s);

// Normalises seconds/nanos so that nanos has the sign of seconds.
TimeParts Normalize(int64_t seconds, int64_t nanos);

// Number of Unicode code points in valid UTF-8 text.
int64_t CodePointCount(std::string_view s);
bool IsValidUtf8(std::string_view s);

}  // namespace rayguard::cel::internal

#endif  // RAYGUARD_CEL_INTERNAL_FORMAT_H_
