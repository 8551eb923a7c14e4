#include "formats/image/image_pdq.h"

#include "formats/image/image_decoder.h"

namespace triage {

// Grey decode: a JPEG's Y channel is the PDQ luma up to rounding, and skipping the colour
// conversion is most of the decode cost (tests/formats/image: within the conformance bound).

Result<PdqResult> image_pdq(const MediaKind& kind, std::span<const std::byte> content, std::uint64_t max_pixels) {
  auto grey = decode_grey(kind, content, max_pixels);
  if (!grey) return grey.error();
  return pdq_from_grey(grey->grey.data(), grey->rows, grey->cols);
}

Result<ImagePdqVariants> image_pdq_variants(const MediaKind& kind, std::span<const std::byte> content,
                                            std::uint64_t max_pixels) {
  auto grey = decode_grey(kind, content, max_pixels);
  if (!grey) return grey.error();
  const auto dihedral = pdq_dihedral_from_grey(grey->grey.data(), grey->rows, grey->cols);
  ImagePdqVariants out;
  for (std::size_t v = 0; v < dihedral.size(); ++v) out.variants[v] = dihedral[v].hash;
  // The reference hashes a 64x64 image without the blur, but blurs it for the dihedral set; the
  // stored hash follows the plain entry point.
  out.pdq = grey->rows == 64 && grey->cols == 64 ? pdq_from_grey(grey->grey.data(), 64, 64) : dihedral[0];
  return out;
}

}  // namespace triage
