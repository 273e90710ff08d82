#include "webhook/server/http_framing.h"

#include <gtest/gtest.h>

namespace rayguard::server {
namespace {

struct FramingCase {
  const char* name;
  std::string method;
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  int status;
  std::string message;
};

class FramingTest : public ::testing::TestWithParam<FramingCase> {};

TEST_P(FramingTest, ChecksTheBodyBoundaryHeaders) {
  const FramingCase& c = GetParam();
  FramingError e = CheckFraming(c.method, c.headers);
  EXPECT_EQ(e.status, c.status);
  EXPECT_EQ(e.message, c.message);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, FramingTest,
    ::testing::Values(
        FramingCase{"ContentLength", "POST", {{"Content-Length", "12"}}, 0, ""},
        FramingCase{"Chunked", "POST", {{"transfer-encoding", " Chunked "}}, 0,
                    ""},
        FramingCase{"GetWithoutBody", "GET", {{"Host", "x"}}, 0, ""},
        FramingCase{"BothSet", "POST",
                    {{"Content-Length", "4"}, {"Transfer-Encoding", "chunked"}},
                    400, "both Content-Length and Transfer-Encoding are set"},
        FramingCase{"TwoLengths", "POST",
                    {{"Content-Length", "2"}, {"Content-Length", "2"}}, 400,
                    "more than one Content-Length header"},
        FramingCase{"LengthList", "POST", {{"Content-Length", "2, 2"}}, 400,
                    "Content-Length is not a decimal number"},
        FramingCase{"SignedLength", "POST", {{"Content-Length", "+2"}}, 400,
                    "Content-Length is not a decimal number"},
        FramingCase{"NegativeLength", "POST", {{"Content-Length", "-1"}}, 400,
                    "Content-Length is not a decimal number"},
        FramingCase{"HugeLength", "POST",
                    {{"Content-Length", "99999999999999999999"}}, 400,
                    "Content-Length is not a decimal number"},
        FramingCase{"TwoCodings", "POST",
                    {{"Transfer-Encoding", "chunked"},
                     {"Transfer-Encoding", "chunked"}},
                    400, "more than one Transfer-Encoding header"},
        FramingCase{"CodingList", "POST",
                    {{"Transfer-Encoding", "gzip, chunked"}}, 400,
                    "Transfer-Encoding must be chunked"},
        FramingCase{"SpaceInName", "POST",
                    {{"Transfer-Encoding ", "chunked"}, {"Content-Length", "2"}},
                    400, "malformed header name"},
        FramingCase{"PostWithoutLength", "POST", {{"Host", "x"}}, 411,
                    "Content-Length is required"},
        FramingCase{"Gzip", "POST",
                    {{"Content-Length", "2"}, {"Content-Encoding", "gzip"}},
                    415,
                    "Content-Encoding gzip is not supported; send the body "
                    "uncompressed"},
        FramingCase{"Identity", "POST",
                    {{"Content-Length", "2"}, {"content-encoding", "Identity"}},
                    0, ""}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace rayguard::server
