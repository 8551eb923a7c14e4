#include "formats/source/source_kind.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "formats/source/directory_source.h"
#include "formats/source/tsk_image.h"
#include "formats/source/tsk_source.h"

namespace triage {

Result<SourceKind> classify_source(const std::string& path) {
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
  auto opened = open_disk_image(path);  // read-only; the type comes from the content
  if (!opened) return Error{"open", fmt::format("cannot open source: {}", opened.error().message)};
  if (opened->media_size == 0) return Error{"open", fmt::format("cannot open source '{}': no media data", path)};
  return S_ISBLK(st.st_mode) ? SourceKind::block_device : SourceKind::disk_image;
}

std::unique_ptr<EvidenceSource> make_source(const std::string& path, SourceKind kind, const ContentPolicy& policy,
                                            const TskWalkOptions& tsk) {
  if (kind == SourceKind::directory) return std::make_unique<DirectorySource>(path, policy);
  return std::make_unique<TskSource>(path, policy, tsk);
}

}  // namespace triage
