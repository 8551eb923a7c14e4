#include "app/thumbnail_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

namespace triage {

ThumbnailStore::ThumbnailStore(std::filesystem::path dir) : dir_(std::move(dir)) {
  std::filesystem::create_directories(dir_);
}

bool ThumbnailStore::claim(const std::string& sha256) {
  const std::lock_guard lock(mutex_);
  return claimed_.insert(sha256).second;
}

void ThumbnailStore::write(const std::string& sha256, std::span<const std::uint8_t> jpeg) const {
  const std::filesystem::path file = dir_ / (sha256 + ".jpg");
  const std::filesystem::path part = file.string() + ".part";  // one writer per SHA-256 (claim)
  auto fail = [&](const char* what) {
    const int saved = errno;
    ::unlink(part.c_str());
    throw std::runtime_error(fmt::format("cannot {} {}: {}", what, part.string(), std::strerror(saved)));
  };
  // O_EXCL: never write through a file that was there (a part left by a killed scan is removed first).
  int fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 && errno == EEXIST && ::unlink(part.c_str()) == 0)
    fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) fail("create");
  for (std::size_t done = 0; done < jpeg.size();) {
    const ssize_t n = ::write(fd, jpeg.data() + done, jpeg.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      fail("write");
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) fail("close");
  if (::rename(part.c_str(), file.c_str()) != 0) fail("rename");
}

}  // namespace triage
