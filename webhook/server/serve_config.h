#ifndef RAYGUARD_SERVER_SERVE_CONFIG_H_
#define RAYGUARD_SERVER_SERVE_CONFIG_H_

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "webhook/core/result.h"
#include "webhook/core/status.h"
#include "webhook/server/https_server.h"
#include "webhook/server/tls_config.h"

namespace rayguard::server {

// Everything `rayguard serve` is told, from flags and the --config file.
struct ServeConfig {
  std::string listen = "0.0.0.0:8443";
  TlsOptions tls;
  // Empty: the bundled schemas/ (the front end finds it).
  std::string schemas_dir;
  // Empty: no organisational policies, only the schema and KubeRay's rules.
  std::vector<std::string> policy_dirs;
  std::string params_dir;  // replaces each policies/params/ when set
  std::map<std::string, bool> feature_gates;
  bool strict = false;  // unknown fields are errors
  // Leave out (and log, and count in rayguard_policies_skipped) policies
  // that do not load, instead of refusing to start or reload.
  bool skip_invalid_policies = false;
  // On UPDATE, schema and KubeRay rule errors that the stored object already
  // had are warnings (see validator/ratchet.h).
  bool ratcheting = true;
  std::string log_format = "text";
  std::size_t max_body_bytes = ServerOptions().max_body_bytes;
  int threads = ServerOptions().threads;
  std::chrono::milliseconds request_timeout = ServerOptions().request_timeout;
  // How often certificate, schema and policy files are checked for changes.
  std::chrono::milliseconds watch_interval{1000};
  // After SIGTERM, /readyz fails for this long before the listener closes,
  // so endpoints stop routing here before connections are refused.
  std::chrono::milliseconds shutdown_delay{2000};
  // Hard limit on the whole shutdown; after it the process exits anyway.
  std::chrono::milliseconds shutdown_grace{25000};
};

// Config-file keys are the long flag names without dashes in front:
// listen, tls-cert, tls-key, client-ca, client-allowed-names (a list),
// schemas, policies (a string or a list), params, feature-gates (a map or
// "K=V,..."), strict, skip-invalid-policies and ratcheting (true or false),
// log-format, max-body-bytes, threads, request-timeout, watch-interval,
// shutdown-delay, shutdown-grace (durations in seconds, fractions allowed).
// Applies every key of the YAML file at `path` to *config. Returns
// InvalidArgument naming the file and key for unknown keys, wrong types or
// unreadable YAML.
Status ApplyConfigFile(const std::string& path, ServeConfig* config);

// "Gate=true,Other=false" -> {{"Gate", true}, {"Other", false}}.
Result<std::map<std::string, bool>> ParseFeatureGates(std::string_view text);

// "host:port" ("[::1]:8443" for IPv6) -> host and port (0-65535).
Status ParseListen(std::string_view text, std::string* host, int* port);

// Seconds (fractions allowed) -> milliseconds; InvalidArgument if negative
// or not a number.
Result<std::chrono::milliseconds> ParseSeconds(std::string_view text);

}  // namespace rayguard::server

#endif  // RAYGUARD_SERVER_SERVE_CONFIG_H_
