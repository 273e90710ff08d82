#ifndef RAYGUARD_SERVER_TLS_CONFIG_H_
#define RAYGUARD_SERVER_TLS_CONFIG_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include <openssl/ssl.h>

#include "webhook/core/result.h"
#include "webhook/core/status.h"

namespace rayguard::server {

struct TlsOptions {
  std::string cert_file;       // PEM: the serving certificate, then its chain
  std::string key_file;        // PEM private key
  std::string client_ca_file;  // optional: require client certs signed by it
};

// The serving certificate and the TLS settings of the webhook. The pair (and
// the client CAs) are chosen per handshake (an OpenSSL certificate callback),
// so Reload() makes new connections use the new files while open
// connections keep theirs.
// Safe to use from many threads.
class TlsConfig {
 public:
  // Reads and checks the pair (the key must match the certificate) and the
  // client CA. Returns InvalidArgument naming the file that does not load.
  static Result<std::unique_ptr<TlsConfig>> Load(const TlsOptions& options);
  ~TlsConfig();

  // Sets up a server SSL_CTX: TLS 1.2 minimum (1.3 preferred by OpenSSL),
  // forward-secret AEAD ciphers only for 1.2, no compression or
  // renegotiation, the per-handshake certificate callback, and client
  // certificate verification when a client CA is configured.
  // Returns false if OpenSSL refuses a setting. The TlsConfig must outlive
  // the SSL_CTX.
  bool ConfigureContext(SSL_CTX* ctx) const;

  // Re-reads the certificate, key and client CA files. On failure the old
  // ones stay in use and the error (naming the file) is returned.
  Status Reload();

  // notAfter of the current certificate, as a Unix timestamp.
  std::int64_t expiry_unix() const;

  const TlsOptions& options() const { return options_; }

  struct KeyPair;

 private:
  explicit TlsConfig(TlsOptions options);
  static int SelectCertificate(SSL* ssl, void* arg);
  std::shared_ptr<const KeyPair> current() const;

  const TlsOptions options_;
  mutable std::mutex mu_;
  std::shared_ptr<const KeyPair> pair_;
};

}  // namespace rayguard::server

#endif  // RAYGUARD_SERVER_TLS_CONFIG_H_
