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
#include "webhook/server/connection_guard.h"
#include "webhook/server/metrics.h"
#include "webhook/server/tls_config.h"

namespace httplib {
class SSLServer;
struct Request;
struct Response;
}  // namespace httplib

namespace rayguard::server {

struct ServerOptions {
  std::string host = "0.0.0.0";
  int port = 8443;  // 0 picks a free port (see HttpsServer::Bind)
  // The API server's own request size limit: a larger review cannot come
  // from it.
  std::size_t max_body_bytes = 3 * 1024 * 1024;
  // Each open connection holds one worker for its lifetime (cpp-httplib's
  // model), idle keep-alive time included. The API server keeps a few idle
  // connections per replica; 64 workers leave room for several replicas plus
  // probes and scrapes, while reviews themselves are CPU-bound microseconds.
  // Connections beyond that wait for a worker, and while any wait, idle
  // ones are closed to make room (ConnectionGuard).
  int threads = 64;
  // A review that has not arrived (or cannot be sent) within 10s is past the
  // API server's default webhook timeout anyway: drop the client rather than
  // let a slow one hold a worker.
  std::chrono::seconds read_timeout{10};
  std::chrono::seconds write_timeout{10};
  // The read timeout above is per read; this bounds the whole handshake,
  // and each request from its first byte to its answer, so a client that
  // trickles bytes cannot hold a worker for longer.
  std::chrono::milliseconds request_timeout{10000};
  // Idle keep-alive connections are closed after this; it also bounds how
  // long shutdown waits for idle connections.
  std::chrono::seconds idle_timeout{15};
  // cpp-httplib closes a connection after 5 requests by default, forcing a
  // TLS handshake (far costlier than a review) every 5 reviews. 10000 keeps
  // handshakes rare yet still recycles connections, so every client
  // eventually picks up a rotated certificate.
  std::size_t max_requests_per_connection = 10000;
  // Runs on a worker after each connection it served has closed. `serve`
  // hands the allocator's per-thread free memory back here (see
  // serve_command.cc); unset, workers keep theirs for the next connection.
  std::function<void()> after_connection;
};

// The HTTPS front end: routes, request checks (method, content type, size),
// metrics and the per-review log line. Decisions are the handler's.
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
  void Route();
  void HandleReview(const httplib::Request& req, httplib::Response& res,
                    bool mutate) const;
  void HandleReadyz(httplib::Response& res) const;

  const ServerOptions options_;
  const admission::AdmissionHandler* handler_;
  Metrics* metrics_;
  const std::function<bool()> ready_;
  std::atomic<bool> draining_{false};
  int listen_fd_ = -1;
  // Declared before server_: it must outlive every connection.
  std::unique_ptr<ConnectionGuard> guard_;
  std::unique_ptr<httplib::SSLServer> server_;
};

}  // namespace rayguard::server

#endif  // RAYGUARD_SERVER_HTTPS_SERVER_H_
