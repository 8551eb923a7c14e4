#pragma once
// Finds still images by their own structure in raw bytes (unallocated space): JPEG from SOI to
// EOI through a valid marker structure, PNG from its signature to IEND with every chunk CRC
// correct, GIF from its header through valid blocks to the trailer. Pure: no I/O.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace triage {

struct CarvedImage {
  std::size_t offset = 0;   // within the data given
  std::size_t length = 0;
  std::string_view format;  // "jpeg", "png", "gif"
};

// Images that start in data[0, scan_limit), end inside data and are at most max_length bytes,
// in offset order; an image found inside another one (an EXIF thumbnail) is not reported.
std::vector<CarvedImage> carve_images(std::span<const std::byte> data, std::size_t scan_limit,
                                      std::size_t max_length);

// The length of a complete, valid image of each kind starting at data[0], or 0.
std::size_t jpeg_length(std::span<const std::byte> data);
std::size_t png_length(std::span<const std::byte> data);
std::size_t gif_length(std::span<const std::byte> data);

}  // namespace triage
