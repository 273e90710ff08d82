#include "tests/deploy/deploy_testing.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "tests/testing/fixtures.h"

namespace rayguard::testing {

CommandOutput RunCommand(const std::string& command) {
  CommandOutput result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    result.output.append(buffer.data(), n);
  }
  int status = pclose(pipe);
  if (status != -1 && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  return result;
}

std::string ShellQuote(const std::string& arg) {
  std::string quoted = "'";
  for (char c : arg) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

std::string FindProgram(const std::string& program) {
  const char* path = getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    std::string candidate = dir + "/" + program;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

TempDir::TempDir() {
  std::string tmpl =
      (std::filesystem::temp_directory_path() / "rayguard-deploy-XXXXXX")
          .string();
  if (mkdtemp(tmpl.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp failed for " << tmpl;
  }
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::vector<nlohmann::json> Kustomize(const std::string& dir) {
  TempDir tmp;
  std::string out = tmp.path() + "/built.yaml";
  CommandOutput run = RunCommand("kubectl kustomize " + ShellQuote(dir) +
                                 " > " + ShellQuote(out));
  if (run.exit_code != 0) {
    ADD_FAILURE() << "kubectl kustomize " << dir << " failed:\n" << run.output;
    return {};
  }
  std::vector<nlohmann::json> objects = LoadYamlDocuments(out);
  EXPECT_FALSE(objects.empty())
      << "kubectl kustomize " << dir << " printed no objects";
  return objects;
}

nlohmann::json FindObject(const std::vector<nlohmann::json>& objects,
                          const std::string& kind, const std::string& name) {
  for (const nlohmann::json& object : objects) {
    if (object.value("kind", "") != kind) continue;
    if (!name.empty() && object["metadata"].value("name", "") != name) continue;
    return object;
  }
  return nullptr;
}

void WriteKubeletVolume(const std::map<std::string, std::string>& files,
                        const std::string& dir) {
  namespace fs = std::filesystem;
  static int generation = 0;
  const std::string data =
      "..2026_11_23_00_00_00.00000000" + std::to_string(++generation);
  std::error_code ec;
  fs::create_directories(dir + "/" + data, ec);
  ASSERT_FALSE(ec) << dir << ": " << ec.message();
  std::set<std::string> top;
  for (const auto& [path, source] : files) {
    fs::path target = fs::path(dir) / data / path;
    fs::create_directories(target.parent_path(), ec);
    fs::copy_file(source, target, fs::copy_options::overwrite_existing, ec);
    ASSERT_FALSE(ec) << source << " -> " << target << ": " << ec.message();
    top.insert(path.substr(0, path.find('/')));
  }
  // An update swaps ..data in one rename, then drops the old folder.
  std::string previous;
  if (fs::is_symlink(dir + "/..data")) {
    previous = fs::read_symlink(dir + "/..data").string();
  }
  fs::create_directory_symlink(data, dir + "/..data_tmp", ec);
  ASSERT_FALSE(ec) << ec.message();
  fs::rename(dir + "/..data_tmp", dir + "/..data", ec);
  ASSERT_FALSE(ec) << ec.message();
  for (const std::string& name : top) {
    if (fs::is_symlink(dir + "/" + name)) continue;
    fs::create_symlink("..data/" + name, dir + "/" + name, ec);
    ASSERT_FALSE(ec) << name << ": " << ec.message();
  }
  if (!previous.empty()) fs::remove_all(dir + "/" + previous, ec);
}

ServerProcess::ServerProcess(const std::vector<std::string>& argv) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    ADD_FAILURE() << "pipe2 failed";
    return;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null",
                                   O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
  std::vector<char*> args;
  for (const std::string& arg : argv)
    args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  int rc = posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  fd_ = fds[0];
  if (rc != 0) {
    pid_ = -1;
    ADD_FAILURE() << "cannot start " << argv[0] << ": " << strerror(rc);
  }
}

ServerProcess::~ServerProcess() {
  Stop();
  if (fd_ >= 0) close(fd_);
}

bool ServerProcess::ReadSome(std::chrono::milliseconds wait) {
  pollfd pfd{fd_, POLLIN, 0};
  if (poll(&pfd, 1, static_cast<int>(wait.count())) <= 0) return true;
  char buffer[4096];
  ssize_t n = read(fd_, buffer, sizeof buffer);
  if (n <= 0) return false;
  log_.append(buffer, static_cast<size_t>(n));
  return true;
}

int ServerProcess::WaitForPort(std::chrono::seconds timeout) {
  if (pid_ < 0) return -1;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool open = true;
  while (std::chrono::steady_clock::now() < deadline) {
    size_t eol;
    while ((eol = log_.find('\n', scanned_)) != std::string::npos) {
      std::string line = log_.substr(scanned_, eol - scanned_);
      scanned_ = eol + 1;
      nlohmann::json event = nlohmann::json::parse(line, nullptr, false);
      if (event.is_object() && event.value("msg", "") == "listening" &&
          event.contains("port")) {
        return event["port"].get<int>();
      }
    }
    if (!open) return -1;
    open = ReadSome(std::chrono::milliseconds(100));
  }
  return -1;
}

int ServerProcess::Stop() {
  if (pid_ < 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ADD_FAILURE() << "the server did not stop within 30 s of SIGTERM";
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    ReadSome(std::chrono::milliseconds(50));
  }
  while (ReadSome(std::chrono::milliseconds(0))) {
    if (log_.size() > (1u << 20)) break;
  }
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

HttpReply HttpsRequest(const std::string& host, int port,
                       const std::string& path, const std::string& ca_file,
                       const std::string& json_body) {
  TempDir tmp;
  std::string body_file = tmp.path() + "/reply";
  // Built with a stream: GCC 12 warns falsely (-Wrestrict) on chains of
  // `"literal" + std::string`.
  std::ostringstream command;
  command << "curl -sS --noproxy '*' --max-time 10 --proto =https --tlsv1.2"
          << " --resolve " << ShellQuote(host + ':' + std::to_string(port))
          << ":127.0.0.1 --cacert " << ShellQuote(ca_file) << " -o "
          << ShellQuote(body_file) << " -w '%{http_code}'";
  if (!json_body.empty()) {
    std::string request_file = tmp.path() + "/request.json";
    std::ofstream(request_file) << json_body;
    command << " -H 'Content-Type: application/json' --data-binary @"
            << ShellQuote(request_file);
  }
  command << " 'https://" << host << ':' << port << path << "'";
  CommandOutput run = RunCommand(command.str());
  HttpReply reply;
  if (run.exit_code != 0) {
    reply.error = run.output;
    return reply;
  }
  reply.status = std::atoi(run.output.c_str());
  std::ifstream in(body_file);
  std::stringstream ss;
  ss << in.rdbuf();
  reply.body = ss.str();
  return reply;
}

nlohmann::json CreateReview(const nlohmann::json& object,
                            const std::string& uid) {
  std::string api_version = object.value("apiVersion", "ray.io/v1");
  std::string group = api_version.substr(0, api_version.find('/'));
  std::string version = api_version.substr(api_version.find('/') + 1);
  std::string kind = object.value("kind", "");
  std::string resource = kind;
  for (char& c : resource) c = static_cast<char>(std::tolower(c));
  resource += "s";
  return {{"apiVersion", "admission.k8s.io/v1"},
          {"kind", "AdmissionReview"},
          {"request",
           {{"uid", uid},
            {"kind", {{"group", group}, {"version", version}, {"kind", kind}}},
            {"resource",
             {{"group", group}, {"version", version}, {"resource", resource}}},
            {"requestKind",
             {{"group", group}, {"version", version}, {"kind", kind}}},
            {"requestResource",
             {{"group", group}, {"version", version}, {"resource", resource}}},
            {"name", object["metadata"].value("name", "")},
            {"namespace", object["metadata"].value("namespace", "")},
            {"operation", "CREATE"},
            {"userInfo",
             {{"username", "alice"}, {"groups", {"system:authenticated"}}}},
            {"object", object},
            {"oldObject", nullptr},
            {"dryRun", false},
            {"options",
             {{"apiVersion", "meta.k8s.io/v1"}, {"kind", "CreateOptions"}}}}}};
}

}  // namespace rayguard::testing
