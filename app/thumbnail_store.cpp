#include "app/thumbnail_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <thread>

namespace triage {

ThumbnailStore::ThumbnailStore(std::filesystem::path dir) : dir_(std::move(dir)) {
  std::filesystem::create_directories(dir_);
}

bool ThumbnailStore::claim(const std::string& sha256) {
  const std::lock_guard lock(mutex_);
  return claimed_.insert(sha256).second;
}

namespace {

void write_all(int fd, std::span<const std::uint8_t> bytes) {
  for (std::size_t done = 0; done < bytes.size();) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::system_error(errno == 0 ? EIO : errno, std::generic_category());
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace

void ThumbnailStore::write(const std::string& sha256, std::span<const std::uint8_t> jpeg) const {
  const std::filesystem::path file = dir_ / (sha256 + ".jpg");
  // An unnamed file, given its name once written whole (open(2) O_TMPFILE, then linkat(2)): a
  // reader, or a scan killed half-way, never leaves half a thumbnail, at one directory change
  // instead of a create and a rename (a tree of tiny pictures spent most of its thumbnail time
  // on those).
  if (const int fd = ::open(dir_.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600); fd >= 0) {
    try {
      write_all(fd, jpeg);
    } catch (const std::system_error& e) {
      ::close(fd);
      throw std::runtime_error(fmt::format("cannot write {}: {}", file.string(), e.code().message()));
    }
    const std::string self = fmt::format("/proc/self/fd/{}", fd);
    int linked = ::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, file.c_str(), AT_SYMLINK_FOLLOW);
    if (linked != 0 && errno == EEXIST && ::unlink(file.c_str()) == 0)  // a resumed scan's: made again
      linked = ::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, file.c_str(), AT_SYMLINK_FOLLOW);
    const int saved = errno;
    ::close(fd);
    if (linked == 0) return;
    if (saved != ENOENT && saved != EXDEV && saved != EPERM)  // else no /proc: the other way below
      throw std::runtime_error(fmt::format("cannot write {}: {}", file.string(), std::strerror(saved)));
  }
  // A file system without O_TMPFILE: a temporary name, renamed.
  const std::filesystem::path part = file.string() + ".part";  // one writer per SHA-256 (claim)
  auto fail = [&](const char* what, int error) {
    ::unlink(part.c_str());
    throw std::runtime_error(fmt::format("cannot {} {}: {}", what, part.string(), std::strerror(error)));
  };
  // O_EXCL: never write through a file that was there (a part left by a killed scan is removed first).
  int fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 && errno == EEXIST && ::unlink(part.c_str()) == 0)
    fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) fail("create", errno);
  try {
    write_all(fd, jpeg);
  } catch (const std::system_error& e) {
    ::close(fd);
    fail("write", e.code().value());
  }
  if (::close(fd) != 0) fail("close", errno);
  if (::rename(part.c_str(), file.c_str()) != 0) fail("rename", errno);
}

}  // namespace triage
