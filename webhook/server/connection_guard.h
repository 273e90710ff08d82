#ifndef RAYGUARD_SERVER_CONNECTION_GUARD_H_
#define RAYGUARD_SERVER_CONNECTION_GUARD_H_

#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <unordered_map>

#include <openssl/ssl.h>

namespace rayguard::server {

struct GuardOptions {
  // The longest a TLS handshake, or a request from its first byte to its
  // answer, may take. cpp-httplib's own timeouts are per read, so without
  // this a client sending a byte every few seconds holds a worker forever.
  std::chrono::milliseconds request_timeout{10000};
  // When connections wait for a worker, a handshake that has received
  // nothing for this long counts as idle and may be closed.
  std::chrono::milliseconds silent_grace{100};
};

// Watches every TLS connection of a server and closes (shutdown(2); the
// worker serving it then finds the socket dead and frees itself):
//  - connections past their handshake or request deadline, and
//  - when connections wait for a worker, idle ones (between requests, or a
//    handshake that has received nothing), longest idle first, so 1,000
//    idle sockets cannot keep the next client waiting.
// It learns a connection's state from OpenSSL callbacks on the server's
// SSL_CTX (handshake start and end, every record received, the session's
// release), so cpp-httplib needs no changes. Thread-safe.
class ConnectionGuard {
 public:
  explicit ConnectionGuard(GuardOptions options);

  // Installs the callbacks on a server context.
  // REQUIRES: the guard outlives every connection made with `ctx`.
  bool Attach(SSL_CTX* ctx);

  // The calling worker thread's connection has read a whole request and
  // is deciding it: our own work is not held against the deadline.
  void Deciding();
  // ...and now writes the answer, which gets a deadline of its own.
  void Replying();
  // ...and answered: it is idle until its next byte arrives.
  void Answered();

  // Closes up to `count` idle connections, longest idle first; returns how
  // many it closed.
  std::size_t CloseIdle(std::size_t count);

  // Called every few tens of milliseconds with the number of connections
  // waiting for a worker: closes connections past their deadline, then up
  // to `backlog` idle ones.
  void Tick(std::size_t backlog);

  // The TLS session the calling worker thread is serving, or nullptr.
  static SSL* Current();

  std::size_t closed_late() const { return closed_late_; }
  std::size_t closed_idle() const { return closed_idle_; }

 private:
  // kBusy: reading a request or writing its answer (under a deadline).
  enum class State { kHandshake, kIdle, kBusy, kDeciding, kClosing };
  struct Connection {
    int fd;
    State state;
    std::chrono::steady_clock::time_point since;
    bool heard = false;  // any record received yet
  };

  static void OnInfo(const SSL* ssl, int where, int ret);
  static void OnMessage(int write_p, int version, int content_type,
                        const void* buf, std::size_t len, SSL* ssl,
                        void* arg);
  static void OnFree(void* parent, void* ptr, CRYPTO_EX_DATA* ad, int index,
                     long argl, void* argp);

  void Register(SSL* ssl);
  void HandshakeDone(const SSL* ssl);
  void Received(const SSL* ssl);
  void Forget(const SSL* ssl);
  void Move(State from, State to);
  void CloseLate();
  bool Idle(const Connection& c,
            std::chrono::steady_clock::time_point now) const;

  const GuardOptions options_;
  std::mutex mu_;
  std::unordered_map<const SSL*, Connection> connections_;
  std::atomic<std::size_t> closed_late_{0};
  std::atomic<std::size_t> closed_idle_{0};
};

}  // namespace rayguard::server

#endif  // RAYGUARD_SERVER_CONNECTION_GUARD_H_
