#include "tests/e2e/serve_process.h"

#include <fstream>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/testing/fixtures.h"

namespace rayguard::testing {

ServeProcess::ServeProcess(std::vector<std::string> args) {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "rayguard-serve-XXXXXX.log")
          .string();
  int fd = mkstemps(pattern.data(), 4);
  log_path_ = pattern;
  std::vector<std::string> argv = {BinaryPath(), "serve", "--listen",
                                   "127.0.0.1:0", "--log-format", "json"};
  argv.insert(argv.end(), args.begin(), args.end());
  pid_ = fork();
  if (pid_ == 0) {
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    std::vector<char*> raw;
    for (std::string& a : argv) raw.push_back(a.data());
    raw.push_back(nullptr);
    execv(raw[0], raw.data());
    _exit(127);
  }
  close(fd);
}

ServeProcess::~ServeProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  std::filesystem::remove(log_path_);
}

std::string ServeProcess::Log() const { return ReadFile(log_path_); }

bool ServeProcess::WaitForLog(const std::string& text) const {
  for (int i = 0; i < 500; ++i) {
    if (Log().find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

bool ServeProcess::WaitUntilListening() {
  for (int i = 0; i < 300; ++i) {
    std::istringstream lines(Log());
    for (std::string line; std::getline(lines, line);) {
      auto event = nlohmann::json::parse(line, nullptr, false);
      if (event.is_object() && event.value("msg", "") == "listening") {
        port_ = event.value("port", 0);
        return port_ > 0;
      }
    }
    int status = 0;
    if (pid_ <= 0) return false;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

void ServeProcess::Signal(int sig) const {
  if (pid_ > 0) kill(pid_, sig);
}

int ServeProcess::WaitForExit(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return exit_code_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      return exit_code_;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return -1;
}

long ServeProcess::MemoryKib(const std::string& field) const {
  if (pid_ <= 0) return -1;
  std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field + ":", 0) == 0) {
      return std::stol(line.substr(field.size() + 1));
    }
  }
  return -1;
}

}  // namespace rayguard::testing
