#ifndef RAYGUARD_SERVER_FRONT_END_H_
#define RAYGUARD_SERVER_FRONT_END_H_

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <openssl/ssl.h>

#include "webhook/core/result.h"
#include "webhook/server/connection_stats.h"
#include "webhook/server/http_request.h"
#include "webhook/server/request_reader.h"
#include "webhook/server/worker_pool.h"

namespace rayguard::server {

struct FrontEndOptions {
  std::string host = "0.0.0.0";
  int port = 8443;  // 0 picks a free port
  // Open connections at most. At the limit, the longest idle one (between
  // requests, or a handshake silent or unfinished for a second) is closed
  // to make room; if none is, the new connection is refused (closed at
  // once) and counted.
  std::size_t max_connections = 1024;
  ReaderLimits limits;
  // Request bytes held at once across all connections (see ByteBudget).
  std::size_t inflight_budget_bytes = 8 << 20;
  // A handshake, and a request from its first byte to its last, must be
  // done within this; so must an answer be sent.
  std::chrono::milliseconds request_timeout{10000};
  std::chrono::milliseconds idle_timeout{15000};
  std::size_t max_requests_per_connection = 10000;
  std::size_t workers = 0;  // 0: one per usable CPU
  // Runs on a worker after it answered a request with a body larger than
  // 1 MiB (serve hands the allocator's free memory back there).
  std::function<void()> after_large_request;
};

// The network side of `serve`: one thread runs an epoll loop that accepts
// connections, performs TLS handshakes with non-blocking OpenSSL, reads
// requests under the limits and deadlines, and writes answers. Whole
// requests go to a WorkerPool; a worker runs `handler` and hands the
// answer back. No client can hold a worker, and the loop never waits on
// one client.
class FrontEnd {
 public:
  using Handler = std::function<void(const HttpRequest&, HttpResponse&)>;
  struct Hooks {
    Handler handler;                       // on a worker
    std::function<bool(SSL*)> authorize;   // after each handshake
    std::function<void()> before_accept;   // before each new TLS session
    std::function<void(int)> rejected;     // a request refused while read
  };

  // `ctx` must outlive the front end.
  FrontEnd(FrontEndOptions options, SSL_CTX* ctx, Hooks hooks,
           ConnectionStats* stats);
  ~FrontEnd();

  // Binds and listens; returns the port.
  Result<int> Bind();
  // Serves until Stop(), then until every open request is answered.
  void Run();
  // Stops accepting; Run() returns once in-flight requests are answered.
  // Safe from any thread.
  void Stop();

  struct Connection;

 private:
  void Loop();
  void Accept();
  bool EvictOne();
  void OnEvent(Connection* c);
  void Handshake(Connection* c);
  void ReadRequests(Connection* c);
  bool Consume(Connection* c, std::string_view data);
  void Dispatch(Connection* c);
  void Judge(Connection* c);
  void Decide(Connection* c);  // on a worker
  void TakeAnswers();
  void Write(Connection* c);
  void Answer(Connection* c, const HttpResponse& response);
  void Linger(Connection* c);
  void Drain(Connection* c);
  void Close(Connection* c);
  void Want(Connection* c, std::uint32_t events);
  void ScanDeadlines();
  void ResumeWaiters();
  void BeginStop();

  const FrontEndOptions options_;
  SSL_CTX* const ctx_;
  const Hooks hooks_;
  ConnectionStats* const stats_;
  ByteBudget budget_;
  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;  // eventfd: answers ready, or Stop()
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> stopping_{false};  // read by workers
  bool listener_paused_ = false;
  bool judge_inline_ = false;  // this loop turn had one ready descriptor
  std::chrono::steady_clock::time_point now_;
  std::vector<Connection*> open_;     // every live connection
  std::vector<Connection*> closed_;   // freed at the end of a loop turn
  std::deque<Connection*> waiters_;   // waiting for budget, in order
  bool budget_freed_ = false;
  std::unique_ptr<char[]> scratch_;   // decrypted bytes, loop thread only
  std::mutex answers_mu_;
  std::vector<Connection*> answers_;  // decided, to be written
  std::vector<Connection*> taking_;   // the loop's side of the swap
  std::unique_ptr<WorkerPool> pool_;  // last: joined first
};

}  // namespace rayguard::server

#endif  // RAYGUARD_SERVER_FRONT_END_H_
