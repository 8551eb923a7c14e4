#pragma once
// The scan's perceptual hash of a still image: decode (grey fast path) then PDQ.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/media/sniff.h"
#include "core/pdq/pdq.h"
#include "core/result.h"

namespace triage {

// PDQ hash and quality of the image as stored (EXIF orientation not applied, as the reference).
// An Error (stage "decode") when the image cannot be decoded or exceeds max_pixels.
Result<PdqResult> image_pdq(const MediaKind& kind, std::span<const std::byte> content, std::uint64_t max_pixels);

// The same hash plus the 8 dihedral variants (indexed by PdqDihedral) for matching rotated and
// mirrored copies; one decode and one DCT.
struct ImagePdqVariants {
  PdqResult pdq;
  std::array<PdqHash, 8> variants;
};
Result<ImagePdqVariants> image_pdq_variants(const MediaKind& kind, std::span<const std::byte> content,
                                            std::uint64_t max_pixels);

}  // namespace triage
