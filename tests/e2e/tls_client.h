#ifndef RAYGUARD_TESTS_E2E_TLS_CLIENT_H_
#define RAYGUARD_TESTS_E2E_TLS_CLIENT_H_

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include <openssl/ssl.h>

namespace rayguard::testing {

struct HttpResponse {
  int status = 0;  // 0 when no response could be read
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// One HTTP/1.1 keep-alive connection over TLS to 127.0.0.1, verifying the
// server certificate against `ca_file` (chain and IP SAN), optionally
// presenting a client certificate. Raw OpenSSL, so tests control exactly
// which bytes go out and when.
class TlsConnection {
 public:
  struct Options {
    int port = 0;
    std::string ca_file;
    std::string client_cert;  // optional
    std::string client_key;
    SSL_SESSION* session = nullptr;  // offered for resumption if set
    // How long one read or write may wait for the server.
    std::chrono::seconds timeout{10};
  };
  explicit TlsConnection(const Options& options);
  ~TlsConnection();

  // True once the handshake (with verification) succeeded.
  bool ok() const { return ssl_ != nullptr; }
  // The server accepted the offered session (no full handshake).
  bool resumed() const { return ssl_ != nullptr && SSL_session_reused(ssl_); }
  // The session to resume later (after a request, so that TLS 1.3 tickets
  // have arrived); the caller frees it with SSL_SESSION_free.
  SSL_SESSION* Session() const {
    return ssl_ != nullptr ? SSL_get1_session(ssl_) : nullptr;
  }
  const std::string& error() const { return error_; }

  bool Send(const std::string& bytes);
  // Reads one response (Content-Length framed).
  HttpResponse Read();
  // True once the server has closed the connection (EOF or reset) with
  // nothing more to read; false if bytes arrive or it is still open after
  // `timeout`.
  bool WaitForClose(std::chrono::milliseconds timeout);
  // Send + Read of one request.
  HttpResponse Request(const std::string& method, const std::string& path,
                       const std::string& body = "",
                       const std::string& content_type = "application/json");

  static std::string Format(const std::string& method, const std::string& path,
                            const std::string& body,
                            const std::string& content_type);

 private:
  bool Fill();
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  int fd_ = -1;
  std::string buffer_;
  std::string error_;
};

}  // namespace rayguard::testing

#endif  // RAYGUARD_TESTS_E2E_TLS_CLIENT_H_
