#ifndef RAYGUARD_SERVER_HTTP_REQUEST_H_
#define RAYGUARD_SERVER_HTTP_REQUEST_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rayguard::server {

// One request as the routes see it. The views point into the reader's
// header buffer and stay valid until the reader starts the next request.
struct HttpRequest {
  std::string_view method;
  std::string path;  // the target without its query, percent-decoded
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  std::string body;
  bool keep_alive = true;  // HTTP/1.1 without "Connection: close"
  // Set by the front end: the connection presented a client certificate
  // that chains to --client-ca (and, with --client-allowed-names, names an
  // allowed subject). Always true without --client-ca.
  bool client_authorized = true;

  // The first value of a header (names compare case-insensitively).
  std::string_view Header(std::string_view name) const;
};

// One answer. The front end adds Content-Length and Connection.
struct HttpResponse {
  int status = 200;
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra ones
  bool close = false;  // close the connection once it is sent

  // A JSON error body: {"error": message, "code": status}.
  void SetError(int code, std::string_view message);
};

// The bytes of `response` on the wire: status line, headers, body (none
// for a HEAD request).
void SerializeResponse(const HttpResponse& response, bool head_request,
                       std::string* out);

// Case-insensitive ASCII comparison, for header names and tokens.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace rayguard::server

#endif  // RAYGUARD_SERVER_HTTP_REQUEST_H_
