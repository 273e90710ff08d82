#include "webhook/server/https_server.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <exception>

#include <httplib.h>

#include "webhook/server/event_log.h"

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
  if (kind == "RayCluster" || kind == "RayJob" || kind == "RayService") {
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
            {"name", DisplayName(r)},
            {"operation", r.operation},
            {"dryRun", r.dry_run},
            {"verdict", response.verdict},
            {"rules", response.rules},
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
      server_(std::make_unique<httplib::SSLServer>(
          [tls](SSL_CTX& ctx) { return tls->ConfigureContext(&ctx); })) {
  const int threads = std::max(1, options_.threads);
  server_->new_task_queue = [threads] {
    return new httplib::ThreadPool(static_cast<std::size_t>(threads));
  };
  server_->set_payload_max_length(options_.max_body_bytes);
  server_->set_read_timeout(options_.read_timeout);
  server_->set_write_timeout(options_.write_timeout);
  server_->set_keep_alive_timeout(options_.idle_timeout.count());
  server_->set_keep_alive_max_count(options_.max_requests_per_connection);
  // Reviews are one small request and one small reply: send them at once.
  server_->set_tcp_nodelay(true);
  Route();
}

HttpsServer::~HttpsServer() = default;

void HttpsServer::Route() {
  auto& s = *server_;
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
  s.set_error_handler([this](const Request&, Response& res) {
    metrics_->RecordRejected(res.status);
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
  if (options_.port == 0) {
    int port = server_->bind_to_any_port(options_.host);
    if (port > 0) return port;
  } else if (server_->bind_to_port(options_.host, options_.port)) {
    return options_.port;
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
