#pragma once
// The `triage` executable run as a child process (what signals and process deaths need: the
// in-process runner cannot be killed).
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

namespace triage::test {

inline std::filesystem::path triage_binary() { return std::filesystem::path(TRIAGE_TEST_BINARY_DIR) / "cli" / "triage"; }

// Starts `triage ARGS...` with stdout and stderr appended to `log`.
inline pid_t spawn_triage(const std::vector<std::string>& args, const std::filesystem::path& log) {
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    std::vector<char*> argv;
    const std::string exe = triage_binary().string();
    argv.push_back(const_cast<char*>(exe.c_str()));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(exe.c_str(), argv.data());
    ::_exit(127);
  }
  return pid;
}

// Waits for `pid`: its wait status.
inline int wait_for_child(pid_t pid) {
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  return status;
}

}  // namespace triage::test
