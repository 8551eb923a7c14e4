#include "formats/image/image_pdq.h"

#include "formats/image/image_decoder.h"

namespace triage {

// Grey decode: a JPEG's Y channel is the PDQ luma up to rounding, and skipping the colour
// conversion is most of the decode cost. A large JPEG is decoded reduced in the DCT domain while
// its shorter side stays >= kMinSide: PDQ blurs to 64x64 anyway (its box window at 4000 px is
// 32 px), and the scaled IDCT is itself a low-pass. Effect against the full decode: none on the
// reference corpus (tests/formats/image: its largest photo, 1600x1004, stays full size); on 2,000
// generated photos (tests/bench/pdq_bench.sh) median 0 bits, p95 4, max 12, for 0.93x the
// decode-only rate (see the bench for the full-decode rate). A bound of 256 was faster (1.8x) but moved the
// reference corpus's median to 2 bits and the photos' p95 to 8.
constexpr int kMinSide = 512;

Result<GreyImage> decode_for_pdq(const MediaKind& kind, std::span<const std::byte> content, std::uint64_t max_pixels) {
  return decode_grey(kind, content, max_pixels, kMinSide);
}

PdqResult pdq_of(const GreyImage& grey) { return pdq_from_grey(grey.grey.data(), grey.rows, grey.cols); }

ImagePdqVariants pdq_variants_of(const GreyImage& grey) {
  const auto dihedral = pdq_dihedral_from_grey(grey.grey.data(), grey.rows, grey.cols);
  ImagePdqVariants out;
  for (std::size_t v = 0; v < dihedral.size(); ++v) out.variants[v] = dihedral[v].hash;
  // The reference hashes a 64x64 image without the blur, but blurs it for the dihedral set; the
  // stored hash follows the plain entry point.
  out.pdq = grey.rows == 64 && grey.cols == 64 ? pdq_of(grey) : dihedral[0];
  return out;
}

Result<PdqResult> image_pdq(const MediaKind& kind, std::span<const std::byte> content, std::uint64_t max_pixels) {
  auto grey = decode_for_pdq(kind, content, max_pixels);
  if (!grey) return grey.error();
  return pdq_of(grey.value());
}

Result<ImagePdqVariants> image_pdq_variants(const MediaKind& kind, std::span<const std::byte> content,
                                            std::uint64_t max_pixels) {
  auto grey = decode_for_pdq(kind, content, max_pixels);
  if (!grey) return grey.error();
  return pdq_variants_of(grey.value());
}

}  // namespace triage
