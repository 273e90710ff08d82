#ifndef RAYGUARD_CORE_REDACTION_H_
#define RAYGUARD_CORE_REDACTION_H_

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "webhook/core/check_result.h"
#include "webhook/core/resource.h"
#include "webhook/core/status.h"

namespace rayguard::redaction {

// The one rule for which values may be echoed in messages, causes,
// warnings, reports and logs. It is keyed on the Kubernetes field path
// ("spec.headGroupSpec.rayStartParams[redis-password]"), never on the value:
// a value is secret when any step of its path, field or map key, names a
// credential (password, secret, token, credential, API or private key), or
// is `env` (every entry, whatever its type: `{name, value}`, a stray
// "DB_PASSWORD=hunter2" string, anything), `command`, `args` or
// `runtimeEnvYAML`. Names are compared without regard to case.
bool IsSecretPath(std::string_view path);

// What may be said about a secret value: its type and length only, e.g.
// "<redacted: string, 7 bytes>", "<redacted: array, 3 items>".
std::string Describe(const nlohmann::json& value);

// `value` (found at `path`) as it may be rendered: Describe(value) as a JSON
// string when the path is secret; otherwise `value` with every secret part
// inside it (an env list inside a container, say) replaced the same way.
nlohmann::json Shown(std::string_view path, const nlohmann::json& value);

// Free text that nobody rendered through Shown (a policy's
// messageExpression, an audit annotation, an evaluation error) can still
// quote a secret. A Scrubber collects the secret values of objects (the
// strings and numbers under secret paths, env and key names excepted) and
// replaces every whole-word occurrence of one in a text by its Describe().
// Values under 4 bytes are not collected: replacing them would garble
// ordinary words while hiding almost nothing. Immutable once built; safe to
// share between threads.
class Scrubber {
 public:
  Scrubber() = default;
  // Collects the secret values of `object` (any JSON; null adds nothing).
  void Collect(const nlohmann::json& object);

  bool empty() const { return by_prefix_.empty(); }

  // `text` with every collected secret value replaced.
  std::string Scrub(std::string_view text) const;

 private:
  struct Secret {
    std::string text;    // as it may appear: raw, or JSON-escaped
    std::size_t length;  // length of the raw value, for Describe
  };
  void Add(const std::string& raw);
  void Walk(const nlohmann::json& node, bool secret, std::string_view name);

  // Keyed by the first 4 bytes, each list longest first, so that a scan
  // looks at a handful of candidates per position.
  std::unordered_map<std::string, std::vector<Secret>> by_prefix_;
  std::unordered_set<std::string> known_;
};

// Scrubs the free text of `result` (the messages of policy findings, audit
// annotations) of every secret value of resource.object and its oldObject.
// Values rendered through field_error are already redacted by path. Costs
// nothing when there is no such text. REQUIRES: result != nullptr
void ScrubFreeText(const Resource& resource, CheckResult* result);

// `status` with the secret values of the resource scrubbed from its message
// (a mutation failure quoting the object becomes a denial's message).
Status ScrubStatus(const Resource& resource, const Status& status);

}  // namespace rayguard::redaction

#endif  // RAYGUARD_CORE_REDACTION_H_
