#include "webhook/server/request_reader.h"

#include <string>

#include <gtest/gtest.h>

namespace rayguard::server {
namespace {

using Result = RequestReader::Result;

constexpr ReaderLimits kLimits{.max_head_bytes = 1024, .max_body_bytes = 100};

// Feeds `bytes` one at a time (the worst split a network can make) and
// returns the first result that is not kNeedMore.
Result FeedBytewise(RequestReader& reader, const std::string& bytes,
                    std::size_t* fed = nullptr) {
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    std::size_t used = 0;
    Result r = reader.Feed(std::string_view(bytes).substr(i, 1), &used);
    if (r != Result::kNeedMore) {
      if (fed != nullptr) *fed = i + used;
      return r;
    }
  }
  return Result::kNeedMore;
}

TEST(RequestReaderTest, ReadsALengthFramedRequestSplitAnywhere) {
  ByteBudget budget(1000);
  RequestReader reader(kLimits, &budget);
  ASSERT_EQ(FeedBytewise(reader,
                         "POST /validate?timeout=10s HTTP/1.1\r\nHost: x\r\n"
                         "Content-Type: application/json\r\n"
                         "Content-Length: 2\r\n\r\n{}"),
            Result::kComplete);
  EXPECT_EQ(reader.request().method, "POST");
  EXPECT_EQ(reader.request().path, "/validate");
  EXPECT_EQ(reader.request().Header("content-type"), "application/json");
  EXPECT_EQ(reader.request().body, "{}");
  EXPECT_TRUE(reader.request().keep_alive);
  EXPECT_EQ(budget.in_use(), 2u);
  reader.Reset();
  EXPECT_EQ(budget.in_use(), 0u);
}

TEST(RequestReaderTest, LeavesThePipelinedNextRequestUnconsumed) {
  ByteBudget budget(1000);
  RequestReader reader(kLimits, &budget);
  const std::string two =
      "GET /healthz HTTP/1.1\r\n\r\nGET /readyz HTTP/1.1\r\n\r\n";
  std::size_t used = 0;
  ASSERT_EQ(reader.Feed(two, &used), Result::kComplete);
  EXPECT_EQ(two.substr(used), "GET /readyz HTTP/1.1\r\n\r\n");
}

TEST(RequestReaderTest, DecodesChunksAndTrailers) {
  ByteBudget budget(1000);
  RequestReader reader(kLimits, &budget);
  ASSERT_EQ(FeedBytewise(reader,
                         "POST /validate HTTP/1.1\r\nTransfer-Encoding: "
                         "chunked\r\n\r\n3;ext=1\r\n{\"a\r\n9\r\n\":123456}\r\n"
                         "0\r\nX-Trailer: y\r\n\r\n"),
            Result::kComplete);
  EXPECT_EQ(reader.request().body, "{\"a\":123456}");
}

TEST(RequestReaderTest, CutsAChunkedBodyAsSoonAsItPassesTheLimit) {
  ByteBudget budget(1000);
  RequestReader reader(kLimits, &budget);
  std::string request =
      "POST /validate HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::string chunk = "32\r\n" + std::string(50, 'a') + "\r\n";
  request += chunk + chunk;  // exactly the limit
  const std::size_t at_limit = request.size();
  request += "1\r\n";  // one byte more, announced
  std::size_t fed = 0;
  ASSERT_EQ(FeedBytewise(reader, request + std::string(1000, 'b'), &fed),
            Result::kError);
  EXPECT_EQ(reader.error().status, 413);
  EXPECT_LE(fed, at_limit + 3);  // nothing past the chunk size was read
  EXPECT_LE(budget.in_use(), 100u);
}

TEST(RequestReaderTest, RefusesHeadersPastTheCapWith431) {
  ByteBudget budget(1000);
  RequestReader reader(kLimits, &budget);
  std::string request = "GET /healthz HTTP/1.1\r\n";
  while (request.size() < 4000) request += "X-Filler: aaaaaaaaaaaaaaaa\r\n";
  std::size_t fed = 0;
  ASSERT_EQ(FeedBytewise(reader, request, &fed), Result::kError);
  EXPECT_EQ(reader.error().status, 431);
  EXPECT_LE(fed, 1025u);
}

TEST(RequestReaderTest, RefusesContentEncodingBeforeTheBody) {
  ByteBudget budget(1000);
  RequestReader reader(kLimits, &budget);
  std::size_t used = 0;
  const std::string request =
      "POST /validate HTTP/1.1\r\nContent-Encoding: gzip\r\n"
      "Content-Length: 5\r\n\r\n";
  ASSERT_EQ(reader.Feed(request + "abcde", &used), Result::kError);
  EXPECT_EQ(reader.error().status, 415);
  EXPECT_EQ(used, request.size());
  EXPECT_EQ(budget.in_use(), 0u);
}

TEST(RequestReaderTest, RefusesBareLineFeeds) {
  ByteBudget budget(1000);
  RequestReader reader(kLimits, &budget);
  EXPECT_EQ(FeedBytewise(reader, "GET / HTTP/1.1\nHost: x\r\n\r\n"),
            Result::kError);
  EXPECT_EQ(reader.error().status, 400);
}

TEST(RequestReaderTest, WaitsForBudgetAndResumesWhereItStopped) {
  ByteBudget budget(60);
  ASSERT_TRUE(budget.TryReserve(50));  // someone else's request
  RequestReader reader(kLimits, &budget);
  const std::string request =
      "POST /validate HTTP/1.1\r\nContent-Length: 20\r\n\r\n" +
      std::string(20, 'x');
  std::size_t used = 0;
  ASSERT_EQ(reader.Feed(request, &used), Result::kNeedBudget);
  EXPECT_EQ(request.size() - used, 20u);  // the body is left unread
  budget.Release(50);
  std::size_t rest = 0;
  ASSERT_EQ(reader.Feed(std::string_view(request).substr(used), &rest),
            Result::kComplete);
  EXPECT_EQ(reader.request().body, std::string(20, 'x'));
}

TEST(RequestReaderTest, OneRequestAlwaysFitsAnEmptyBudget) {
  ByteBudget budget(10);
  RequestReader reader(kLimits, &budget);
  std::size_t used = 0;
  EXPECT_EQ(reader.Feed("POST / HTTP/1.1\r\nContent-Length: 50\r\n\r\n" +
                            std::string(50, 'x'),
                        &used),
            Result::kComplete);
}

}  // namespace
}  // namespace rayguard::server
