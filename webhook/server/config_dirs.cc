#include "webhook/server/config_dirs.h"

#include <filesystem>
#include <fstream>
#include <system_error>

namespace rayguard::server {
namespace {

namespace fs = std::filesystem;

// Counts the regular files under `dir`; an error for anything that cannot
// be read (a subdirectory without permission included: the loader would
// fail on it too, or worse, skip it).
Status CountFiles(const std::string& dir, std::size_t* count) {
  std::error_code ec;
  fs::recursive_directory_iterator it(
      dir, fs::directory_options::follow_directory_symlink, ec);
  if (ec) return Status::FailedPrecondition("cannot read it: " + ec.message());
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) {
      return Status::FailedPrecondition("cannot read it: " + ec.message());
    }
    // A mounted ConfigMap's own bookkeeping (..data, ..<timestamp>).
    if (it->path().filename().string().rfind("..", 0) == 0) {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ec)) ++*count;
  }
  if (ec) return Status::FailedPrecondition("cannot read it: " + ec.message());
  return Status::Ok();
}

// The number of files at `path` (1 for a readable file), or why not.
Status Inspect(const std::string& path, std::size_t* count) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    return Status::FailedPrecondition("cannot read it: " + ec.message());
  }
  if (!fs::exists(st)) {
    return Status::FailedPrecondition("does not exist");
  }
  if (fs::is_directory(st)) return CountFiles(path, count);
  if (!fs::is_regular_file(st) || !std::ifstream(path).good()) {
    return Status::FailedPrecondition("cannot read it");
  }
  *count = 1;
  return Status::Ok();
}

}  // namespace

ConfigDirs::ConfigDirs(std::vector<ConfigDir> dirs) : dirs_(std::move(dirs)) {}

Status ConfigDirs::Check(std::vector<std::string>* empty) {
  for (const ConfigDir& d : dirs_) {
    std::size_t files = 0;
    if (Status s = Inspect(d.path, &files); !s.ok()) {
      return Status(s.code(), d.flag + " " + d.path + ": " + s.message());
    }
    if (files > 0) {
      had_files_.insert(d.path);
    } else if (had_files_.count(d.path) > 0) {
      return Status::FailedPrecondition(
          d.flag + " " + d.path +
          ": is empty now; keeping the schemas and policies loaded from it");
    } else {
      empty->push_back(d.flag + " " + d.path);
    }
  }
  return Status::Ok();
}

}  // namespace rayguard::server
