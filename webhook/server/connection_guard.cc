#include "webhook/server/connection_guard.h"

#include <sys/socket.h>

#include <algorithm>
#include <vector>

namespace rayguard::server {
namespace {

using Clock = std::chrono::steady_clock;

// One worker thread serves one connection from handshake to close, so the
// connection a callback or handler runs for is a per-thread fact.
thread_local SSL* current_connection = nullptr;

// Where each session and context keep their guard (process-wide indexes).
int SessionIndex(CRYPTO_EX_free* on_free) {
  static const int index =
      SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, on_free);
  return index;
}

int ContextIndex() {
  static const int index =
      SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

ConnectionGuard* GuardOf(const SSL* ssl) {
  return static_cast<ConnectionGuard*>(
      SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), ContextIndex()));
}

}  // namespace

ConnectionGuard::ConnectionGuard(GuardOptions options)
    : options_(options) {}

bool ConnectionGuard::Attach(SSL_CTX* ctx) {
  if (SessionIndex(&ConnectionGuard::OnFree) < 0 || ContextIndex() < 0) {
    return false;
  }
  if (SSL_CTX_set_ex_data(ctx, ContextIndex(), this) != 1) return false;
  SSL_CTX_set_info_callback(ctx, &ConnectionGuard::OnInfo);
  SSL_CTX_set_msg_callback(ctx, &ConnectionGuard::OnMessage);
  SSL_CTX_set_msg_callback_arg(ctx, this);
  return true;
}

SSL* ConnectionGuard::Current() { return current_connection; }

void ConnectionGuard::OnInfo(const SSL* ssl, int where, int) {
  ConnectionGuard* guard = GuardOf(ssl);
  if (guard == nullptr) return;
  if (where & SSL_CB_HANDSHAKE_START) guard->Register(const_cast<SSL*>(ssl));
  if (where & SSL_CB_HANDSHAKE_DONE) guard->HandshakeDone(ssl);
}

void ConnectionGuard::OnMessage(int write_p, int, int content_type,
                                const void*, std::size_t, SSL* ssl,
                                void* arg) {
  // Every record read starts with its header: the cheapest sign of life.
  if (write_p == 0 && content_type == SSL3_RT_HEADER) {
    static_cast<ConnectionGuard*>(arg)->Received(ssl);
  }
}

// Runs inside SSL_free, before cpp-httplib closes the socket: once it has
// run, the descriptor may be reused, so it must leave the table first.
void ConnectionGuard::OnFree(void* parent, void* ptr, CRYPTO_EX_DATA*, int,
                             long, void*) {
  if (ptr == nullptr) return;
  static_cast<ConnectionGuard*>(ptr)->Forget(static_cast<SSL*>(parent));
  if (current_connection == parent) current_connection = nullptr;
}

void ConnectionGuard::Register(SSL* ssl) {
  current_connection = ssl;
  std::lock_guard<std::mutex> lock(mu_);
  // TLS 1.2 and 1.3 report a start once per session (renegotiation is off),
  // but a repeat must not reset a deadline.
  if (!connections_.emplace(ssl, Connection{SSL_get_fd(ssl), State::kHandshake,
                                            Clock::now()})
           .second) {
    return;
  }
  SSL_set_ex_data(ssl, SessionIndex(&ConnectionGuard::OnFree), this);
}

void ConnectionGuard::HandshakeDone(const SSL* ssl) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = connections_.find(ssl);
  if (it == connections_.end() || it->second.state != State::kHandshake) {
    return;
  }
  it->second.state = State::kIdle;
  it->second.since = Clock::now();
}

void ConnectionGuard::Received(const SSL* ssl) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = connections_.find(ssl);
  if (it == connections_.end()) return;
  Connection& c = it->second;
  c.heard = true;
  if (c.state == State::kIdle) {  // the first byte of the next request
    c.state = State::kBusy;
    c.since = Clock::now();
  }
}

void ConnectionGuard::Deciding() { Move(State::kBusy, State::kDeciding); }
void ConnectionGuard::Replying() { Move(State::kDeciding, State::kBusy); }
void ConnectionGuard::Answered() { Move(State::kBusy, State::kIdle); }

void ConnectionGuard::Move(State from, State to) {
  if (current_connection == nullptr) return;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = connections_.find(current_connection);
  if (it == connections_.end() || it->second.state != from) return;
  it->second.state = to;
  it->second.since = Clock::now();
}

void ConnectionGuard::Forget(const SSL* ssl) {
  std::lock_guard<std::mutex> lock(mu_);
  connections_.erase(ssl);
}

bool ConnectionGuard::Idle(const Connection& c, Clock::time_point now) const {
  return c.state == State::kIdle ||
         (c.state == State::kHandshake && !c.heard &&
          now - c.since >= options_.silent_grace);
}

std::size_t ConnectionGuard::CloseIdle(std::size_t count) {
  if (count == 0) return 0;
  const auto now = Clock::now();
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Connection*> idle;
  for (auto& [ssl, c] : connections_) {
    if (Idle(c, now)) idle.push_back(&c);
  }
  count = std::min(count, idle.size());
  std::partial_sort(idle.begin(), idle.begin() + count, idle.end(),
                    [](const Connection* a, const Connection* b) {
                      return a->since < b->since;
                    });
  for (std::size_t i = 0; i < count; ++i) {
    idle[i]->state = State::kClosing;
    shutdown(idle[i]->fd, SHUT_RDWR);
  }
  closed_idle_ += count;
  return count;
}

void ConnectionGuard::CloseLate() {
  const auto now = Clock::now();
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [ssl, c] : connections_) {
    const bool timed = c.state == State::kHandshake || c.state == State::kBusy;
    if (timed && now - c.since > options_.request_timeout) {
      c.state = State::kClosing;
      shutdown(c.fd, SHUT_RDWR);
      ++closed_late_;
    }
  }
}

void ConnectionGuard::Tick(std::size_t backlog) {
  CloseLate();
  CloseIdle(backlog);
}

}  // namespace rayguard::server
