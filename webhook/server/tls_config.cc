#include "webhook/server/tls_config.h"

#include <cstdio>
#include <ctime>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

namespace rayguard::server {

// Owns one certificate chain and its key.
struct TlsConfig::KeyPair {
  X509* leaf = nullptr;
  STACK_OF(X509)* chain = nullptr;
  EVP_PKEY* key = nullptr;
  std::int64_t not_after = 0;
  // With --client-ca: the CAs client certificates must chain to, and their
  // names for the CertificateRequest.
  X509_STORE* client_cas = nullptr;
  STACK_OF(X509_NAME)* client_ca_names = nullptr;

  ~KeyPair() {
    X509_free(leaf);
    sk_X509_pop_free(chain, X509_free);
    EVP_PKEY_free(key);
    X509_STORE_free(client_cas);
    sk_X509_NAME_pop_free(client_ca_names, X509_NAME_free);
  }
};

namespace {

// Mozilla's "intermediate" TLS 1.2 list: ECDHE key exchange and AEAD ciphers
// only. TLS 1.3 suites are OpenSSL's defaults, all of them modern.
constexpr char kTls12Ciphers[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

std::string OpenSslError() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "no PEM data found";
  char buf[256];
  ERR_error_string_n(code, buf, sizeof(buf));
  return buf;
}

struct FileCloser {
  void operator()(FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<FILE, FileCloser>;

Result<File> Open(const std::string& path) {
  File f(std::fopen(path.c_str(), "rb"));
  if (!f) return Status::InvalidArgument(path + ": cannot open");
  return f;
}

Status ReadChain(const std::string& path, TlsConfig::KeyPair* pair) {
  Result<File> f = Open(path);
  if (!f.ok()) return f.status();
  pair->leaf = PEM_read_X509(f->get(), nullptr, nullptr, nullptr);
  if (pair->leaf == nullptr) {
    return Status::InvalidArgument(path + ": no certificate: " +
                                   OpenSslError());
  }
  pair->chain = sk_X509_new_null();
  while (X509* extra = PEM_read_X509(f->get(), nullptr, nullptr, nullptr)) {
    sk_X509_push(pair->chain, extra);
  }
  ERR_clear_error();  // the loop ends on "no start line"
  return Status::Ok();
}

Status ReadKey(const std::string& path, TlsConfig::KeyPair* pair) {
  Result<File> f = Open(path);
  if (!f.ok()) return f.status();
  pair->key = PEM_read_PrivateKey(f->get(), nullptr, nullptr, nullptr);
  if (pair->key == nullptr) {
    // Never echo key material: the OpenSSL reason is enough.
    return Status::InvalidArgument(path + ": no private key: " +
                                   OpenSslError());
  }
  return Status::Ok();
}

Status ReadClientCas(const std::string& path, TlsConfig::KeyPair* pair) {
  pair->client_ca_names = SSL_load_client_CA_file(path.c_str());
  pair->client_cas = X509_STORE_new();
  if (pair->client_ca_names == nullptr ||
      X509_STORE_load_file(pair->client_cas, path.c_str()) != 1) {
    ERR_clear_error();
    return Status::InvalidArgument(path + ": no CA certificate");
  }
  return Status::Ok();
}

std::int64_t NotAfter(const X509* cert) {
  struct tm tm {};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) != 1) return 0;
  return static_cast<std::int64_t>(timegm(&tm));
}

std::string Iso8601(const ASN1_TIME* t) {
  struct tm tm {};
  if (ASN1_TIME_to_tm(t, &tm) != 1) return "(unreadable)";
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// A certificate outside its validity period would be refused by every
// client; loading it would only turn a clear error into failed handshakes.
Status CheckValidity(const std::string& path, const X509* cert) {
  const ASN1_TIME* not_after = X509_get0_notAfter(cert);
  const ASN1_TIME* not_before = X509_get0_notBefore(cert);
  if (X509_cmp_current_time(not_after) <= 0) {
    return Status::InvalidArgument(path + ": certificate expired (notAfter " +
                                   Iso8601(not_after) + ")");
  }
  if (X509_cmp_current_time(not_before) >= 0) {
    return Status::InvalidArgument(
        path + ": certificate not valid yet (notBefore " +
        Iso8601(not_before) + ", notAfter " + Iso8601(not_after) + ")");
  }
  return Status::Ok();
}

// Keeps going whatever the chain: the verdict is read afterwards
// (ClientAuthorized), so a client without a valid certificate can still
// complete the handshake and reach the probes.
int KeepVerifying(int, X509_STORE_CTX*) { return 1; }

Result<std::shared_ptr<const TlsConfig::KeyPair>> LoadPair(
    const TlsOptions& options) {
  auto pair = std::make_shared<TlsConfig::KeyPair>();
  if (Status s = ReadChain(options.cert_file, pair.get()); !s.ok()) return s;
  if (Status s = ReadKey(options.key_file, pair.get()); !s.ok()) return s;
  if (X509_check_private_key(pair->leaf, pair->key) != 1) {
    ERR_clear_error();
    return Status::InvalidArgument(options.key_file +
                                   ": key does not match certificate " +
                                   options.cert_file);
  }
  if (Status s = CheckValidity(options.cert_file, pair->leaf); !s.ok()) {
    return s;
  }
  pair->not_after = NotAfter(pair->leaf);
  if (!options.client_ca_file.empty()) {
    if (Status s = ReadClientCas(options.client_ca_file, pair.get()); !s.ok()) {
      return s;
    }
  }
  return std::shared_ptr<const TlsConfig::KeyPair>(std::move(pair));
}

}  // namespace

TlsConfig::TlsConfig(TlsOptions options) : options_(std::move(options)) {}
TlsConfig::~TlsConfig() = default;

Result<std::unique_ptr<TlsConfig>> TlsConfig::Load(const TlsOptions& options) {
  std::unique_ptr<TlsConfig> config(new TlsConfig(options));
  if (Status s = config->Reload(); !s.ok()) return s;
  return config;
}

Status TlsConfig::Reload() {
  Result<std::shared_ptr<const KeyPair>> pair = LoadPair(options_);
  if (!pair.ok()) return pair.status();
  {
    std::lock_guard<std::mutex> lock(mu_);
    pair_ = std::move(*pair);
  }
  generation_.fetch_add(1);
  return Status::Ok();
}

bool TlsConfig::ClientAuthorized(SSL* ssl) const {
  if (options_.client_ca_file.empty()) return true;
  X509* peer = SSL_get0_peer_certificate(ssl);
  if (peer == nullptr || SSL_get_verify_result(ssl) != X509_V_OK) return false;
  if (options_.client_allowed_names.empty()) return true;
  // The subject's common name as Go's crypto/x509 (and so the API server)
  // reads it: the last CN attribute.
  const X509_NAME* subject = X509_get_subject_name(peer);
  int index = -1;
  int last = -1;
  while ((index = X509_NAME_get_index_by_NID(subject, NID_commonName,
                                             index)) >= 0) {
    last = index;
  }
  if (last < 0) return false;
  const ASN1_STRING* cn =
      X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, last));
  const std::string name(reinterpret_cast<const char*>(ASN1_STRING_get0_data(cn)),
                         static_cast<std::size_t>(ASN1_STRING_length(cn)));
  for (const std::string& allowed : options_.client_allowed_names) {
    if (name == allowed) return true;
  }
  return false;
}

void TlsConfig::RefreshSessions(SSL_CTX* ctx) const {
  const std::uint64_t generation = generation_.load();
  if (generation == applied_generation_) return;
  applied_generation_ = generation;
  SSL_CTX_flush_sessions(ctx, 0);  // 0: every session, expired or not
  unsigned char keys[80];
  if (RAND_bytes(keys, sizeof(keys)) == 1) {
    SSL_CTX_set_tlsext_ticket_keys(ctx, keys, sizeof(keys));
  }
  // A session from another context is never resumed, whatever its origin.
  const std::string context = "rayguard/" + std::to_string(generation);
  SSL_CTX_set_session_id_context(
      ctx, reinterpret_cast<const unsigned char*>(context.data()),
      static_cast<unsigned int>(context.size()));
}

std::shared_ptr<const TlsConfig::KeyPair> TlsConfig::current() const {
  std::lock_guard<std::mutex> lock(mu_);
  return pair_;
}

std::int64_t TlsConfig::expiry_unix() const { return current()->not_after; }

// Runs once per handshake, before OpenSSL picks the certificate and before
// it asks for the client's: hand this connection the pair (and client CAs)
// current now. OpenSSL takes its own references, so a later Reload() can
// drop the old ones safely.
int TlsConfig::SelectCertificate(SSL* ssl, void* arg) {
  auto* self = static_cast<const TlsConfig*>(arg);
  std::shared_ptr<const KeyPair> pair = self->current();
  if (SSL_use_cert_and_key(ssl, pair->leaf, pair->key, pair->chain, 1) != 1) {
    return 0;
  }
  if (pair->client_cas == nullptr) return 1;
  SSL_set_client_CA_list(ssl, SSL_dup_CA_list(pair->client_ca_names));
  return SSL_set1_verify_cert_store(ssl, pair->client_cas) == 1 ? 1 : 0;
}

bool TlsConfig::ConfigureContext(SSL_CTX* ctx) const {
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1) return false;
  if (SSL_CTX_set_cipher_list(ctx, kTls12Ciphers) != 1) return false;
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                               SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION);
  SSL_CTX_set_cert_cb(ctx, &TlsConfig::SelectCertificate,
                      const_cast<TlsConfig*>(this));
  // Session resumption with client certificates needs a context id; it
  // changes with every reload (RefreshSessions).
  const std::string context = "rayguard/" + std::to_string(generation_.load());
  applied_generation_ = generation_.load();
  SSL_CTX_set_session_id_context(
      ctx, reinterpret_cast<const unsigned char*>(context.data()),
      static_cast<unsigned int>(context.size()));
  if (options_.client_ca_file.empty()) return true;
  // The CAs themselves are set per handshake (SelectCertificate), so a
  // rotated --client-ca applies to new connections like the serving pair.
  // Asked for, not required: kubelet probes present none. Paths that need
  // one check ClientAuthorized.
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, &KeepVerifying);
  return true;
}

}  // namespace rayguard::server
