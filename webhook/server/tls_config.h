#ifndef RAYGUARD_SERVER_TLS_CONFIG_H_
#define RAYGUARD_SERVER_TLS_CONFIG_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>
#include <atomic>

#include <openssl/ssl.h>

#include "webhook/core/result.h"
#include "webhook/core/status.h"

namespace rayguard::server {

struct TlsOptions {
  std::string cert_file;       // PEM: the serving certificate, then its chain
  std::string key_file;        // PEM private key
  // Optional: ask clients for a certificate signed by it. Without one, or
  // with one that does not verify, a client may only reach the probes.
  std::string client_ca_file;
  // Optional, with client_ca_file: the client certificate's subject common
  // name must be one of these (like the API server's
  // --requestheader-allowed-names).
  std::vector<std::string> client_allowed_names;
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
  // ones stay in use and the error (naming the file) is returned. A
  // certificate that has expired or is not yet valid is such a failure.
  Status Reload();

  // Whether the client of a finished handshake may use the protected
  // paths: always without a client CA; otherwise it presented a
  // certificate that verified against the client CA current at its
  // handshake, with an allowed common name if names are configured.
  bool ClientAuthorized(SSL* ssl) const;

  // Call before each new connection on `ctx` (from one thread): after a
  // reload, forgets every TLS session the server issued (the session cache
  // is flushed, ticket keys and the session context change), so no client
  // resumes past a rotated client CA.
  void RefreshSessions(SSL_CTX* ctx) const;

  // notAfter of the current certificate, as a Unix timestamp.
  std::int64_t expiry_unix() const;

  const TlsOptions& options() const { return options_; }

  struct KeyPair;

 private:
  explicit TlsConfig(TlsOptions options);
  static int SelectCertificate(SSL* ssl, void* arg);
  std::shared_ptr<const KeyPair> current() const;

  const TlsOptions options_;
  std::atomic<std::uint64_t> generation_{0};  // successful reloads
  mutable std::uint64_t applied_generation_ = 0;  // by RefreshSessions
  mutable std::mutex mu_;
  std::shared_ptr<const KeyPair> pair_;
};

}  // namespace rayguard::server

#endif  // RAYGUARD_SERVER_TLS_CONFIG_H_
