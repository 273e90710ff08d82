// Hostile input against the real `rayguard serve` over real HTTPS: bodies
// built to exhaust the decoder, ambiguous HTTP framing (request smuggling),
// slow and idle clients, and a policy whose cost explodes. Every case must
// get a clear answer (or a closed connection), never a crash or a hang, and
// the server must keep answering everyone else.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/e2e/serve_process.h"
#include "tests/e2e/test_pki.h"
#include "tests/e2e/tls_client.h"
#include "tests/testing/fixtures.h"

namespace rayguard::testing {
namespace {

using ::testing::HasSubstr;
using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

// A review of the KubeRay sample whose object gets `edit`ed; `raw` then
// replaces the string "@@" in the encoded body (for text JSON cannot hold).
std::string Review(const std::function<void(json&)>& edit,
                   const std::string& raw = "") {
  json review =
      json::parse(ReadFile(FixturePath("admission/raycluster_create_v1.json")));
  edit(review["request"]["object"]);
  std::string body = review.dump();
  if (!raw.empty()) body.replace(body.find("\"@@\""), 4, raw);
  return body;
}

json ResponseOf(const HttpResponse& r) {
  return json::parse(r.body, nullptr, false)["response"];
}

class HostileServeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_ = new TestPki();
    pki_->MakeCa("ca");
    pki_->IssueServer("ca", "server");
    // A short request deadline keeps the slow-client cases quick.
    server_ = new ServeProcess(
        {"--tls-cert", pki_->Path("server.crt"), "--tls-key",
         pki_->Path("server.key"), "--schemas", SourcePath("schemas"),
         "--policies", FixturePath("hostile"), "--request-timeout", "2"});
    ASSERT_TRUE(server_->WaitUntilListening()) << server_->Log();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete pki_;
  }
  void TearDown() override {
    // Whatever a case sent, the server still answers a normal review.
    TlsConnection c = Connect();
    ASSERT_TRUE(c.ok()) << c.error();
    HttpResponse r = c.Request("POST", "/validate", Review([](json&) {}));
    EXPECT_EQ(r.status, 200) << server_->Log().substr(0, 4000);
  }

  static TlsConnection Connect() {
    return TlsConnection({server_->port(), pki_->Path("ca.crt"), "", ""});
  }
  static HttpResponse Post(const std::string& body) {
    TlsConnection c = Connect();
    return c.Request("POST", "/validate", body);
  }

  static TestPki* pki_;
  static ServeProcess* server_;
};

TestPki* HostileServeTest::pki_ = nullptr;
ServeProcess* HostileServeTest::server_ = nullptr;

TEST_F(HostileServeTest, JsonNested100000DeepIsRefusedAndTheConnectionClosed) {
  TlsConnection c = Connect();
  HttpResponse r = c.Request(
      "POST", "/validate",
      Review([](json& o) { o["spec"]["deep"] = "@@"; },
             std::string(100000, '[') + std::string(100000, ']')));
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("nested deeper than 10000 levels"));
  EXPECT_EQ(r.headers["connection"], "close");
  EXPECT_TRUE(c.WaitForClose(seconds(5)));
}

TEST_F(HostileServeTest, NestingJustInsideTheLimitIsJudged) {
  HttpResponse r = Post(Review([](json& o) { o["spec"]["deep"] = "@@"; },
                               std::string(9990, '[') + std::string(9990, ']')));
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 300);
  EXPECT_THAT(ResponseOf(r)["warnings"][0].get<std::string>(),
              HasSubstr("spec.deep: unknown field"));
}

TEST_F(HostileServeTest, BodyOverThreeMebibytesIsRefusedUnread) {
  TlsConnection c = Connect();
  HttpResponse r = c.Request("POST", "/validate", Review([](json& o) {
    o["metadata"]["annotations"]["big"] = std::string(3 << 20, 'a');
  }));
  EXPECT_EQ(r.status, 413);
  EXPECT_THAT(r.body, HasSubstr("request body exceeds 3145728 bytes"));
  EXPECT_TRUE(c.WaitForClose(seconds(5)));
}

TEST_F(HostileServeTest, NearlyThreeMebibyteNameIsDeniedWithoutEchoingIt) {
  std::string body = Review([](json& o) {
    o["metadata"]["name"] = std::string((3 << 20) - 8000, 'a');
  });
  const std::string uid = "705ab4f5-6393-11e8-b7cc-42010a800002";
  body.replace(body.find(uid), uid.size(), "long-name-review");
  HttpResponse r = Post(body);
  ASSERT_EQ(r.status, 200);
  EXPECT_LT(r.body.size(), 4096u);  // the value is shown cut short
  json response = ResponseOf(r);
  EXPECT_EQ(response["allowed"], false);
  EXPECT_THAT(response["status"]["message"].get<std::string>(),
              HasSubstr("must be no more than 53 characters"));
  // The log line shows at most a Kubernetes-sized name.
  EXPECT_TRUE(server_->WaitForLog("\"uid\":\"long-name-review\""));
  EXPECT_THAT(server_->Log(), Not(HasSubstr(std::string(300, 'a'))));
}

// A megabyte uid, namespace and kind once made a 2 MB log line per
// request: every identifier in the review log line is cut at 253
// characters, the longest a Kubernetes name may be.
TEST_F(HostileServeTest, ReviewLogFieldsAreCappedAt253Characters) {
  json review =
      json::parse(ReadFile(FixturePath("admission/raycluster_create_v1.json")));
  review["request"]["uid"] = std::string(700 << 10, 'u');
  review["request"]["namespace"] = std::string(700 << 10, 'n');
  review["request"]["name"] = std::string(700 << 10, 'm');
  review["request"]["kind"]["kind"] = std::string(700 << 10, 'k');
  HttpResponse r = Post(review.dump());
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 300);
  const std::string log = server_->Log();
  for (char c : {'u', 'n', 'm', 'k'}) {
    EXPECT_THAT(log, HasSubstr(std::string(253, c))) << c;
    EXPECT_THAT(log, Not(HasSubstr(std::string(254, c)))) << c;
  }
}

TEST_F(HostileServeTest, MillionElementArrayIsJudged) {
  std::string million = "[0";
  for (int i = 1; i < 1000000; ++i) million += ",0";
  million += "]";
  HttpResponse r =
      Post(Review([](json& o) { o["spec"]["deep"] = "@@"; }, million));
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 300);
  EXPECT_EQ(ResponseOf(r)["allowed"], true);  // an unknown field: a warning
}

// 100,000 empty worker groups (400 KB) would be 400,000 findings; the
// review stops at the limit, denies, and says the rest was not checked.
// (300,000 took close to the 10 s client timeout under ASan on 2 cores.)
TEST_F(HostileServeTest, HugeNumberOfBadWorkerGroupsIsDeniedAtTheFindingLimit) {
  std::string groups = "[{}";
  for (int i = 1; i < 100000; ++i) groups += ",{}";
  groups += "]";
  HttpResponse r = Post(
      Review([](json& o) { o["spec"]["workerGroupSpecs"] = "@@"; }, groups));
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 300);
  json response = ResponseOf(r);
  EXPECT_EQ(response["allowed"], false);
  EXPECT_THAT(response["status"]["message"].get<std::string>(),
              HasSubstr("and 900 more errors not listed, Too many errors: the "
                        "first 1000 are shown and the rest of the object was "
                        "not checked]"));
}

TEST_F(HostileServeTest, InvalidUtf8IsRefused) {
  HttpResponse r = Post(Review([](json& o) { o["metadata"]["name"] = "@@"; },
                               "\"ray\xff\xfe\""));
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("ill-formed UTF-8"));
  EXPECT_TRUE(json::parse(r.body, nullptr, false).is_object());  // valid JSON
}

TEST_F(HostileServeTest, NumberBeyondADoubleIsRefused) {
  HttpResponse r = Post(Review(
      [](json& o) { o["spec"]["workerGroupSpecs"][0]["replicas"] = "@@"; },
      "1e400"));
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("number overflow parsing '1e400'"));
}

TEST_F(HostileServeTest, IntegerBeyondInt64IsDeniedAsNotAnInteger) {
  HttpResponse r = Post(Review(
      [](json& o) { o["spec"]["workerGroupSpecs"][0]["replicas"] = "@@"; },
      "99999999999999999999"));
  ASSERT_EQ(r.status, 200);
  EXPECT_THAT(ResponseOf(r)["status"]["message"].get<std::string>(),
              HasSubstr("spec.workerGroupSpecs[0].replicas: Invalid value: "
                        "1e+20: must be a 64-bit integer"));
}

// Strict decoding, as the API server's: which of two values counts would be
// a guess, and a proxy may guess the other way.
TEST_F(HostileServeTest, DuplicateKeysAreRefused) {
  HttpResponse r = Post(Review(
      [](json& o) { o["spec"]["workerGroupSpecs"][0]["replicas"] = "@@"; },
      "1, \"replicas\": 500"));
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body,
              HasSubstr("duplicate field \\\"request.object.spec."
                        "workerGroupSpecs[0].replicas\\\""));
}

TEST_F(HostileServeTest, ExponentialPolicyHitsTheCostLimitAndFailsClosed) {
  auto labelled = [](const char* mode) {
    return Review([mode](json& o) {
      for (int i = 0; i < 40; ++i) {
        o["metadata"]["labels"]["l" + std::to_string(i)] = "v";
      }
      o["metadata"]["annotations"]["hostile.rayguard.io/cost"] = mode;
    });
  };
  HttpResponse fail = Post(labelled("fail"));
  ASSERT_EQ(fail.status, 200);
  EXPECT_EQ(ResponseOf(fail)["allowed"], false);
  EXPECT_THAT(ResponseOf(fail)["status"]["message"].get<std::string>(),
              HasSubstr("cost limit exceeded"));
  HttpResponse ignore = Post(labelled("ignore"));
  ASSERT_EQ(ignore.status, 200);
  EXPECT_EQ(ResponseOf(ignore)["allowed"], true);  // failurePolicy: Ignore
}

// Request smuggling shapes: each gets a 4xx and a closed connection, and
// the GET hidden behind it is never answered.
struct Smuggle {
  const char* name;
  std::string head;  // framing headers and body after Content-Type
  int status;
  const char* says;
};

class SmugglingTest : public HostileServeTest,
                      public ::testing::WithParamInterface<Smuggle> {};

TEST_P(SmugglingTest, IsRefusedAndTheConnectionClosed) {
  const Smuggle& s = GetParam();
  TlsConnection c = Connect();
  ASSERT_TRUE(c.Send("POST /validate HTTP/1.1\r\nHost: x\r\n"
                     "Content-Type: application/json\r\n" + s.head +
                     "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  HttpResponse r = c.Read();
  EXPECT_EQ(r.status, s.status) << r.body;
  EXPECT_THAT(r.body, HasSubstr(s.says));
  EXPECT_EQ(r.headers["connection"], "close");
  EXPECT_TRUE(c.WaitForClose(seconds(5))) << "a second response came";
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, SmugglingTest,
    ::testing::Values(
        Smuggle{"LengthAndChunked",
                "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                "0\r\n\r\n",
                400, "both Content-Length and Transfer-Encoding"},
        Smuggle{"ChunkedAndLength",
                "Transfer-Encoding: chunked\r\nContent-Length: 40\r\n\r\n"
                "0\r\n\r\n",
                400, "both Content-Length and Transfer-Encoding"},
        Smuggle{"TwoLengths",
                "Content-Length: 2\r\nContent-Length: 40\r\n\r\n{}", 400,
                "more than one Content-Length"},
        Smuggle{"LengthList", "Content-Length: 2, 2\r\n\r\n{}", 400,
                "not a decimal number"},
        Smuggle{"NegativeLength", "Content-Length: -1\r\n\r\n{}", 400,
                "not a decimal number"},
        Smuggle{"ObfuscatedCoding",
                "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n", 400,
                "must be chunked"},
        Smuggle{"SpaceBeforeColon",
                "Transfer-Encoding : chunked\r\nContent-Length: 2\r\n\r\n{}",
                400, "malformed header name"},
        Smuggle{"TwoCodings",
                "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n"
                "\r\n0\r\n\r\n",
                400, "more than one Transfer-Encoding"},
        Smuggle{"ChunkSizeNotHex",
                "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", 400,
                "bad request"},
        Smuggle{"ChunkSizeOverflows",
                "Transfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\n{}"
                "\r\n0\r\n\r\n",
                400, "bad request"},
        Smuggle{"NoLength", "\r\n{}", 411, "Content-Length is required"}),
    [](const auto& info) { return std::string(info.param.name); });

// cpp-httplib's timeouts are per read: without a whole-request deadline a
// client sending a byte a second would hold a worker for ever.
TEST_F(HostileServeTest, TricklingClientIsCutOffAtTheRequestDeadline) {
  TlsConnection c = Connect();
  const std::string request =
      TlsConnection::Format("POST", "/validate", std::string(200, ' '),
                            "application/json");
  const auto start = std::chrono::steady_clock::now();
  bool cut = false;
  for (char byte : request) {
    if (!c.Send(std::string(1, byte)) || c.WaitForClose(milliseconds(500))) {
      cut = true;
      break;
    }
  }
  EXPECT_TRUE(cut);
  // --request-timeout 2, well before the 10 s per-read timeout could act.
  EXPECT_LT(std::chrono::steady_clock::now() - start, seconds(9));
}

TEST_F(HostileServeTest, BodyThatStopsHalfwayIsDropped) {
  TlsConnection c = Connect();
  const std::string body = Review([](json&) {});
  ASSERT_TRUE(c.Send(TlsConnection::Format("POST", "/validate", body,
                                           "application/json")
                         .substr(0, 200 + body.size() / 2)));
  EXPECT_TRUE(c.WaitForClose(seconds(8)));
}

int ConnectTcp(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// 1,000 idle sockets against 64 workers: 900 that never start TLS and 100
// that finish the handshake and then say nothing. The next client must
// still be answered, which needs the server to close idle connections when
// others wait for a worker.
TEST_F(HostileServeTest, ThousandIdleConnectionsDoNotStarveOthers) {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = std::max<rlim_t>(limit.rlim_cur,
                                    std::min<rlim_t>(limit.rlim_max, 4096));
  setrlimit(RLIMIT_NOFILE, &limit);
  ASSERT_GE(limit.rlim_cur, 1100u) << "raise the open-file limit";

  std::vector<int> silent;
  for (int i = 0; i < 900; ++i) {
    int fd = ConnectTcp(server_->port());
    ASSERT_GE(fd, 0) << "connection " << i;
    silent.push_back(fd);
  }
  std::vector<std::unique_ptr<TlsConnection>> idle;
  for (int i = 0; i < 100; ++i) {
    idle.push_back(std::make_unique<TlsConnection>(TlsConnection::Options{
        server_->port(), pki_->Path("ca.crt"), "", ""}));
  }
  TlsConnection c = Connect();
  ASSERT_TRUE(c.ok()) << c.error();
  HttpResponse r = c.Request("POST", "/validate", Review([](json&) {}));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(ResponseOf(r)["allowed"], true);
  for (int fd : silent) close(fd);
}

}  // namespace
}  // namespace rayguard::testing
