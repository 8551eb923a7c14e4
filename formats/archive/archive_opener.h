#pragma once
// Archives met during a walk, opened through libarchive: every regular member becomes an item
// of its own (evidence path `container!/member`), loaded, digested and identified like any file,
// right after the archive's own item; archives inside archives are opened in turn, down to a
// depth. Bounded: an outermost archive expands, its nested ones included, to at most
// max(ratio_floor, max_ratio x its size) bytes, and max_expand in all when set; what lies beyond
// is an error row per member, as are encrypted members no password opens, and a damaged archive
// gives the members read and a row saying where it stopped. Member names are only text: nothing
// is ever written under them. A member too large to hold in memory that must be read twice
// (an archive inside, a video whose frames are hashed) is spooled to an unnamed file in
// `spool_dir` (the case directory), gone when closed. In a phone's file-system extraction each
// member also gets its path on the device (FsFacts::device_path), and the archive a notice
// (device_extraction) naming the layout found.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/pipeline/container_opener.h"
#include "core/pipeline/content_loader.h"

namespace triage {

struct ArchiveOptions {
  int max_depth = 8;                           // --archive-depth: archives inside archives
  std::uint64_t max_ratio = 100;               // --max-expand-ratio
  std::uint64_t ratio_floor = 64ull << 20;     // any archive may expand to this much
  std::uint64_t max_expand = 0;                // --max-expand: bytes in all per outermost archive; 0: none
  std::vector<std::string> passwords;          // --archive-password: tried in turn, never recorded
  std::filesystem::path spool_dir;             // the case directory
  // --extraction-root: where a phone's file system starts in an outermost archive ("export/fs/"),
  // for a layout core/evidence/device_layout.h does not recognise; empty: recognised.
  std::string extraction_root;
};

// libarchive's version, for the record ("3.6.2"), and its compression libraries' as it lists them.
std::string libarchive_version();

class ArchiveOpener final : public ContainerOpener {
 public:
  explicit ArchiveOpener(ArchiveOptions options);
  bool opens(std::span<const std::byte> head) const override;
  void walk_members(RandomAccessReader& reader, const ItemRecord& container, const ContentPolicy& policy,
                    WalkSink& sink) const override;

 private:
  ArchiveOptions options_;
};

}  // namespace triage
