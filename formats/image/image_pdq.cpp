#include "formats/image/image_pdq.h"

#include "formats/image/image_decoder.h"

namespace triage {

Result<PdqResult> image_pdq(const MediaKind& kind, std::span<const std::byte> content, std::uint64_t max_pixels) {
  // Grey decode: a JPEG's Y channel is the PDQ luma up to rounding, and skipping the colour
  // conversion is most of the decode cost (tests/formats/image: within the conformance bound).
  auto grey = decode_grey(kind, content, max_pixels);
  if (!grey) return grey.error();
  return pdq_from_grey(grey->grey.data(), grey->rows, grey->cols);
}

}  // namespace triage
