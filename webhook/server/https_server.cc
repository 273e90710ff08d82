#include "webhook/server/https_server.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <exception>

#include <httplib.h>
#include <sys/socket.h>

#include "webhook/server/event_log.h"
#include "webhook/server/http_framing.h"
#include "webhook/server/worker_pool.h"

namespace rayguard::server {
namespace {

using httplib::Request;
using httplib::Response;

constexpr char kJson[] = "application/json";

void SetError(Response& res, int status, std::string_view message) {
  res.status = status;
  nlohmann::json body = {{"error", std::string(message)}, {"code", status}};
  res.set_content(body.dump(-1, ' ', false,
                            nlohmann::json::error_handler_t::replace),
                  kJson);
}

// How often deadlines are enforced.
constexpr std::chrono::milliseconds kGuardTick{50};

// cpp-httplib listens with a backlog of 5: a burst of new connections (all
// API server replicas reconnecting, an idle-connection flood) then sees its
// SYNs dropped and retried a second or more later. The kernel caps this at
// net.core.somaxconn.
constexpr int kListenBacklog = 4096;

// After a refused request, the bytes that follow cannot be trusted to start
// a new one (an unread body, an ambiguous length): send the answer, then
// close. Marking the TLS session as shut down for reading makes any request
// already buffered behind this one unreadable (SSL_read returns 0).
void CloseAfterReply(const Request& req, Response& res) {
  // cpp-httplib adds the header itself when the client asked to close.
  if (req.get_header_value("Connection") != "close") {
    res.set_header("Connection", "close");
  }
  SSL* ssl = ConnectionGuard::Current();
  if (ssl == nullptr) return;
  SSL_set_shutdown(ssl, SSL_get_shutdown(ssl) | SSL_RECEIVED_SHUTDOWN);
}

// Runs after a reply is written. When it said "Connection: close", shutting
// the socket for reading ends cpp-httplib's keep-alive wait at once (it
// would otherwise wait for the client to hang up). Not earlier: before the
// reply, cpp-httplib would take the half-closed socket for a dead one.
void AfterReply(const Response& res, ConnectionGuard* guard) {
  guard->Answered();
  SSL* ssl = ConnectionGuard::Current();
  if (ssl != nullptr && res.get_header_value("Connection") == "close") {
    shutdown(SSL_get_fd(ssl), SHUT_RD);
  }
}

// The request's headers, as CheckFraming wants them.
std::vector<std::pair<std::string_view, std::string_view>> HeaderList(
    const Request& req) {
  std::vector<std::pair<std::string_view, std::string_view>> list;
  list.reserve(req.headers.size());
  for (const auto& [name, value] : req.headers) list.emplace_back(name, value);
  return list;
}

// Log lines stay short whatever the object holds: a name is at most 253
// characters in Kubernetes, and a review lists its first 100 rule ids.
constexpr std::size_t kMaxLoggedName = 253;
constexpr std::size_t kMaxLoggedRules = 100;

nlohmann::json LoggedRules(const std::vector<std::string>& rules) {
  if (rules.size() <= kMaxLoggedRules) return rules;
  return std::vector<std::string>(rules.begin(),
                                  rules.begin() + kMaxLoggedRules);
}

// "application/json", optionally with parameters ("; charset=utf-8").
bool IsJsonContentType(std::string value) {
  std::transform(value.begin(), value.end(), value.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  const std::string type = value.substr(0, value.find(';'));
  auto trimmed = type.substr(0, type.find_last_not_of(" \t") + 1);
  return trimmed == kJson;
}

// Metric labels stay bounded whatever a client sends.
std::string_view KindLabel(const std::string& kind) {
  if (kind == "RayCluster" || kind == "RayJob" || kind == "RayService" ||
      kind == "RayCronJob") {
    return kind;
  }
  return "other";
}

std::string_view OperationLabel(const std::string& op) {
  if (op == "CREATE" || op == "UPDATE" || op == "DELETE" || op == "CONNECT") {
    return op;
  }
  return "other";
}

// The object's name as the user knows it: request.name, else the object's
// metadata.name, else its generateName.
std::string DisplayName(const admission::AdmissionRequest& r) {
  if (!r.name.empty()) return r.name;
  const nlohmann::json& o = r.object.is_object() ? r.object : r.old_object;
  if (!o.is_object()) return "";
  std::string name = o.value("/metadata/name"_json_pointer, "");
  return name.empty() ? o.value("/metadata/generateName"_json_pointer, "")
                      : name;
}

void LogReview(std::string_view endpoint, const admission::AdmissionRequest& r,
               const admission::AdmissionResponse& response, double seconds) {
  LogEvent(response.verdict == "error" ? spdlog::level::err
                                       : spdlog::level::info,
           "review",
           {{"endpoint", endpoint},
            {"uid", r.uid},
            {"kind", r.kind},
            {"namespace", r.namespace_name},
            {"name", DisplayName(r).substr(0, kMaxLoggedName)},
            {"operation", r.operation},
            {"dryRun", r.dry_run},
            {"verdict", response.verdict},
            {"rules", LoggedRules(response.rules)},
            {"findings", response.rules.size()},
            // Microsecond precision is plenty and keeps the line short.
            {"duration_ms", std::round(seconds * 1e6) / 1e3}});
}

}  // namespace

HttpsServer::HttpsServer(ServerOptions options, const TlsConfig* tls,
                         const admission::AdmissionHandler* handler,
                         Metrics* metrics, std::function<bool()> ready)
    : options_(std::move(options)),
      handler_(handler),
      metrics_(metrics),
      ready_(std::move(ready)),
      guard_(std::make_unique<ConnectionGuard>(
          GuardOptions{.request_timeout = options_.request_timeout})),
      server_(std::make_unique<httplib::SSLServer>(
          [tls, guard = guard_.get()](SSL_CTX& ctx) {
            return tls->ConfigureContext(&ctx) && guard->Attach(&ctx);
          })) {
  const auto threads = static_cast<std::size_t>(std::max(1, options_.threads));
  server_->new_task_queue = [threads, guard = guard_.get(),
                             after = options_.after_connection] {
    return new WorkerPool(
        threads, kGuardTick, [guard](std::size_t n) { guard->CloseIdle(n); },
        [guard](std::size_t n) { guard->Tick(n); }, after);
  };
  server_->set_logger([guard = guard_.get()](const Request&,
                                             const Response& res) {
    AfterReply(res, guard);
  });
  server_->set_payload_max_length(options_.max_body_bytes);
  server_->set_read_timeout(options_.read_timeout);
  server_->set_write_timeout(options_.write_timeout);
  server_->set_keep_alive_timeout(options_.idle_timeout.count());
  server_->set_keep_alive_max_count(options_.max_requests_per_connection);
  // Reviews are one small request and one small reply: send them at once.
  server_->set_tcp_nodelay(true);
  // Runs on the listening socket before bind; replaces cpp-httplib's
  // default (SO_REUSEPORT, which would let a second server share the port).
  server_->set_socket_options([this](int fd) {
    int yes = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    listen_fd_ = fd;
  });
  Route();
}

HttpsServer::~HttpsServer() = default;

void HttpsServer::Route() {
  auto& s = *server_;
  // Runs once the headers are read and before any of the body is.
  s.set_pre_routing_handler([](const Request& req, Response& res) {
    FramingError bad = CheckFraming(req.method, HeaderList(req));
    if (bad.status == 0) return httplib::Server::HandlerResponse::Unhandled;
    SetError(res, bad.status, bad.message);
    return httplib::Server::HandlerResponse::Handled;
  });
  s.Post("/validate", [this](const Request& req, Response& res) {
    HandleReview(req, res, /*mutate=*/false);
  });
  s.Post("/mutate", [this](const Request& req, Response& res) {
    HandleReview(req, res, /*mutate=*/true);
  });
  s.Get("/healthz", [](const Request&, Response& res) {
    res.set_content("ok\n", "text/plain");
  });
  s.Get("/readyz", [this](const Request&, Response& res) { HandleReadyz(res); });
  s.Get("/metrics", [this](const Request&, Response& res) {
    res.set_content(metrics_->Render(), "text/plain; version=0.0.4");
  });
  // Every other method on a known path is 405, with the one that works.
  const std::pair<const char*, const char*> kAllowed[] = {
      {"/validate", "POST"}, {"/mutate", "POST"}, {"/healthz", "GET, HEAD"},
      {"/readyz", "GET, HEAD"}, {"/metrics", "GET, HEAD"}};
  for (const auto& [path, allow] : kAllowed) {
    std::string allow_value = allow;
    auto not_allowed = [allow_value](const Request& req, Response& res) {
      res.set_header("Allow", allow_value);
      SetError(res, 405, req.method + " is not allowed; use " + allow_value);
    };
    if (allow_value == "POST") s.Get(path, not_allowed);
    if (allow_value != "POST") s.Post(path, not_allowed);
    s.Put(path, not_allowed);
    s.Patch(path, not_allowed);
    s.Delete(path, not_allowed);
    s.Options(path, not_allowed);
  }
  // Every refusal (ours, and cpp-httplib's own 400/404/413) gets a JSON body
  // and is counted.
  s.set_error_handler([this](const Request& req, Response& res) {
    metrics_->RecordRejected(res.status);
    CloseAfterReply(req, res);
    if (!res.body.empty()) return;
    if (res.status == 413) {
      SetError(res, 413, "request body exceeds " +
                             std::to_string(options_.max_body_bytes) +
                             " bytes");
    } else if (res.status == 404) {
      SetError(res, 404, "not found");
    } else {
      SetError(res, res.status, "bad request");
    }
  });
}

void HttpsServer::HandleReadyz(Response& res) const {
  if (draining_) {
    SetError(res, 503, "shutting down");
  } else if (!ready_()) {
    SetError(res, 503, "schemas and policies not loaded");
  } else {
    res.set_content("ok\n", "text/plain");
  }
}

void HttpsServer::HandleReview(const Request& req, Response& res,
                               bool mutate) const {
  // The deadline is for the client's bytes, not for our own work.
  guard_->Deciding();
  struct ReplyingOnReturn {
    ConnectionGuard* guard;
    ~ReplyingOnReturn() { guard->Replying(); }
  } replying{guard_.get()};
  const auto start = std::chrono::steady_clock::now();
  const char* endpoint = mutate ? "mutate" : "validate";
  if (!IsJsonContentType(req.get_header_value("Content-Type"))) {
    SetError(res, 415, "Content-Type must be application/json");
    return;
  }
  Result<admission::AdmissionRequest> request =
      admission::DecodeReview(req.body);
  if (!request.ok()) {
    SetError(res, 400, request.status().message());
    return;
  }
  // The handler never throws; answer even if encoding somehow does, so the
  // API server sees a reply and its failurePolicy decides.
  const admission::AdmissionResponse response =
      mutate ? handler_->Mutate(*request) : handler_->Validate(*request);
  try {
    res.set_content(admission::EncodeReview(request->api_version, response),
                    kJson);
  } catch (const std::exception& e) {
    SetError(res, 500, std::string("cannot encode the review: ") + e.what());
  }
  const double seconds = std::chrono::duration<double>(
                             std::chrono::steady_clock::now() - start)
                             .count();
  metrics_->RecordReview(endpoint, KindLabel(request->kind),
                         OperationLabel(request->operation), response.verdict,
                         seconds, response.rules);
  LogReview(endpoint, *request, response, seconds);
}

Result<int> HttpsServer::Bind() {
  if (!server_->is_valid()) {
    return Status::Internal("TLS setup failed (OpenSSL refused a setting)");
  }
  int port = -1;
  if (options_.port == 0) {
    port = server_->bind_to_any_port(options_.host);
  } else if (server_->bind_to_port(options_.host, options_.port)) {
    port = options_.port;
  }
  if (port > 0) {
    // Listening again on a listening socket only resizes its queue.
    if (listen_fd_ >= 0) listen(listen_fd_, kListenBacklog);
    return port;
  }
  return Status::Unavailable("cannot listen on " + options_.host + ":" +
                             std::to_string(options_.port));
}

void HttpsServer::Run() { server_->listen_after_bind(); }

void HttpsServer::Stop() {
  draining_ = true;
  server_->stop();
}

}  // namespace rayguard::server
