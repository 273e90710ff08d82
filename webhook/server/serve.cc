#include "webhook/server/serve.h"

#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <mutex>
#include <filesystem>
#include <thread>

#include "webhook/admission/admission_handler.h"
#include "webhook/server/config_dirs.h"
#include "webhook/server/event_log.h"
#include "webhook/server/file_watcher.h"
#include "webhook/server/https_server.h"
#include "webhook/server/metrics.h"
#include "webhook/server/validator_store.h"

namespace rayguard::server {
namespace {

using spdlog::level::err;
using spdlog::level::info;
using spdlog::level::warn;

std::int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Publishes the serving validator's policy counts; skipped policies (with
// --skip-invalid-policies) are also logged loudly, on every (re)load.
void PublishPolicyCounts(const ValidatorStore& store, Metrics* metrics) {
  auto validator = store.current();
  const PolicyCounts counts = validator ? validator->policy_counts()
                                        : PolicyCounts{};
  metrics->SetPoliciesLoaded(counts.loaded);
  metrics->SetPoliciesSkipped(counts.skipped);
  if (counts.skipped > 0) {
    LogEvent(err, "invalid policies or bindings skipped; they are not enforced",
             {{"skipped", counts.skipped}});
  }
}

// The directories the validator is built from, as the flags named them.
std::shared_ptr<ConfigDirs> WatchedConfigDirs(const ServeConfig& config) {
  std::vector<ConfigDir> dirs;
  for (const std::string& p : config.policy_dirs)
    dirs.push_back({"--policies", p});
  dirs.push_back({"--schemas", config.schemas_dir});
  return std::make_shared<ConfigDirs>(std::move(dirs));
}

ValidatorStore::Factory MakeFactory(const ServeConfig& config) {
  ValidatorOptions options;
  options.schemas_dir = config.schemas_dir;
  options.policy_dirs = config.policy_dirs;
  options.feature_gates = config.feature_gates;
  options.params_dir = config.params_dir;
  options.strict = config.strict;
  options.skip_invalid_policies = config.skip_invalid_policies;
  options.parallel_load = false;  // see ValidatorStore
  options.ratchet_updates = config.ratcheting;
  // A directory gone or emptied is a load error, never "no policies": the
  // store keeps the previous validator and the reload is counted failed.
  return [options, dirs = WatchedConfigDirs(
                       config)]() -> Result<std::unique_ptr<const Validator>> {
    std::vector<std::string> empty;
    if (Status s = dirs->Check(&empty); !s.ok()) return s;
    for (const std::string& dir : empty) {
      LogEvent(warn, "configuration directory is empty; nothing loaded from it",
               {{"path", dir}});
    }
    return Validator::Create(options);
  };
}

void ReloadValidator(ValidatorStore* store,
                     Metrics* metrics) {
  Status s = store->Load();
  metrics->RecordValidatorReload(s.ok());
  if (!s.ok()) {
    LogEvent(err, "policy reload failed; still serving the previous policies",
             {{"error", s.message()}});
    return;
  }
  PublishPolicyCounts(*store, metrics);
  metrics->SetLastLoadSuccess(UnixNow());
  LogEvent(info, "schemas and policies reloaded");
}

// A certificate this close to its end is renewed late or not at all
// (cert-manager renews at two thirds of its life).
constexpr std::chrono::hours kExpiryWarning{7 * 24};

void WarnIfExpiringSoon(const TlsConfig& tls) {
  const auto left = std::chrono::system_clock::from_time_t(
                        static_cast<std::time_t>(tls.expiry_unix())) -
                    std::chrono::system_clock::now();
  if (left > kExpiryWarning) return;
  LogEvent(warn, "serving certificate expires within 7 days; renew it",
           {{"file", tls.options().cert_file},
            {"notAfter", tls.expiry_unix()},
            {"hours_left",
             std::chrono::duration_cast<std::chrono::hours>(left).count()}});
}

void ReloadCertificate(TlsConfig* tls, Metrics* metrics) {
  Status s = tls->Reload();
  metrics->RecordCertificateReload(s.ok());
  if (!s.ok()) {
    LogEvent(err, "certificate reload failed; still serving the previous pair",
             {{"error", s.message()}});
    WarnIfExpiringSoon(*tls);
    return;
  }
  metrics->SetCertificateExpiry(tls->expiry_unix());
  LogEvent(info, "certificate reloaded", {{"notAfter", tls->expiry_unix()}});
  WarnIfExpiringSoon(*tls);
}

// Between reloads the expiry is checked hourly, so a certificate nobody
// renews keeps saying so.
class ExpiryCheck {
 public:
  explicit ExpiryCheck(const TlsConfig* tls)
      : thread_([this, tls] {
          std::unique_lock<std::mutex> lock(mu_);
          while (!cv_.wait_for(lock, std::chrono::hours(1),
                               [this] { return done_; })) {
            WarnIfExpiringSoon(*tls);
          }
        }) {}
  ~ExpiryCheck() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

// Waits for SIGTERM/SIGINT (blocked in every thread, so only this one sees
// them), then drains and stops the server. A watchdog ends the process if
// in-flight work outlives the grace period.
class SignalWaiter {
 public:
  SignalWaiter(const ServeConfig& config, HttpsServer* server)
      : thread_([this, &config, server] { Wait(config, server); }) {}
  ~SignalWaiter() {
    done_ = true;
    thread_.join();
  }

 private:
  void Wait(const ServeConfig& config, HttpsServer* server) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    const timespec tick{0, 100 * 1000 * 1000};
    int sig = -1;
    while (!done_ && sig < 0) sig = sigtimedwait(&set, nullptr, &tick);
    if (sig < 0) return;
    LogEvent(info, "signal received; draining",
             {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
    server->Drain();
    std::thread([grace = config.shutdown_grace] {
      std::this_thread::sleep_for(grace);
      LogEvent(warn, "shutdown grace period over; exiting now");
      _exit(0);
    }).detach();
    std::this_thread::sleep_for(config.shutdown_delay);
    server->Stop();
  }

  std::atomic<bool> done_{false};
  std::thread thread_;
};

void BlockShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  // A client that hangs up mid-reply must not kill the process.
  signal(SIGPIPE, SIG_IGN);
}

// Every connection is a descriptor, and the usual soft limit (1024) is far
// below what an idle-connection flood can open: take the hard limit, as Go
// servers do at start-up.
void RaiseOpenFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
}

}  // namespace

int Serve(const ServeConfig& config,
          std::function<void()> after_large_request) {
  BlockShutdownSignals();  // before any thread starts, so all inherit it
  Result<LogFormat> format = ParseLogFormat(config.log_format);
  if (!format.ok()) {
    ConfigureLogging(LogFormat::kText);
    LogEvent(err, format.status().message());
    return 2;
  }
  ConfigureLogging(*format);
  ServerOptions options;
  if (Status s = ParseListen(config.listen, &options.host, &options.port);
      !s.ok()) {
    LogEvent(err, s.message());
    return 2;
  }
  options.max_body_bytes = config.max_body_bytes;
  options.threads = config.threads;
  options.request_timeout = config.request_timeout;
  options.after_large_request = std::move(after_large_request);
  RaiseOpenFileLimit();

  Metrics metrics;
  Result<std::unique_ptr<TlsConfig>> tls = TlsConfig::Load(config.tls);
  if (!tls.ok()) {
    LogEvent(err, "cannot load the serving certificate",
             {{"error", tls.status().message()}});
    return 2;
  }
  metrics.SetCertificateExpiry((*tls)->expiry_unix());
  WarnIfExpiringSoon(**tls);
  ExpiryCheck expiry_check(tls->get());
  ValidatorStore store(MakeFactory(config));
  if (Status s = store.Load(); !s.ok()) {
    LogEvent(err, "cannot load schemas and policies", {{"error", s.message()}});
    return 2;
  }
  PublishPolicyCounts(store, &metrics);
  metrics.SetLastLoadSuccess(UnixNow());

  admission::AdmissionHandler handler([&store] { return store.current(); });
  HttpsServer server(options, tls->get(), &handler, &metrics,
                     [&store] { return store.current() != nullptr; });
  Result<int> port = server.Bind();
  if (!port.ok()) {
    LogEvent(err, port.status().message());
    return 1;
  }
  std::vector<std::string> policy_paths = config.policy_dirs;
  policy_paths.push_back(config.schemas_dir);
  std::vector<std::string> tls_paths = {config.tls.cert_file,
                                        config.tls.key_file};
  if (!config.tls.client_ca_file.empty()) {
    tls_paths.push_back(config.tls.client_ca_file);
  }
  FileWatcher cert_watcher(
      tls_paths, config.watch_interval,
      [&] { ReloadCertificate(tls->get(), &metrics); });
  FileWatcher policy_watcher(policy_paths, config.watch_interval,
                             [&] { ReloadValidator(&store, &metrics); });
  cert_watcher.Start();
  policy_watcher.Start();
  SignalWaiter signals(config, &server);
  LogEvent(info, "listening",
           {{"address", options.host + ":" + std::to_string(*port)},
            {"port", *port},
            {"layers", store.current()->LayerNames()}});
  server.Run();
  cert_watcher.Stop();
  policy_watcher.Stop();
  LogEvent(info, "stopped");
  return 0;
}

}  // namespace rayguard::server
