#ifndef RAYGUARD_TESTS_E2E_TEST_PKI_H_
#define RAYGUARD_TESTS_E2E_TEST_PKI_H_

#include <string>

namespace rayguard::testing {

// A throw-away directory of EC P-256 keys and certificates made with the
// openssl command line, as an operator (or cert-manager) would.
class TestPki {
 public:
  TestPki();   // creates a fresh temporary directory
  ~TestPki();  // removes it

  const std::string& dir() const { return dir_; }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  // <name>.crt / <name>.key: a self-signed CA.
  void MakeCa(const std::string& name);
  // <name>.crt / <name>.key signed by `ca`, for 127.0.0.1 and localhost,
  // with extendedKeyUsage serverAuth or clientAuth.
  void IssueServer(const std::string& ca, const std::string& name);
  void IssueClient(const std::string& ca, const std::string& name);
  // A server pair valid from now + `from` to now + `to` (negative: in the
  // past), which the openssl command line cannot date back.
  void IssueServerValidBetween(const std::string& ca, const std::string& name,
                               long from_seconds, long to_seconds);

 private:
  void Issue(const std::string& ca, const std::string& name,
             const std::string& extensions);
  std::string dir_;
};

// Runs a shell command; fails the current test if it does not exit 0.
void RunOrFail(const std::string& command);

}  // namespace rayguard::testing

#endif  // RAYGUARD_TESTS_E2E_TEST_PKI_H_
