#pragma once
// A disk image or block device as evidence, through libtsk: image -> volume system (DOS with
// extended partitions, GPT, APM, BSD) or a file system at offset 0 -> APFS pool volumes ->
// file systems. Everything that cannot be examined (no file system, encryption, corrupt
// directories, unreadable content) becomes a problem row with its evidence path and reason.
#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/pipeline/content_loader.h"
#include "core/pipeline/evidence_source.h"
#include "formats/crypt/volume_key.h"
#include "formats/source/carve_runs.h"
#include "formats/vmdisk/virtual_disk.h"

namespace triage {

struct TskWalkOptions {
  bool carve = true;  // still images are also carved from each file system's unallocated blocks
  // A stage (volume system or file system opening, file walk, carving) that makes no progress
  // for this long is ended with an error row (formats/source/tsk_stage_watch.h); zero: never.
  std::chrono::milliseconds stage_budget{30'000};
  // Whether a carved structure decodes (the application gives formats/image's decoder).
  CarvedImageCheck carved_image_decodes;
  // Where a differential disk's parents are (--parent), besides beside it.
  ParentSearch parents;
  // Keys for encrypted volumes (--key); a LUKS volume one of them opens is walked decrypted.
  std::vector<VolumeKey> keys;
};

class TskSource final : public EvidenceSource {
 public:
  // `image` as the user gave it (the first segment of a split raw or E01 set); evidence
  // paths are `image/p2(ntfs@1048576):/dir/x.jpg`, or `image:/dir/x.jpg` for a file system
  // at offset 0.
  TskSource(std::string image, ContentPolicy policy, TskWalkOptions options = {});
  // An image held in memory (the libtsk fuzz harness): `image` only names it in evidence paths;
  // `bytes` must outlive the walk.
  TskSource(std::string image, std::span<const std::byte> bytes, ContentPolicy policy, TskWalkOptions options = {});
  void walk(WalkSink& sink) override;
  // Files and bytes the walk will find (metadata only, on its own image handle).
  void count(WalkTotals& totals, const std::atomic<bool>& stop) override;

 private:
  std::string image_;
  std::optional<std::span<const std::byte>> memory_;
  ContentPolicy policy_;
  TskWalkOptions options_;
};

}  // namespace triage
