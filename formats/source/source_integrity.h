#pragma once
// Evidence integrity of a disk image (ACPO principle 1): the digests of its whole media
// content before the walk, and again after it; any difference is a loud failure.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/case/case_model.h"
#include "core/item.h"
#include "core/result.h"
#include "formats/source/tsk_image.h"

namespace triage {

struct ImageDigest {
  std::string format;                 // libtsk's image type name: raw, ewf, vhdi, vmdk...
  std::vector<std::string> segments;  // every file read, in order
  std::uint64_t media_size = 0;
  Digests media;                      // MD5, SHA-1, SHA-256 of the media content
  std::optional<std::string> stored_md5;  // E01: the MD5 recorded at acquisition
};

// Opens the image read-only on its own handle and digests every byte of its media: all three
// digests before the scan; after it, the SHA-256 alone answers "did any byte change?" at a
// quarter of the CPU (MD5 is the slowest of the three and SHA-256 has SHA-NI).
// Throws Interrupted when `stop` is requested.
Result<ImageDigest> digest_disk_image(const std::string& path, MediaDigests which = MediaDigests::all,
                                      StopToken stop = {}, const ParentSearch& parents = {});

// The parents a differential disk was read with at the scan: its recorded segments after the first.
ParentSearch recorded_parents(const std::vector<std::string>& segments);

struct IntegrityVerdict {
  Integrity integrity = Integrity::verified;  // verified, changed or acquisition_mismatch
  std::string note;                           // one line for the summary and the case
  bool failed() const { return integrity_failed(integrity); }
};

// The media read before the walk against the media read after it: same size and SHA-256 (and
// MD5 and SHA-1 when the re-read computed them). For an E01 the media MD5 read before the walk
// must also equal the MD5 stored at acquisition (the same bytes, since the SHA-256 is unchanged).
IntegrityVerdict judge_integrity(const ImageDigest& before, const ImageDigest& after);

}  // namespace triage
