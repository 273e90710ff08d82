#include "webhook/server/event_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rayguard::server {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

// Points stderr (where the log goes) at `fd` for the life of the object.
class StderrTo {
 public:
  explicit StderrTo(int fd) : saved_(dup(STDERR_FILENO)) {
    dup2(fd, STDERR_FILENO);
  }
  ~StderrTo() {
    dup2(saved_, STDERR_FILENO);
    close(saved_);
  }

 private:
  int saved_;
};

std::string ReadAll(int fd) {
  std::string out;
  char buf[65536];
  lseek(fd, 0, SEEK_SET);
  for (ssize_t n; (n = read(fd, buf, sizeof(buf))) > 0;) out.append(buf, n);
  return out;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

int TempFile() {
  char path[] = "/tmp/event_log_test_XXXXXX";
  const int fd = mkstemp(path);
  unlink(path);
  return fd;
}

TEST(EventLogTest, LinesFromManyThreadsArriveWholeAndInOrderPerThread) {
  const int fd = TempFile();
  const std::uint64_t dropped_before = DroppedLogLines();
  {
    StderrTo redirect(fd);
    ConfigureLogging(LogFormat::kJson);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([t] {
        for (int i = 0; i < 500; ++i) {
          LogEvent(spdlog::level::info, "review",
                   {{"thread", t}, {"i", i}, {"name", "a \"quoted\" name"}});
        }
      });
    }
    for (std::thread& t : threads) t.join();
    FlushLog();
  }
  const std::vector<std::string> lines = Lines(ReadAll(fd));
  close(fd);
  ASSERT_EQ(lines.size(), 2000u);
  std::vector<int> next(4, 0);
  for (const std::string& line : lines) {
    const auto event = nlohmann::json::parse(line);  // whole lines only
    EXPECT_EQ(event["level"], "info");
    EXPECT_EQ(event["msg"], "review");
    EXPECT_EQ(event["name"], "a \"quoted\" name");
    EXPECT_EQ(event["i"], next[event["thread"].get<int>()]++);
  }
  EXPECT_EQ(DroppedLogLines(), dropped_before);
}

TEST(EventLogTest, TextLinesKeepTheirFormat) {
  const int fd = TempFile();
  {
    StderrTo redirect(fd);
    ConfigureLogging(LogFormat::kText);
    LogEvent(spdlog::level::info, "review",
             {{"uid", "u-1"}, {"name", "two words"}, {"rules", {"a", "b"}},
              {"dryRun", false}});
    FlushLog();
  }
  const std::string text = ReadAll(fd);
  close(fd);
  EXPECT_THAT(text, MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]{15}Z info "
                                 "review uid=u-1 name=\"two words\" "
                                 "rules=a,b dryRun=false\n"));
}

TEST(EventLogTest, AnErrorIsWrittenBeforeLogEventReturns) {
  const int fd = TempFile();
  {
    StderrTo redirect(fd);
    ConfigureLogging(LogFormat::kJson);
    LogEvent(spdlog::level::info, "first");
    LogEvent(spdlog::level::err, "second", {{"error", "bad"}});
    // No flush: the error and everything before it are already there.
    const std::vector<std::string> lines = Lines(ReadAll(fd));
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_THAT(lines[0], HasSubstr(R"("level":"info","msg":"first")"));
    EXPECT_THAT(lines[1],
                HasSubstr(R"("level":"error","msg":"second","error":"bad")"));
  }
  close(fd);
}

// A stalled stderr (a full pipe nobody reads) must never block a review:
// info lines beyond the queue are dropped and counted, and the writer says
// how many once it can write again.
TEST(EventLogTest, AStalledStderrDropsAndCountsInsteadOfBlocking) {
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  fcntl(pipe_fds[0], F_SETFL, O_NONBLOCK);
  std::string text;
  const std::uint64_t dropped_before = DroppedLogLines();
  {
    StderrTo redirect(pipe_fds[1]);
    ConfigureLogging(LogFormat::kJson);
    // Far more than the pipe (64 KiB) and the queue (8192 lines) hold.
    const std::string padding(200, 'x');
    for (int i = 0; i < 30000; ++i) {
      LogEvent(spdlog::level::info, "review", {{"i", i}, {"pad", padding}});
    }
    EXPECT_GT(DroppedLogLines(), dropped_before);
    // Drain the pipe until the writer reports the drops.
    char buf[65536];
    for (int spins = 0; spins < 20000; ++spins) {
      const ssize_t n = read(pipe_fds[0], buf, sizeof(buf));
      if (n > 0) {
        text.append(buf, n);
        if (text.find("log lines dropped") != std::string::npos) break;
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    }
    // Replacing the logger joins its writer once the queue is written:
    // keep reading until it is.
    std::atomic<bool> replaced{false};
    std::thread replace([&replaced] {
      ConfigureLogging(LogFormat::kJson);
      replaced = true;
    });
    while (!replaced) {
      if (read(pipe_fds[0], buf, sizeof(buf)) <= 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    }
    replace.join();
  }
  close(pipe_fds[1]);
  close(pipe_fds[0]);
  EXPECT_THAT(text, HasSubstr(R"("level":"warning","msg":"log lines dropped)"));
}

}  // namespace
}  // namespace rayguard::server
