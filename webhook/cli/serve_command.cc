#include <iostream>
#include <string>
#include <vector>

#ifdef RAYGUARD_WITH_MIMALLOC
#include <mimalloc.h>
#endif

#include "webhook/cli/commands.h"
#include "webhook/cli/validator_flags.h"
#include "webhook/server/serve.h"
#include "webhook/server/serve_config.h"

namespace rayguard::cli {
namespace {

// Flags exactly as given; only the ones the user set override --config.
struct ServeFlags {
  std::string config;
  std::string listen, tls_cert, tls_key, client_ca;
  std::vector<std::string> client_allowed_names;
  ValidatorFlags validator;
  std::string log_format, watch_interval, shutdown_delay, shutdown_grace;
  std::string request_timeout;
  std::size_t max_body_bytes = 0;
  int threads = 0;
  bool ratcheting = true;
};

// Applies the flags the user gave on top of *config. Returns a usage error.
Status ApplyFlags(const CLI::App& cmd, const ServeFlags& f,
                  server::ServeConfig* config) {
  auto given = [&cmd](const char* name) { return cmd.count(name) > 0; };
  if (given("--listen")) config->listen = f.listen;
  if (given("--tls-cert")) config->tls.cert_file = f.tls_cert;
  if (given("--tls-key")) config->tls.key_file = f.tls_key;
  if (given("--client-ca")) config->tls.client_ca_file = f.client_ca;
  if (given("--client-allowed-names")) {
    config->tls.client_allowed_names = f.client_allowed_names;
  }
  if (given("--schemas")) config->schemas_dir = f.validator.schemas;
  if (given("--policies")) config->policy_dirs = f.validator.policies;
  if (given("--params")) config->params_dir = f.validator.params;
  if (given("--strict")) config->strict = f.validator.strict;
  if (given("--skip-invalid-policies")) config->skip_invalid_policies = true;
  if (given("--ratcheting")) config->ratcheting = f.ratcheting;
  if (given("--log-format")) config->log_format = f.log_format;
  if (given("--max-body-bytes")) config->max_body_bytes = f.max_body_bytes;
  if (given("--threads")) config->threads = f.threads;
  if (given("--feature-gates")) {
    auto gates = ParseFeatureGateFlag(f.validator.feature_gates);
    if (!gates.ok()) return gates.status();
    config->feature_gates = *gates;
  }
  const std::pair<const char*, std::pair<const std::string*,
                                         std::chrono::milliseconds*>>
      durations[] = {
          {"--watch-interval", {&f.watch_interval, &config->watch_interval}},
          {"--request-timeout",
           {&f.request_timeout, &config->request_timeout}},
          {"--shutdown-delay", {&f.shutdown_delay, &config->shutdown_delay}},
          {"--shutdown-grace", {&f.shutdown_grace, &config->shutdown_grace}}};
  for (const auto& [name, target] : durations) {
    if (!given(name)) continue;
    auto d = server::ParseSeconds(*target.first);
    if (!d.ok()) return d.status().WithPrefix(name);
    *target.second = *d;
  }
  UseBundledSchemas(&config->schemas_dir);
  return Status::Ok();
}

int RunServe(const CLI::App& cmd, const ServeFlags& flags) {
  server::ServeConfig config;
  if (!flags.config.empty()) {
    if (Status s = server::ApplyConfigFile(flags.config, &config); !s.ok()) {
      std::cerr << "rayguard serve: " << s.message() << "\n";
      return 2;
    }
  }
  if (Status s = ApplyFlags(cmd, flags, &config); !s.ok()) {
    std::cerr << "rayguard serve: " << s.message() << "\n";
    return 2;
  }
  if (config.tls.cert_file.empty() || config.tls.key_file.empty()) {
    std::cerr << "rayguard serve: --tls-cert and --tls-key are required "
                 "(the webhook serves HTTPS only)\n";
    return 2;
  }
#ifdef RAYGUARD_WITH_MIMALLOC
  // A server runs for weeks and rebuilds its validator (tens of MB of small
  // objects) on every policy or schema change. Returning pages to the OS
  // as they empty keeps its RSS within one spare validator instead of
  // creeping up with each rebuild (bench/RESULTS.md, "Soak"); `check`, which
  // exits after one run, keeps mimalloc's faster default.
  mi_option_enable(mi_option_page_reset);
  // Free memory goes back to the OS at once (MADV_DONTNEED) rather than
  // after 25 ms, by which time a worker has usually gone idle and nothing
  // would run the delayed decommit; throughput under load is the same.
  mi_option_set(mi_option_decommit_delay, 0);
  // Each worker has its own mimalloc heap, which keeps the free memory of
  // the requests it judged. After a large one (over 1 MiB, rare from the
  // API server) it is handed back, so RSS does not keep the high-water
  // mark of every worker.
  return server::Serve(config, [] { mi_collect(false); });
#else
  return server::Serve(config);
#endif
}

void AddServeCommand(CLI::App& app, int* exit_code) {
  CLI::App* cmd = app.add_subcommand(
      "serve", "Run the HTTPS admission webhook (/validate, /mutate)");
  auto flags = std::make_shared<ServeFlags>();
  cmd->add_option("--config", flags->config,
                  "YAML file with the same keys as the flags (flags win)");
  cmd->add_option("--listen", flags->listen,
                  "ADDR:PORT to listen on (default 0.0.0.0:8443)");
  cmd->add_option("--tls-cert", flags->tls_cert,
                  "PEM serving certificate (and chain); reloaded on change");
  cmd->add_option("--tls-key", flags->tls_key,
                  "PEM private key; reloaded on change");
  cmd->add_option("--client-ca", flags->client_ca,
                  "PEM CA bundle: /validate, /mutate and /metrics need a "
                  "client certificate signed by it (probes do not)");
  cmd->add_option("--client-allowed-names", flags->client_allowed_names,
                  "With --client-ca: client certificate common names "
                  "allowed (comma-separated; default any)")
      ->delimiter(',');
  AddValidatorFlags(cmd, &flags->validator);
  cmd->add_flag("--ratcheting", flags->ratcheting,
                "On UPDATE, schema and KubeRay rule errors the stored object "
                "already had are warnings (default true; --ratcheting=false "
                "judges every update as a new object)");
  cmd->add_option("--log-format", flags->log_format, "text (default) or json");
  cmd->add_option("--max-body-bytes", flags->max_body_bytes,
                  "Largest request body accepted (default 3145728)");
  cmd->add_option("--threads", flags->threads,
                  "Threads that judge reviews (default: one per CPU); "
                  "connections do not hold them");
  cmd->add_option("--request-timeout", flags->request_timeout,
                  "Seconds a TLS handshake, or a request from its first "
                  "byte to its answer, may take (default 10)");
  cmd->add_option("--watch-interval", flags->watch_interval,
                  "Seconds between checks for changed certificate, schema "
                  "and policy files (default 1)");
  cmd->add_option("--shutdown-delay", flags->shutdown_delay,
                  "Seconds /readyz fails before the listener closes on "
                  "SIGTERM (default 2)");
  cmd->add_option("--shutdown-grace", flags->shutdown_grace,
                  "Seconds after SIGTERM before exiting regardless "
                  "(default 25)");
  cmd->callback([cmd, flags, exit_code] {
    *exit_code = RunServe(*cmd, *flags);
  });
}

const CommandRegistration kServe(10, AddServeCommand);

}  // namespace
}  // namespace rayguard::cli
