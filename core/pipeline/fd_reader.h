#pragma once
// A file descriptor owned, and read by offset (pread): a folder's files, and the archive members
// spooled to the case directory.
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/pipeline/random_access_reader.h"

namespace triage {

class UniqueFd {
 public:
  explicit UniqueFd(int fd = -1) : fd_(fd) {}
  ~UniqueFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      if (fd_ >= 0) ::close(fd_);
      fd_ = other.fd_;
      other.fd_ = -1;
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

class FdReader final : public RandomAccessReader {
 public:
  explicit FdReader(int fd) : fd_(fd) {}
  Result<std::size_t> read_at(std::uint64_t offset, std::span<std::byte> out) override {
    for (;;) {
      const ssize_t n = ::pread(fd_, out.data(), out.size(), static_cast<off_t>(offset));
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno != EINTR) return Error{"read", std::strerror(errno)};
    }
  }

 private:
  int fd_;
};

}  // namespace triage
