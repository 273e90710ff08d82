#ifndef RAYGUARD_RULES_INTERNAL_SYNTAX_H_
#define RAYGUARD_RULES_INTERNAL_SYNTAX_H_

// The string grammars KubeRay's rules rely on (k8s.io/apimachinery
// validation, k8s.io/apimachinery/pkg/util/version, Go's time package),
// written from their documented behaviour.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rayguard::rules::internal {

// The RFC 1035 label pattern [a-z]([-a-z0-9]*[a-z0-9])?, at any length (a
// label's 63-character limit is below every KubeRay name limit, which is
// reported on its own). With `prefix`, a trailing '-' is allowed (a
// generateName prefix).
bool MatchesDns1035Pattern(std::string_view s, bool prefix = false);
// RFC 1123 label: [a-z0-9]([-a-z0-9]*[a-z0-9])?, at most 63 characters.
bool IsDns1123Label(std::string_view s);

// Why `key` is not a qualified name ("[prefix/]name"); empty when it is.
std::vector<std::string> QualifiedNameErrors(std::string_view key);
// Why `value` is not a valid label value; empty when it is.
std::vector<std::string> LabelValueErrors(std::string_view value);

// version.ParseGeneric: "[v]X.Y[.Z...]" with at least two numeric parts;
// anything after the numbers is ignored. nullopt when it does not parse.
std::optional<std::vector<std::int64_t>> ParseGenericVersion(
    std::string_view s);
// True when `a` < `b`, comparing component by component (missing = 0).
bool VersionLess(const std::vector<std::int64_t>& a,
                 const std::vector<std::int64_t>& b);

// time.ParseDuration in nanoseconds ("1h30m", "-5s", "300ms"); nullopt when
// it does not parse.
std::optional<double> ParseGoDuration(std::string_view s);
// strings.TrimSpace for ASCII white space (the only kind a value written in
// YAML or JSON plausibly carries around a keyword).
std::string TrimSpace(std::string_view s);

// strconv.Atoi: optional sign and decimal digits only.
std::optional<std::int64_t> ParseGoInt(std::string_view s);

}  // namespace rayguard::rules::internal

#endif  // RAYGUARD_RULES_INTERNAL_SYNTAX_H_
