#ifndef RAYGUARD_SERVER_HTTPS_SERVER_H_
#define RAYGUARD_SERVER_HTTPS_SERVER_H_

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "webhook/admission/admission_handler.h"
#include "webhook/core/result.h"
#include "webhook/server/front_end.h"
#include "webhook/server/http_request.h"
#include "webhook/server/metrics.h"
#include "webhook/server/tls_config.h"

namespace rayguard::server {

struct ServerOptions {
  std::string host = "0.0.0.0";
  int port = 8443;  // 0 picks a free port (see HttpsServer::Bind)
  // The API server's own request size limit: a larger review cannot come
  // from it.
  std::size_t max_body_bytes = 3 * 1024 * 1024;
  // The request line and headers together; the API server sends well
  // under 1 KiB.
  std::size_t max_head_bytes = 16 * 1024;
  // Threads that judge reviews; 0: one per usable CPU. Connections do not
  // hold them (see FrontEnd), so more than the cores only adds switching.
  int threads = 0;
  // Open connections at most (see FrontEndOptions::max_connections).
  std::size_t max_connections = 1024;
  // Request bytes held at once across connections (see ByteBudget); 0:
  // 1.5 x max_body_bytes, so one largest review is judged at a time while
  // small ones pass beside it. Its decoded form costs ~40x its bytes at
  // worst today (a list of short strings), which this keeps within the
  // Deployment's memory limit (README, "Sizing").
  std::size_t inflight_budget_bytes = 0;
  // A TLS handshake, a request from its first byte to its last, and the
  // sending of an answer each have this long; past it the connection is
  // closed. Our own deciding time is not counted.
  std::chrono::milliseconds request_timeout{10000};
  // Idle keep-alive connections are closed after this.
  std::chrono::seconds idle_timeout{15};
  // A TLS handshake costs far more than a review, so connections are kept
  // for many requests, yet still recycled so that every client eventually
  // picks up a rotated certificate.
  std::size_t max_requests_per_connection = 10000;
  // Runs on a worker after a request with a body over 1 MiB. `serve` hands
  // the allocator's per-thread free memory back there (serve_command.cc).
  std::function<void()> after_large_request;
};

// The HTTPS server: routes, request checks (method, content type, client
// certificate), metrics and the per-review log line, on top of the
// FrontEnd (connections, TLS, HTTP framing, limits, deadlines). Decisions
// are the handler's.
class HttpsServer {
 public:
  // `ready` reports whether the validator is loaded. The pointers must
  // outlive the server.
  HttpsServer(ServerOptions options, const TlsConfig* tls,
              const admission::AdmissionHandler* handler, Metrics* metrics,
              std::function<bool()> ready);
  ~HttpsServer();

  // Binds the listening socket; returns the port (useful with port 0).
  Result<int> Bind();
  // Serves until Stop(); returns once in-flight requests are answered.
  // REQUIRES: Bind() succeeded.
  void Run();
  // /readyz turns false from now on (the first step of a graceful stop).
  void Drain() { draining_ = true; }
  // Stops accepting connections; Run() returns after in-flight requests.
  // Safe to call from any thread.
  void Stop();

 private:
  void Handle(const HttpRequest& req, HttpResponse& res) const;
  void HandleReview(const HttpRequest& req, HttpResponse& res,
                    bool mutate) const;
  void HandleReadyz(HttpResponse& res) const;

  const ServerOptions options_;
  const TlsConfig* tls_;
  const admission::AdmissionHandler* handler_;
  Metrics* metrics_;
  const std::function<bool()> ready_;
  std::atomic<bool> draining_{false};
  ConnectionStats connection_stats_;
  SSL_CTX* ctx_ = nullptr;
  bool ctx_ok_ = false;
  std::unique_ptr<FrontEnd> front_end_;
};

}  // namespace rayguard::server

#endif  // RAYGUARD_SERVER_HTTPS_SERVER_H_
