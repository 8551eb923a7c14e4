#pragma once
// The scan's perceptual hash of a still image: decode (grey fast path) then PDQ.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/media/sniff.h"
#include "core/pdq/pdq.h"
#include "core/result.h"
#include "formats/image/image_decoder.h"

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

// The two steps of the above, for a caller that uses the decoded picture again (face counting):
// the reduced grey decode PDQ hashes, then its hash, or its hash and variants.
Result<GreyImage> decode_for_pdq(const MediaKind& kind, std::span<const std::byte> content, std::uint64_t max_pixels);
PdqResult pdq_of(const GreyImage& grey);
ImagePdqVariants pdq_variants_of(const GreyImage& grey);

}  // namespace triage
