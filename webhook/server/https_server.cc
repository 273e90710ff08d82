#include "webhook/server/https_server.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <exception>

#include "webhook/server/event_log.h"

namespace rayguard::server {
namespace {

constexpr char kJson[] = "application/json";

// Log lines stay short whatever the object holds: a name is at most 253
// characters in Kubernetes (so is every identifier logged), and a review
// lists its first 100 rule ids.
constexpr std::size_t kMaxLoggedName = 253;

// At most kMaxLoggedName bytes, never ending inside a UTF-8 character.
std::string Capped(std::string_view s) {
  if (s.size() <= kMaxLoggedName) return std::string(s);
  std::size_t n = kMaxLoggedName;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n));
}
constexpr std::size_t kMaxLoggedRules = 100;

nlohmann::json LoggedRules(const std::vector<std::string>& rules) {
  if (rules.size() <= kMaxLoggedRules) return rules;
  return std::vector<std::string>(rules.begin(),
                                  rules.begin() + kMaxLoggedRules);
}

// "application/json", optionally with parameters ("; charset=utf-8").
bool IsJsonContentType(std::string_view header) {
  std::string value(header.substr(0, 256));
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
            {"uid", Capped(r.uid)},
            {"kind", Capped(r.kind)},
            {"namespace", Capped(r.namespace_name)},
            {"name", Capped(DisplayName(r))},
            {"operation", OperationLabel(r.operation)},
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
      tls_(tls),
      handler_(handler),
      metrics_(metrics),
      ready_(std::move(ready)),
      ctx_(SSL_CTX_new(TLS_server_method())) {
  ctx_ok_ = ctx_ != nullptr && tls_->ConfigureContext(ctx_);
  if (ctx_ != nullptr) {
    // Idle connections give their TLS buffers back (34 KiB each), so the
    // connection limit bounds memory; writes may be partial and resumed
    // from a moved buffer.
    SSL_CTX_set_mode(ctx_, SSL_MODE_RELEASE_BUFFERS |
                               SSL_MODE_ENABLE_PARTIAL_WRITE |
                               SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  }
  FrontEndOptions fe;
  fe.host = options_.host;
  fe.port = options_.port;
  fe.max_connections = options_.max_connections;
  fe.limits.max_head_bytes = options_.max_head_bytes;
  fe.limits.max_body_bytes = options_.max_body_bytes;
  fe.inflight_budget_bytes =
      options_.inflight_budget_bytes > 0
          ? options_.inflight_budget_bytes
          : options_.max_body_bytes + options_.max_body_bytes / 2;
  fe.request_timeout = options_.request_timeout;
  fe.idle_timeout = options_.idle_timeout;
  fe.max_requests_per_connection = options_.max_requests_per_connection;
  fe.workers = static_cast<std::size_t>(std::max(0, options_.threads));
  fe.after_large_request = options_.after_large_request;
  FrontEnd::Hooks hooks;
  hooks.handler = [this](const HttpRequest& req, HttpResponse& res) {
    Handle(req, res);
  };
  hooks.authorize = [tls](SSL* ssl) { return tls->ClientAuthorized(ssl); };
  hooks.before_accept = [this] { tls_->RefreshSessions(ctx_); };
  hooks.rejected = [metrics](int status) { metrics->RecordRejected(status); };
  front_end_ = std::make_unique<FrontEnd>(std::move(fe), ctx_,
                                          std::move(hooks), &connection_stats_);
}

HttpsServer::~HttpsServer() {
  front_end_.reset();
  SSL_CTX_free(ctx_);
}

void HttpsServer::Handle(const HttpRequest& req, HttpResponse& res) const {
  struct Route {
    std::string_view path;
    bool post;       // POST only; otherwise GET and HEAD
    bool protected_; // needs a client certificate with --client-ca
  };
  static constexpr Route kRoutes[] = {
      {"/validate", true, true},  {"/mutate", true, true},
      {"/healthz", false, false}, {"/readyz", false, false},
      {"/metrics", false, true}};
  const Route* route = nullptr;
  for (const Route& r : kRoutes) {
    if (req.path == r.path) route = &r;
  }
  if (route == nullptr) {
    res.SetError(404, "not found");
  } else if (route->post ? req.method != "POST"
                         : req.method != "GET" && req.method != "HEAD") {
    const char* allow = route->post ? "POST" : "GET, HEAD";
    res.headers.emplace_back("Allow", allow);
    res.SetError(405, std::string(req.method.substr(0, 32)) +
                          " is not allowed; use " + allow);
  } else if (route->protected_ && !req.client_authorized) {
    // Probes come without a certificate and get /healthz and /readyz;
    // everything else needs the API server's (or Prometheus') one.
    res.SetError(403, "a client certificate signed by the configured "
                      "client CA (with an allowed name) is required");
  } else if (route->path == "/healthz") {
    res.content_type = "text/plain";
    res.body = "ok\n";
  } else if (route->path == "/readyz") {
    HandleReadyz(res);
  } else if (route->path == "/metrics") {
    res.content_type = "text/plain; version=0.0.4";
    res.body = metrics_->Render() + connection_stats_.Render();
  } else {
    HandleReview(req, res, route->path == "/mutate");
  }
  // Every refusal is counted; the front end closes the connection after it.
  if (res.status >= 400) metrics_->RecordRejected(res.status);
}

void HttpsServer::HandleReadyz(HttpResponse& res) const {
  if (draining_) {
    res.SetError(503, "shutting down");
  } else if (!ready_()) {
    res.SetError(503, "schemas and policies not loaded");
  } else {
    res.content_type = "text/plain";
    res.body = "ok\n";
  }
}

void HttpsServer::HandleReview(const HttpRequest& req, HttpResponse& res,
                               bool mutate) const {
  const auto start = std::chrono::steady_clock::now();
  const char* endpoint = mutate ? "mutate" : "validate";
  if (!IsJsonContentType(req.Header("Content-Type"))) {
    res.SetError(415, "Content-Type must be application/json");
    return;
  }
  Result<admission::AdmissionRequest> request =
      admission::DecodeReview(req.body);
  if (!request.ok()) {
    res.SetError(400, request.status().message());
    return;
  }
  // The handler never throws; answer even if encoding somehow does, so the
  // API server sees a reply and its failurePolicy decides.
  const admission::AdmissionResponse response =
      mutate ? handler_->Mutate(*request) : handler_->Validate(*request);
  try {
    res.body = admission::EncodeReview(request->api_version, response);
    res.content_type = kJson;
  } catch (const std::exception& e) {
    res.SetError(500, std::string("cannot encode the review: ") + e.what());
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
  if (!ctx_ok_) {
    return Status::Internal("TLS setup failed (OpenSSL refused a setting)");
  }
  return front_end_->Bind();
}

void HttpsServer::Run() { front_end_->Run(); }

void HttpsServer::Stop() {
  draining_ = true;
  front_end_->Stop();
}

}  // namespace rayguard::server
