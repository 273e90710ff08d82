#ifndef RAYGUARD_CEL_INTERNAL_FORMAT_CLAUSES_H_
#define RAYGUARD_CEL_INTERNAL_FORMAT_CLAUSES_H_

// The clause syntax of `<string>.format(list)` (cel-go's strings extension,
// both formatters), shared by evaluation and the compile-time check of
// literal calls, and the API server's en_US rendering of %f and %e.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace rayguard::cel::internal {

// One clause: its verb byte and the digits after '.', if any, as a number.
struct FormatClause {
  size_t arg_index = 0;
  char verb = 0;
  std::optional<int64_t> precision;
};

// Renders one clause into *out; returns "" or why the argument does not fit
// the clause (prefixed "error during formatting: " by WalkFormat).
using ClauseRenderer =
    std::function<std::string(const FormatClause&, std::string* out)>;

// Walks `text` as cel-go does: literal bytes and "%%" are copied, each other
// '%' takes the next of `arg_count` arguments. Errors, in cel-go's order and
// words: "index N out of range", "unexpected end of string", "could not
// parse formatting clause: ...", "error during formatting: ...". Returns ""
// on success; *clauses counts the clauses seen. `checking` is the order of
// cel-go's compile-time check, where a missing argument is found after a
// '%' ending the text.
std::string WalkFormat(std::string_view text, size_t arg_count,
                       const ClauseRenderer& render, std::string* out,
                       size_t* clauses = nullptr, bool checking = false);

// Why a clause does not take an argument of this type kind ("int",
// "list", "google.protobuf.Duration"), in cel-go's words, or "" when it
// does. `spec`: the cel-spec formatter (%d, %f, %e also take other numbers).
std::string FormatArgumentError(char verb, std::string_view kind, bool spec);

// Precisions and widths Go's printf parser gives up on ("%!(NOVERB)"):
// it stops reading a number once the digits read so far exceed 10^6.
bool GoPrintfRefuses(int64_t n);

// `%.Nf` of the API server's formatter (golang.org/x/text/message, en_US):
// digit grouping with ',', exact rounding to N places, N kept as Go's
// number formatter keeps it (at least N mod 256 places, at most N as a
// 16-bit signed count, the shortest round-trip digits when that is
// negative); NaN and ±∞ as "NaN", "∞", "-∞".
std::string KubernetesFixed(double d, int64_t precision);

// `%.We` of the API server's formatter: cel-go hands the number after '.'
// to the printer as a width, so the mantissa always has 6 places and the
// text is padded with spaces on the left to W code points (W as a 16-bit
// count; W = 0 is the '0' flag, no width): "3.140000×10⁰⁰", "-1.230000×10⁻⁰⁴".
std::string KubernetesScientific(double d, int64_t width);

// printf("%.*f") / printf("%.*e") of any precision into a string of the
// right size (cel-spec formatter).
std::string PrintfFixed(double d, int64_t precision);
std::string PrintfScientific(double d, int64_t precision);

}  // namespace rayguard::cel::internal

#endif  // RAYGUARD_CEL_INTERNAL_FORMAT_CLAUSES_H_
