#include "tests/e2e/test_pki.h"

#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

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

}  // namespace rayguard::testing
