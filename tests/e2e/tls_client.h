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
  };
  explicit TlsConnection(const Options& options);
  ~TlsConnection();

  // True once the handshake (with verification) succeeded.
  bool ok() const { return ssl_ != nullptr; }
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
