#include "webhook/server/file_watcher.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

namespace rayguard::server {
namespace {

namespace fs = std::filesystem;

class FileWatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("rayguard-watch-" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "sub");
    std::ofstream(dir_ / "sub" / "a.yaml") << "a: 1\n";
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(FileWatcherTest, FingerprintSeesNewChangedAndRemovedFiles) {
  const std::vector<std::string> paths = {dir_.string()};
  const std::string before = FileWatcher::Fingerprint(paths);
  EXPECT_EQ(FileWatcher::Fingerprint(paths), before);
  std::ofstream(dir_ / "b.yaml") << "b: 1\n";
  const std::string added = FileWatcher::Fingerprint(paths);
  EXPECT_NE(added, before);
  std::ofstream(dir_ / "sub" / "a.yaml") << "a: 22\n";
  EXPECT_NE(FileWatcher::Fingerprint(paths), added);
  fs::remove(dir_ / "b.yaml");
  fs::remove(dir_ / "sub" / "a.yaml");
  EXPECT_NE(FileWatcher::Fingerprint(paths), before);
}

TEST_F(FileWatcherTest, CallsBackOnceAfterAChangeSettles) {
  std::atomic<int> calls{0};
  FileWatcher watcher({dir_.string()}, std::chrono::milliseconds(20),
                      [&] { ++calls; });
  watcher.Start();
  std::ofstream(dir_ / "c.yaml") << "c: 1\n";
  for (int i = 0; i < 250 && calls == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  watcher.Stop();
  EXPECT_EQ(calls.load(), 1);
}

}  // namespace
}  // namespace rayguard::server
