#include "formats/source/source_kind.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "core/media/archive_signatures.h"
#include "core/pipeline/fd_reader.h"
#include "formats/source/directory_source.h"
#include "formats/source/tsk_image.h"
#include "formats/source/tsk_source.h"

namespace triage {

namespace {

// The file's first bytes are an archive's (core/media/archive_signatures.h).
bool starts_an_archive(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return false;
  std::vector<std::byte> head(kArchiveSignatureBytes);
  const ssize_t n = ::pread(fd.get(), head.data(), head.size(), 0);
  head.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return archive_signature(head).has_value();
}

}  // namespace

Result<SourceKind> classify_source(const std::string& path, const ParentSearch& parents) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return Error{"open", fmt::format("cannot open source '{}': {}", path, std::strerror(errno))};
  if (S_ISDIR(st.st_mode)) {
    if (::access(path.c_str(), R_OK | X_OK) != 0)
      return Error{"open", fmt::format("cannot open source '{}': {}", path, std::strerror(errno))};
    return SourceKind::directory;
  }
  if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
    return Error{"open", fmt::format("cannot open source '{}': not a folder, disk image or block device", path)};
  if (::access(path.c_str(), R_OK) != 0)
    return Error{"open", fmt::format("cannot open source '{}': {}", path, std::strerror(errno))};
  if (S_ISREG(st.st_mode) && starts_an_archive(path)) return SourceKind::archive;
  auto opened = open_disk_image(path, parents);  // read-only; the type comes from the content
  if (!opened) return Error{"open", fmt::format("cannot open source: {}", opened.error().message)};
  if (opened->media_size == 0) return Error{"open", fmt::format("cannot open source '{}': no media data", path)};
  return S_ISBLK(st.st_mode) ? SourceKind::block_device : SourceKind::disk_image;
}

std::unique_ptr<EvidenceSource> make_source(const std::string& path, SourceKind kind, const ContentPolicy& policy,
                                            const TskWalkOptions& tsk) {
  if (walked_as_files(kind)) return std::make_unique<DirectorySource>(path, policy);
  return std::make_unique<TskSource>(path, policy, tsk);
}

}  // namespace triage
