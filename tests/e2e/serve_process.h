#ifndef RAYGUARD_TESTS_E2E_SERVE_PROCESS_H_
#define RAYGUARD_TESTS_E2E_SERVE_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace rayguard::testing {

// The real `rayguard serve` binary on 127.0.0.1 with an ephemeral port and
// JSON logs captured to a file. Killed (SIGKILL) on destruction if running.
class ServeProcess {
 public:
  // `args` come after `rayguard serve --listen 127.0.0.1:0 --log-format json`.
  explicit ServeProcess(std::vector<std::string> args);
  ~ServeProcess();

  // Waits for the "listening" log line; false if the process died first.
  bool WaitUntilListening();
  int port() const { return port_; }

  void Signal(int sig) const;
  // Waits up to `timeout` for exit; returns the exit code, or -1 on timeout
  // or death by signal.
  int WaitForExit(std::chrono::milliseconds timeout);

  // Everything the process logged so far.
  std::string Log() const;

  // Waits (up to 10 s) until the log holds `text`. A review's log line is
  // written by the server's log writer thread shortly after the answer.
  bool WaitForLog(const std::string& text) const;

  // A field of /proc/<pid>/status in KiB ("VmRSS", "VmHWM"); -1 if the
  // process is gone.
  long MemoryKib(const std::string& field) const;

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  int exit_code_ = -1;
  std::string log_path_;
};

// Polls `done` every 50ms for up to 10s; true once it holds.
template <typename F>
bool Eventually(F done) {
  for (int i = 0; i < 200; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace rayguard::testing

#endif  // RAYGUARD_TESTS_E2E_SERVE_PROCESS_H_
