#include "tests/e2e/test_pki.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

namespace rayguard::testing {

void RunOrFail(const std::string& command) {
  int rc = std::system((command + " 2>/dev/null").c_str());
  ASSERT_EQ(rc, 0) << command;
}

TestPki::TestPki() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "rayguard-pki-XXXXXX").string();
  char* made = mkdtemp(pattern.data());
  EXPECT_NE(made, nullptr);
  dir_ = pattern;
}

TestPki::~TestPki() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void TestPki::MakeCa(const std::string& name) {
  RunOrFail("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1"
            " -nodes -days 2 -subj '/CN=" + name + "' -keyout " +
            Path(name + ".key") + " -out " + Path(name + ".crt"));
}

void TestPki::Issue(const std::string& ca, const std::string& name,
                    const std::string& extensions) {
  const std::string ext = Path(name + ".ext");
  RunOrFail("printf '" + extensions + "' > " + ext);
  RunOrFail("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
            "-nodes -subj '/CN=" + name + "' -keyout " + Path(name + ".key") +
            " -out " + Path(name + ".csr"));
  RunOrFail("openssl x509 -req -days 1 -in " + Path(name + ".csr") + " -CA " +
            Path(ca + ".crt") + " -CAkey " + Path(ca + ".key") +
            " -set_serial 0x$(openssl rand -hex 8) -extfile " + ext + " -out " +
            Path(name + ".crt"));
}

void TestPki::IssueServer(const std::string& ca, const std::string& name) {
  Issue(ca, name,
        "subjectAltName=IP:127.0.0.1,DNS:localhost\\n"
        "extendedKeyUsage=serverAuth\\n");
}

void TestPki::IssueClient(const std::string& ca, const std::string& name) {
  Issue(ca, name, "extendedKeyUsage=clientAuth\\n");
}

void TestPki::IssueServerValidBetween(const std::string& ca,
                                      const std::string& name,
                                      long from_seconds, long to_seconds) {
  auto read = [](const std::string& path, auto reader) {
    FILE* f = std::fopen(path.c_str(), "r");
    auto* value = f ? reader(f, nullptr, nullptr, nullptr) : nullptr;
    if (f) std::fclose(f);
    return value;
  };
  X509* ca_cert = read(Path(ca + ".crt"), PEM_read_X509);
  EVP_PKEY* ca_key = read(Path(ca + ".key"), PEM_read_PrivateKey);
  ASSERT_TRUE(ca_cert && ca_key) << "CA " << ca;
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 4242);
  X509_gmtime_adj(X509_getm_notBefore(cert), from_seconds);
  X509_gmtime_adj(X509_getm_notAfter(cert), to_seconds);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(name.c_str()),
                             -1, -1, 0);
  X509_set_issuer_name(cert, X509_get_subject_name(ca_cert));
  X509_set_pubkey(cert, key);
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, ca_cert, cert, nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair{NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost"},
                            std::pair{NID_ext_key_usage, "serverAuth"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }
  ASSERT_GT(X509_sign(cert, ca_key, EVP_sha256()), 0);
  FILE* out = std::fopen(Path(name + ".crt").c_str(), "w");
  PEM_write_X509(out, cert);
  std::fclose(out);
  out = std::fopen(Path(name + ".key").c_str(), "w");
  PEM_write_PrivateKey(out, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(out);
  X509_free(cert);
  EVP_PKEY_free(key);
  X509_free(ca_cert);
  EVP_PKEY_free(ca_key);
}

}  // namespace rayguard::testing
