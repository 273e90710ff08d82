#include "webhook/server/file_watcher.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace rayguard::server {
namespace {

void AddStamp(const std::filesystem::path& path, std::string* out) {
  struct stat st {};
  *out += path.string();
  // stat() follows symlinks, so a swapped ..data link shows as a new inode.
  if (::stat(path.c_str(), &st) != 0) {
    *out += ":missing\n";
    return;
  }
  for (long long v : {static_cast<long long>(st.st_ino),
                      static_cast<long long>(st.st_size),
                      static_cast<long long>(st.st_mtim.tv_sec),
                      static_cast<long long>(st.st_mtim.tv_nsec)}) {
    out->push_back(':');
    out->append(std::to_string(v));
  }
  out->push_back('\n');
}

}  // namespace

FileWatcher::FileWatcher(std::vector<std::string> paths,
                         std::chrono::milliseconds interval,
                         std::function<void()> on_change)
    : paths_(std::move(paths)),
      interval_(interval),
      on_change_(std::move(on_change)) {}

FileWatcher::~FileWatcher() { Stop(); }

std::string FileWatcher::Fingerprint(const std::vector<std::string>& paths) {
  std::string out;
  for (const std::string& root : paths) {
    std::error_code ec;
    if (!std::filesystem::is_directory(root, ec)) {
      AddStamp(root, &out);
      continue;
    }
    std::vector<std::filesystem::path> files;
    auto options = std::filesystem::directory_options::follow_directory_symlink |
                   std::filesystem::directory_options::skip_permission_denied;
    for (auto it = std::filesystem::recursive_directory_iterator(root, options,
                                                                 ec);
         !ec && it != std::filesystem::recursive_directory_iterator();
         it.increment(ec)) {
      if (!it->is_directory(ec)) files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) AddStamp(f, &out);
  }
  return out;
}

// The baseline is taken here, not on the thread, so a change made right
// after Start() returns is always reported.
void FileWatcher::Start() {
  std::string baseline = Fingerprint(paths_);
  thread_ = std::thread(
      [this, baseline = std::move(baseline)] { Run(baseline); });
}

void FileWatcher::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void FileWatcher::Run(std::string applied) {
  std::string previous = applied;
  std::unique_lock<std::mutex> lock(mu_);
  while (!cv_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    std::string now = Fingerprint(paths_);
    // Act only once two polls agree, so a cert written before its key (or a
    // policy file half-saved) is not loaded in between.
    if (now != applied && now == previous) {
      applied = now;
      on_change_();
    }
    previous = std::move(now);
    lock.lock();
  }
}

}  // namespace rayguard::server
