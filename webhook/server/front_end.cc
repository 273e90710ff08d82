#include "webhook/server/front_end.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>

#include <openssl/err.h>

namespace rayguard::server {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

// Deadlines are checked this often; a late client is cut within it.
constexpr milliseconds kTick{50};
// A handshake that has sent nothing for this long, or not finished within
// kSlowHandshake, may be closed to make room for a new connection.
constexpr milliseconds kSilentGrace{100};
constexpr milliseconds kSlowHandshake{1000};
// After a refusal the client may still be sending a body we will not read:
// its bytes are read and dropped for this long, so our answer reaches it
// rather than being lost to a reset.
constexpr milliseconds kLinger{2000};
constexpr std::size_t kScratchBytes = 64 * 1024;
constexpr std::size_t kLargeBody = 1 << 20;
// Requests up to this size may be judged on the loop when no worker is
// busy (a typical review is 5 KB).
constexpr std::size_t kInlineBody = 64 * 1024;
constexpr int kListenBacklog = 4096;

// Tags for the two descriptors that are not connections.
char listener_tag;
char wake_tag;

}  // namespace

struct FrontEnd::Connection {
  enum class State {
    kHandshake,
    kIdle,           // between requests
    kReading,        // a request under way
    kWaitingBudget,  // its body waits for room in the byte budget
    kDeciding,       // with a worker: the loop does not touch it
    kWriting,
    kLingering,      // answered and closing; draining what the client sends
    kClosed
  };
  Connection(int fd, SSL* ssl, const ReaderLimits& limits, ByteBudget* budget)
      : fd(fd), ssl(ssl), reader(limits, budget) {}

  int fd;
  SSL* ssl;
  State state = State::kHandshake;
  std::uint32_t events = 0;  // registered with epoll (0: not registered)
  Clock::time_point since;     // the state began
  Clock::time_point deadline;  // the state ends by force
  std::size_t index = 0;       // in open_
  std::size_t served = 0;
  bool authorized = false;
  bool close_after_write = false;
  bool head_request = false;
  RequestReader reader;
  std::string pending;  // decrypted bytes read past the current request
  HttpResponse response;
  std::string out;  // the answer's bytes
  std::size_t out_offset = 0;
};

using State = FrontEnd::Connection::State;

FrontEnd::FrontEnd(FrontEndOptions options, SSL_CTX* ctx, Hooks hooks,
                   ConnectionStats* stats)
    : options_(std::move(options)),
      ctx_(ctx),
      hooks_(std::move(hooks)),
      stats_(stats),
      budget_(options_.inflight_budget_bytes),
      scratch_(new char[kScratchBytes]) {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.ptr = &wake_tag;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
  const std::size_t workers =
      options_.workers > 0 ? options_.workers : UsableCpus();
  pool_ = std::make_unique<WorkerPool>(
      workers, [this](void* job) { Decide(static_cast<Connection*>(job)); });
}

FrontEnd::~FrontEnd() {
  pool_.reset();
  while (!open_.empty()) Close(open_.back());
  for (Connection* c : closed_) delete c;
  if (listen_fd_ >= 0) close(listen_fd_);
  close(wake_fd_);
  close(epoll_fd_);
}

Result<int> FrontEnd::Bind() {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(options_.port);
  const std::string where = options_.host + ":" + port;
  if (getaddrinfo(options_.host.c_str(), port.c_str(), &hints, &found) != 0) {
    return Status::Unavailable("cannot listen on " + where +
                               ": not a numeric address");
  }
  int fd = socket(found->ai_family,
                  found->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int yes = 1;
  // SO_REUSEADDR (not SO_REUSEPORT: a second server must not share it).
  const bool ok = fd >= 0 &&
                  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes,
                             sizeof(yes)) == 0 &&
                  bind(fd, found->ai_addr, found->ai_addrlen) == 0 &&
                  listen(fd, kListenBacklog) == 0;
  freeaddrinfo(found);
  if (!ok) {
    if (fd >= 0) close(fd);
    return Status::Unavailable("cannot listen on " + where);
  }
  sockaddr_storage bound{};
  socklen_t len = sizeof(bound);
  getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
  const int actual =
      bound.ss_family == AF_INET6
          ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
          : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  listen_fd_ = fd;
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.ptr = &listener_tag;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev);
  return actual;
}

void FrontEnd::Stop() {
  stop_requested_ = true;
  const std::uint64_t one = 1;
  (void)!write(wake_fd_, &one, sizeof(one));
}

void FrontEnd::Run() {
  RunWithWorkerStack([this] { Loop(); });
}

void FrontEnd::Loop() {
  epoll_event events[256];
  auto next_scan = Clock::now() + kTick;
  for (;;) {
    if (stopping_ && open_.empty()) break;
    const int n = epoll_wait(epoll_fd_, events, 256,
                             static_cast<int>(kTick.count()));
    now_ = Clock::now();
    // Judging on the loop pays only when nothing else is ready.
    judge_inline_ = n == 1;
    for (int i = 0; i < n; ++i) {
      void* tag = events[i].data.ptr;
      if (tag == &listener_tag) {
        Accept();
      } else if (tag == &wake_tag) {
        std::uint64_t count;
        (void)!read(wake_fd_, &count, sizeof(count));
        TakeAnswers();
        if (stop_requested_ && !stopping_) BeginStop();
      } else {
        auto* c = static_cast<Connection*>(tag);
        if (c->state != State::kClosed) OnEvent(c);
      }
    }
    if (now_ >= next_scan) {
      ScanDeadlines();
      next_scan = now_ + kTick;
    }
    if (budget_freed_) ResumeWaiters();
    for (Connection* c : closed_) delete c;
    closed_.clear();
    stats_->inflight_bytes.store(static_cast<std::int64_t>(budget_.in_use()),
                                 std::memory_order_relaxed);
  }
}

void FrontEnd::BeginStop() {
  stopping_ = true;
  if (listen_fd_ >= 0) {
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
    close(listen_fd_);
    listen_fd_ = -1;
  }
  // Nothing is lost by closing a connection between requests; requests
  // under way are answered (with Connection: close) within their deadline.
  for (std::size_t i = open_.size(); i-- > 0;) {
    Connection* c = open_[i];
    if (c->state == State::kHandshake || c->state == State::kIdle) Close(c);
  }
}

void FrontEnd::Accept() {
  for (;;) {
    const int fd = accept4(listen_fd_, nullptr, nullptr,
                           SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
          errno == ENOMEM) {
        // Out of descriptors: pause accepting until the next tick rather
        // than spin on a listener that stays readable.
        epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
        listener_paused_ = true;
        stats_->refused.fetch_add(1, std::memory_order_relaxed);
      }
      return;
    }
    if (open_.size() >= options_.max_connections && !EvictOne()) {
      close(fd);
      stats_->refused.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    int yes = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
    if (hooks_.before_accept) hooks_.before_accept();
    SSL* ssl = SSL_new(ctx_);
    if (ssl == nullptr || SSL_set_fd(ssl, fd) != 1) {
      SSL_free(ssl);
      close(fd);
      ERR_clear_error();
      continue;
    }
    SSL_set_accept_state(ssl);
    auto* c = new Connection(fd, ssl, options_.limits, &budget_);
    c->since = now_;
    c->deadline = now_ + options_.request_timeout;
    c->index = open_.size();
    open_.push_back(c);
    stats_->accepted.fetch_add(1, std::memory_order_relaxed);
    stats_->open.store(static_cast<std::int64_t>(open_.size()),
                       std::memory_order_relaxed);
    Want(c, EPOLLIN);
  }
}

bool FrontEnd::EvictOne() {
  Connection* oldest = nullptr;
  for (Connection* c : open_) {
    const auto age = now_ - c->since;
    const bool silent = BIO_number_read(SSL_get_rbio(c->ssl)) == 0;
    const bool idle =
        c->state == State::kIdle ||
        (c->state == State::kHandshake &&
         (age >= kSlowHandshake || (silent && age >= kSilentGrace)));
    if (idle && (oldest == nullptr || c->since < oldest->since)) oldest = c;
  }
  if (oldest == nullptr) return false;
  Close(oldest);
  stats_->evicted_idle.fetch_add(1, std::memory_order_relaxed);
  return true;
}

void FrontEnd::Want(Connection* c, std::uint32_t events) {
  if (events == c->events) return;
  if (events == 0) {
    // Not merely an empty mask: epoll reports hang-ups whatever the mask,
    // and a connection with a worker must not wake the loop.
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c->fd, nullptr);
  } else {
    epoll_event ev{};
    ev.events = events;
    ev.data.ptr = c;
    epoll_ctl(epoll_fd_, c->events == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD,
              c->fd, &ev);
  }
  c->events = events;
}

void FrontEnd::OnEvent(Connection* c) {
  switch (c->state) {
    case State::kHandshake: Handshake(c); return;
    case State::kIdle:
    case State::kReading: ReadRequests(c); return;
    case State::kWriting: Write(c); return;
    case State::kLingering: Drain(c); return;
    default: return;
  }
}

// What a non-blocking OpenSSL call that returned `ret` needs: a readable
// or writable socket (true, events set), or nothing more (false: failed).
static bool Retry(SSL* ssl, int ret, std::uint32_t* events) {
  switch (SSL_get_error(ssl, ret)) {
    case SSL_ERROR_WANT_READ: *events = EPOLLIN; return true;
    case SSL_ERROR_WANT_WRITE: *events = EPOLLOUT; return true;
    default: ERR_clear_error(); return false;
  }
}

void FrontEnd::Handshake(Connection* c) {
  const int ret = SSL_do_handshake(c->ssl);
  if (ret != 1) {
    std::uint32_t events;
    if (Retry(c->ssl, ret, &events)) {
      Want(c, events);
    } else {
      Close(c);
    }
    return;
  }
  c->authorized = !hooks_.authorize || hooks_.authorize(c->ssl);
  c->state = State::kIdle;
  c->since = now_;
  c->deadline = now_ + options_.idle_timeout;
  ReadRequests(c);
}

void FrontEnd::ReadRequests(Connection* c) {
  if (!c->pending.empty()) {
    // Bytes read past the previous request come first.
    std::string pending = std::move(c->pending);
    c->pending.clear();
    if (!Consume(c, pending)) return;
  }
  for (;;) {
    const int n =
        SSL_read(c->ssl, scratch_.get(), static_cast<int>(kScratchBytes));
    if (n <= 0) {
      std::uint32_t events;
      if (Retry(c->ssl, n, &events)) {
        Want(c, events);
      } else {
        Close(c);  // the client hung up, or sent garbage
      }
      return;
    }
    if (!Consume(c, std::string_view(scratch_.get(), n))) return;
  }
}

// Feeds decrypted bytes to the request reader; false once the connection
// has left the reading states.
bool FrontEnd::Consume(Connection* c, std::string_view data) {
  if (c->state == State::kIdle) {
    c->state = State::kReading;
    c->since = now_;
    c->deadline = now_ + options_.request_timeout;
  }
  std::size_t used = 0;
  switch (c->reader.Feed(data, &used)) {
    case RequestReader::Result::kNeedMore:
      return true;
    case RequestReader::Result::kNeedBudget:
      c->pending.assign(data.substr(used));
      c->state = State::kWaitingBudget;
      Want(c, 0);  // stop reading: TCP pushes back on the client
      waiters_.push_back(c);
      stats_->budget_waits.fetch_add(1, std::memory_order_relaxed);
      return false;
    case RequestReader::Result::kComplete:
      c->pending.assign(data.substr(used));
      Dispatch(c);
      return false;
    case RequestReader::Result::kError:
      if (hooks_.rejected) hooks_.rejected(c->reader.error().status);
      c->pending.clear();
      c->head_request = false;
      Answer(c, c->reader.error());
      return false;
  }
  return false;
}

void FrontEnd::Dispatch(Connection* c) {
  c->reader.request().client_authorized = c->authorized;
  c->head_request = c->reader.head_request();
  if (judge_inline_ && c->reader.request().body.size() <= kInlineBody &&
      pool_->Idle()) {
    // Nothing else is ready or being judged: handing over to a worker
    // would only add two thread switches. Small reviews take well under a
    // millisecond, which is all a connection becoming ready meanwhile waits.
    // Once per loop turn: the answer's Write reads a pipelined next
    // request at once, which must not recurse into another inline judging.
    judge_inline_ = false;
    Judge(c);
    c->state = State::kWriting;
    c->since = now_;
    c->deadline = now_ + options_.request_timeout;
    c->out_offset = 0;
    Write(c);
    return;
  }
  c->state = State::kDeciding;
  Want(c, 0);
  pool_->Submit(c);
}

// The answer's bytes into c->out; on the loop or on a worker.
void FrontEnd::Judge(Connection* c) {
  const HttpRequest& request = c->reader.request();
  c->response = HttpResponse();
  hooks_.handler(request, c->response);
  c->response.close |= !request.keep_alive || c->response.status >= 400 ||
                       c->served + 1 >= options_.max_requests_per_connection ||
                       stopping_.load(std::memory_order_relaxed);
  c->close_after_write = c->response.close;
  SerializeResponse(c->response, c->head_request, &c->out);
  c->response = HttpResponse();
}

// On a worker. The loop does not touch a deciding connection, and the
// answers queue hands it back.
void FrontEnd::Decide(Connection* c) {
  Judge(c);
  const bool large = c->reader.request().body.size() > kLargeBody;
  bool wake;
  {
    std::lock_guard<std::mutex> lock(answers_mu_);
    wake = answers_.empty();
    answers_.push_back(c);
  }
  if (wake) {
    const std::uint64_t one = 1;
    (void)!write(wake_fd_, &one, sizeof(one));
  }
  if (large && options_.after_large_request) options_.after_large_request();
}

void FrontEnd::TakeAnswers() {
  {
    std::lock_guard<std::mutex> lock(answers_mu_);
    taking_.swap(answers_);
  }
  for (Connection* c : taking_) {
    c->state = State::kWriting;
    c->since = now_;
    c->deadline = now_ + options_.request_timeout;
    c->out_offset = 0;
    Write(c);
  }
  taking_.clear();
}

// Sends an answer made on the loop (a refusal while reading).
void FrontEnd::Answer(Connection* c, const HttpResponse& response) {
  SerializeResponse(response, c->head_request, &c->out);
  c->close_after_write = response.close;
  c->state = State::kWriting;
  c->since = now_;
  c->deadline = now_ + options_.request_timeout;
  c->out_offset = 0;
  Write(c);
}

void FrontEnd::Write(Connection* c) {
  while (c->out_offset < c->out.size()) {
    const std::size_t left = c->out.size() - c->out_offset;
    const int n = SSL_write(c->ssl, c->out.data() + c->out_offset,
                            static_cast<int>(std::min<std::size_t>(left, INT_MAX)));
    if (n <= 0) {
      std::uint32_t events;
      if (Retry(c->ssl, n, &events)) {
        Want(c, events);
      } else {
        Close(c);
      }
      return;
    }
    c->out_offset += static_cast<std::size_t>(n);
  }
  if (c->out.capacity() > 64 * 1024) {
    std::string().swap(c->out);
  } else {
    c->out.clear();
  }
  c->out_offset = 0;
  ++c->served;
  c->reader.Reset();
  budget_freed_ = true;
  if (c->close_after_write) {
    Linger(c);
    return;
  }
  c->state = State::kIdle;
  c->since = now_;
  c->deadline = now_ + options_.idle_timeout;
  Want(c, EPOLLIN);
  // OpenSSL may already hold the next request's bytes: epoll would not say.
  ReadRequests(c);
}

void FrontEnd::Linger(Connection* c) {
  SSL_shutdown(c->ssl);  // close_notify, best effort
  ERR_clear_error();
  shutdown(c->fd, SHUT_WR);
  c->state = State::kLingering;
  c->deadline = now_ + kLinger;
  Want(c, EPOLLIN);
  Drain(c);
}

void FrontEnd::Drain(Connection* c) {
  for (;;) {
    const ssize_t n = read(c->fd, scratch_.get(), kScratchBytes);
    if (n > 0) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    Close(c);  // the client closed too
    return;
  }
}

void FrontEnd::Close(Connection* c) {
  if (c->state == State::kClosed) return;
  if (c->state == State::kWaitingBudget) {
    waiters_.erase(std::find(waiters_.begin(), waiters_.end(), c));
  }
  c->state = State::kClosed;
  Want(c, 0);
  SSL_free(c->ssl);
  close(c->fd);
  c->reader.Reset();
  budget_freed_ = true;
  Connection* last = open_.back();
  last->index = c->index;
  open_[c->index] = last;
  open_.pop_back();
  stats_->open.store(static_cast<std::int64_t>(open_.size()),
                     std::memory_order_relaxed);
  closed_.push_back(c);
}

void FrontEnd::ScanDeadlines() {
  if (listener_paused_ && listen_fd_ >= 0) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = &listener_tag;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev);
    listener_paused_ = false;
  }
  for (std::size_t i = open_.size(); i-- > 0;) {
    Connection* c = open_[i];
    if (c->state == State::kDeciding || now_ <= c->deadline) continue;
    if (c->state != State::kIdle && c->state != State::kLingering) {
      stats_->timed_out.fetch_add(1, std::memory_order_relaxed);
    }
    Close(c);
  }
}

void FrontEnd::ResumeWaiters() {
  budget_freed_ = false;
  while (!waiters_.empty()) {
    Connection* c = waiters_.front();
    waiters_.pop_front();
    if (c->state != State::kWaitingBudget) continue;  // closed meanwhile
    c->state = State::kReading;
    ReadRequests(c);
    if (c->state == State::kWaitingBudget) {
      // Still no room: it keeps its place at the front.
      waiters_.pop_back();
      waiters_.push_front(c);
      return;
    }
  }
}

}  // namespace rayguard::server
