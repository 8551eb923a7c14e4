#pragma once
// Still images to pixels: OpenCV (JPEG, PNG, BMP, TIFF, WebP, JPEG 2000, ...), libheif (HEIC,
// HEIF, AVIF) and giflib (GIF, first frame). The only folder that includes these libraries.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/case/case_model.h"
#include "core/media/sniff.h"
#include "core/result.h"

namespace triage {

// rows x cols pixels, row-major, no padding: interleaved R, G, B bytes.
struct RgbImage {
  int rows = 0;
  int cols = 0;
  std::vector<std::uint8_t> rgb;
};

// rows x cols grey bytes, row-major, no padding.
struct GreyImage {
  int rows = 0;
  int cols = 0;
  std::vector<std::uint8_t> grey;
};

// Decodes the image (the first frame of a GIF, the primary image of a HEIF) to 8-bit RGB as
// stored: EXIF orientation is not applied (the PDQ reference hashes the stored pixels; HEIF's own
// rotation and mirror properties are part of the image and are applied). Grey, palette, 16-bit
// and CMYK images are converted; an alpha channel is dropped (colour channels kept, no blending).
// An Error (stage "decode") for a corrupt or unsupported file, or one whose header claims more
// than max_pixels pixels (checked before decoding); never a crash.
Result<RgbImage> decode_rgb(const MediaKind& kind, std::span<const std::byte> content, std::uint64_t max_pixels);

// The same image as 8-bit grey, the faster path: JPEG gives its decoded luma (Y) channel without
// colour conversion; other formats are converted with OpenCV's fixed-point
// 0.299 R + 0.587 G + 0.114 B. Close to, but not bit-identical with, rgb_to_luma of decode_rgb.
// With min_side > 0 a large JPEG may be decoded at 1/2, 1/4 or 1/8 of its size in the DCT domain
// (libjpeg's scaled IDCT: far less work), the largest reduction that keeps both sides >= min_side.
Result<GreyImage> decode_grey(const MediaKind& kind, std::span<const std::byte> content, std::uint64_t max_pixels,
                              int min_side = 0);

// The versions of OpenCV, libheif and giflib in use.
std::vector<LibraryVersion> image_library_versions();

// Why `bytes` does not decode as an image of `kind` within `max_pixels`; nullopt when it does (the
// check carving makes before it keeps a structure: formats/source's CarvedImageCheck).
std::optional<std::string> image_decode_failure(const MediaKind& kind, std::span<const std::byte> bytes,
                                                std::uint64_t max_pixels);

}  // namespace triage
