#include "tests/e2e/tls_client.h"

#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

#include <openssl/err.h>
#include <openssl/x509v3.h>

namespace rayguard::testing {
namespace {

std::string SslError(const char* what) {
  char buf[256];
  unsigned long code = ERR_get_error();
  ERR_error_string_n(code, buf, sizeof(buf));
  ERR_clear_error();
  return std::string(what) + ": " + buf;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

TlsConnection::TlsConnection(const Options& o) {
  // A server that drops the connection (refused client certificate,
  // shutdown) must fail the write, not kill the test.
  signal(SIGPIPE, SIG_IGN);
  ctx_ = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
  if (SSL_CTX_load_verify_locations(ctx_, o.ca_file.c_str(), nullptr) != 1) {
    error_ = SslError("CA");
    return;
  }
  if (!o.client_cert.empty() &&
      (SSL_CTX_use_certificate_chain_file(ctx_, o.client_cert.c_str()) != 1 ||
       SSL_CTX_use_PrivateKey_file(ctx_, o.client_key.c_str(),
                                   SSL_FILETYPE_PEM) != 1)) {
    error_ = SslError("client certificate");
    return;
  }
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  timeval tv{o.timeout.count(), 0};  // never wait forever on a stuck server
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(o.port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    error_ = "connect failed";
    return;
  }
  SSL* ssl = SSL_new(ctx_);
  X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), "127.0.0.1");
  SSL_set_fd(ssl, fd_);
  if (o.session != nullptr) SSL_set_session(ssl, o.session);
  if (SSL_connect(ssl) != 1) {
    error_ = SslError("handshake");
    SSL_free(ssl);
    return;
  }
  ssl_ = ssl;
}

TlsConnection::~TlsConnection() {
  if (ssl_ != nullptr) {
    SSL_shutdown(ssl_);
    SSL_free(ssl_);
  }
  if (fd_ >= 0) close(fd_);
  SSL_CTX_free(ctx_);
}

bool TlsConnection::Send(const std::string& bytes) {
  if (ssl_ == nullptr) return false;
  return SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size())) ==
         static_cast<int>(bytes.size());
}

bool TlsConnection::Fill() {
  char buf[16384];
  int n = SSL_read(ssl_, buf, sizeof(buf));
  if (n <= 0) {
    error_ = SslError("read");
    return false;
  }
  buffer_.append(buf, static_cast<std::size_t>(n));
  return true;
}

HttpResponse TlsConnection::Read() {
  HttpResponse r;
  if (ssl_ == nullptr) return r;
  std::size_t end;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!Fill()) return r;
  }
  const std::string head = buffer_.substr(0, end);
  buffer_.erase(0, end + 4);
  std::size_t line_end = head.find("\r\n");
  r.status = std::stoi(head.substr(9, 3));  // "HTTP/1.1 200 OK"
  while (line_end != std::string::npos) {
    std::size_t next = head.find("\r\n", line_end + 2);
    std::string line = head.substr(line_end + 2, next == std::string::npos
                                                     ? std::string::npos
                                                     : next - line_end - 2);
    std::size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::size_t v = line.find_first_not_of(' ', colon + 1);
      r.headers[Lower(line.substr(0, colon))] =
          v == std::string::npos ? "" : line.substr(v);
    }
    line_end = next;
  }
  const std::size_t length = r.headers.count("content-length")
                                 ? std::stoul(r.headers["content-length"])
                                 : 0;
  while (buffer_.size() < length) {
    if (!Fill()) return HttpResponse{};
  }
  r.body = buffer_.substr(0, length);
  buffer_.erase(0, length);
  return r;
}

bool TlsConnection::WaitForClose(std::chrono::milliseconds timeout) {
  if (ssl_ == nullptr || !buffer_.empty()) return false;
  pollfd p{fd_, POLLIN, 0};
  if (SSL_pending(ssl_) == 0 &&
      poll(&p, 1, static_cast<int>(timeout.count())) <= 0) {
    return false;  // still open, silent
  }
  char byte;
  const int n = SSL_read(ssl_, &byte, 1);
  if (n > 0) return false;
  const int error = SSL_get_error(ssl_, n);
  ERR_clear_error();
  return error == SSL_ERROR_ZERO_RETURN || error == SSL_ERROR_SYSCALL ||
         error == SSL_ERROR_SSL;
}

std::string TlsConnection::Format(const std::string& method,
                                  const std::string& path,
                                  const std::string& body,
                                  const std::string& content_type) {
  std::string req = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  if (!content_type.empty()) req += "Content-Type: " + content_type + "\r\n";
  if (method == "POST" || !body.empty()) {
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  return req + "\r\n" + body;
}

HttpResponse TlsConnection::Request(const std::string& method,
                                    const std::string& path,
                                    const std::string& body,
                                    const std::string& content_type) {
  if (!Send(Format(method, path, body, content_type))) return HttpResponse{};
  return Read();
}

}  // namespace rayguard::testing
