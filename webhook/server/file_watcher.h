#ifndef RAYGUARD_SERVER_FILE_WATCHER_H_
#define RAYGUARD_SERVER_FILE_WATCHER_H_

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace rayguard::server {

// Calls `on_change` (on its own thread) after files under `paths` (files or
// directories, recursively) change, once the change has settled for one
// polling interval. Polling the stat of each file is deliberate: it sees
// Kubernetes' Secret/ConfigMap symlink swaps, in-place writes and editors'
// rename-over alike, and costs a few syscalls per second.
class FileWatcher {
 public:
  FileWatcher(std::vector<std::string> paths, std::chrono::milliseconds interval,
              std::function<void()> on_change);
  ~FileWatcher();  // stops and joins the thread

  // Records the current state, then starts polling.
  void Start();
  void Stop();

  // A digest of the paths, their sizes, inodes and modification times.
  // Exposed for tests.
  static std::string Fingerprint(const std::vector<std::string>& paths);

 private:
  void Run(std::string applied);

  const std::vector<std::string> paths_;
  const std::chrono::milliseconds interval_;
  const std::function<void()> on_change_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace rayguard::server

#endif  // RAYGUARD_SERVER_FILE_WATCHER_H_
