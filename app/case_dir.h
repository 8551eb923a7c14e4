#pragma once
// Guards of a case directory while a scan writes it.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace triage {

// Case files are owner-only: while a scan writes the case (SQLite's database, WAL and SHM files,
// hashsets.db), the process umask is 077. Restored on every path out.
class OwnerOnlyUmask {
 public:
  OwnerOnlyUmask() : saved_(::umask(077)) {}
  ~OwnerOnlyUmask() { ::umask(saved_); }
  OwnerOnlyUmask(const OwnerOnlyUmask&) = delete;
  OwnerOnlyUmask& operator=(const OwnerOnlyUmask&) = delete;

 private:
  mode_t saved_;
};

// One scan writes a case at a time: an advisory lock on the case directory (flock, which
// SQLite's own POSIX locks on case.db do not disturb), held until the outputs are written.
class CaseDirLock {
 public:
  explicit CaseDirLock(const std::filesystem::path& dir) : fd_(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
    if (fd_ < 0) throw std::runtime_error(fmt::format("{}: {}", dir.string(), std::strerror(errno)));
    // A moment's wait: held() tests the lock with a brief shared one.
    int tries = 0;
    while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      if (errno == EWOULDBLOCK && ++tries < 50) {
        ::usleep(10'000);
        continue;
      }
      ::close(fd_);
      throw std::runtime_error(fmt::format("{}: another triage process is writing this case", dir.string()));
    }
  }
  ~CaseDirLock() { ::close(fd_); }
  // True while a scan holds the lock of `dir` (`triage batch status`): a brief shared lock,
  // which the constructor above waits out.
  static bool held(const std::filesystem::path& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return false;
    const bool locked = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    ::close(fd);
    return locked;
  }
  CaseDirLock(const CaseDirLock&) = delete;
  CaseDirLock& operator=(const CaseDirLock&) = delete;

 private:
  int fd_;
};

}  // namespace triage
