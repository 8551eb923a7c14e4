// Image decoding: every still format the tool sniffs, orientation as stored, the pixel limit
// checked before decoding, and corrupt input as an Error (never a crash).
#include "formats/image/image_decoder.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core/media/sniff.h"
#include "core/pdq/pdq.h"
#include "tests/formats/image/decode_test_support.h"
#include "tests/support/test_support.h"

namespace triage {
namespace {

using test::kMaxPixels;

using test::kind_of;

std::vector<std::byte> sample(const std::string& relative) {
  return test::read_bytes(test::source_dir() / "samples" / "evidence" / relative);
}

bool varied(const RgbImage& image) {
  return std::any_of(image.rgb.begin(), image.rgb.end(), [&](std::uint8_t v) { return v != image.rgb.front(); });
}

using test::bytes_of;

}  // namespace

TEST_CASE("image decoder: each sample format decodes to its header's size") {
  for (const char* file : {"DCIM/100TEST/IMG_0001.jpg", "Pictures/pattern.png", "Pictures/grid.bmp",
                           "Pictures/grid.tif", "Pictures/pattern.webp", "Pictures/bars.gif"}) {
    CAPTURE(file);
    const auto bytes = sample(file);
    const MediaKind kind = kind_of(bytes);
    REQUIRE(kind.type == MediaType::image);
    const auto header = image_pixel_size(kind, bytes);
    REQUIRE(header);
    auto rgb = decode_rgb(kind, bytes, kMaxPixels);
    if (!rgb.ok() && kind.format == "gif") {  // a build without giflib says so plainly
      CHECK(rgb.error().message.find("gif decode unsupported") != std::string::npos);
      continue;
    }
    REQUIRE_MESSAGE(rgb.ok(), rgb.error().message);
    CHECK(static_cast<std::uint32_t>(rgb->cols) == header->width);
    CHECK(static_cast<std::uint32_t>(rgb->rows) == header->height);
    CHECK(rgb->rgb.size() == 3 * static_cast<std::size_t>(rgb->rows) * static_cast<std::size_t>(rgb->cols));
    CHECK(varied(*rgb));
    auto grey = decode_grey(kind, bytes, kMaxPixels);
    REQUIRE_MESSAGE(grey.ok(), grey.error().message);
    CHECK(grey->rows == rgb->rows);
    CHECK(grey->cols == rgb->cols);
    // Grey is close to the float luma of the RGB pixels (JPEG: its own Y channel).
    std::vector<float> luma(grey->grey.size());
    rgb_to_luma(rgb->rgb.data(), rgb->rows, rgb->cols, luma.data());
    double total = 0;
    for (std::size_t i = 0; i < luma.size(); ++i)
      total += static_cast<double>(std::abs(luma[i] - static_cast<float>(grey->grey[i])));
    CHECK(total / static_cast<double>(luma.size()) < 2.0);
  }
}

TEST_CASE("image decoder: RGB channel order and GIF palette") {
  // rgbtestsrc (samples/generate-samples.sh): horizontal bands of pure red, green and blue.
  const auto bytes = sample("Pictures/bars.gif");
  auto rgb = decode_rgb(kind_of(bytes), bytes, kMaxPixels);
  if (!rgb.ok()) {
    CHECK(rgb.error().message.find("gif decode unsupported") != std::string::npos);
    return;
  }
  REQUIRE(rgb->rows == 48);
  auto pixel = [&](int r, int c) {
    const std::size_t p =
        3 * (static_cast<std::size_t>(r) * static_cast<std::size_t>(rgb->cols) + static_cast<std::size_t>(c));
    return std::vector<int>{rgb->rgb[p], rgb->rgb[p + 1], rgb->rgb[p + 2]};
  };
  const auto top = pixel(2, rgb->cols - 1), middle = pixel(24, rgb->cols - 1), bottom = pixel(45, rgb->cols - 1);
  CHECK(top[0] > 200);
  CHECK(top[1] < 50);
  CHECK(top[2] < 50);
  CHECK(middle[1] > 200);
  CHECK(middle[0] < 50);
  CHECK(bottom[2] > 200);
  CHECK(bottom[0] < 50);
}

TEST_CASE("image decoder: EXIF orientation is not applied (pixels as stored)") {
  // IMG_0002.jpg is 160x120 with Orientation 6 (display rotated 90 degrees clockwise).
  const auto bytes = sample("DCIM/100TEST/IMG_0002.jpg");
  auto rgb = decode_rgb(kind_of(bytes), bytes, kMaxPixels);
  REQUIRE_MESSAGE(rgb.ok(), rgb.error().message);
  CHECK(rgb->cols == 160);
  CHECK(rgb->rows == 120);
}

TEST_CASE("image decoder: HEIF through libheif") {
  auto dir = test::require_corpus("exif-samples");
  if (!dir) return;
  const auto bytes = test::read_bytes(*dir / "heic" / "samplefilehub.heif");
  const MediaKind kind = kind_of(bytes);
  CHECK((kind.format == "heic" || kind.format == "heif"));
  auto rgb = decode_rgb(kind, bytes, kMaxPixels);
  REQUIRE_MESSAGE(rgb.ok(), rgb.error().message);
  CHECK(rgb->cols == 640);  // ExifTool: ImageSize 640 426
  CHECK(rgb->rows == 426);
  CHECK(varied(*rgb));
  const PdqResult pdq = pdq_from_rgb(rgb->rgb.data(), rgb->rows, rgb->cols);
  MESSAGE("samplefilehub.heif PDQ " << pdq.hash.to_hex() << " quality " << pdq.quality);
  CHECK(pdq.quality > 50);

  auto refused = decode_rgb(kind, bytes, 640 * 426 - 1);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().stage == "decode");
  CHECK(refused.error().message.find("exceeds the limit") != std::string::npos);
}

TEST_CASE("image decoder: the pixel limit is checked from the header, before decoding") {
  const auto bytes = sample("DCIM/100TEST/IMG_0001.jpg");  // 160 x 120
  CHECK(decode_rgb(kind_of(bytes), bytes, 160 * 120).ok());
  auto refused = decode_rgb(kind_of(bytes), bytes, 160 * 120 - 1);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message.find("exceeds the limit") != std::string::npos);
  CHECK_FALSE(decode_grey(kind_of(bytes), bytes, 100).ok());

  // A PNG header claiming 100000 x 100000 pixels, with no pixel data: refused, not allocated.
  const auto bomb = bytes_of({0x89, 'P',  'N',  'G',  0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 'I', 'H', 'D', 'R', 0x00,
                              0x01, 0x86, 0xA0, 0x00, 0x01, 0x86, 0xA0, 8,    2, 0, 0, 0,  0,   0,   0,   0});
  auto bomb_result = decode_rgb(kind_of(bomb), bomb, kMaxPixels);
  REQUIRE_FALSE(bomb_result.ok());
  CHECK(bomb_result.error().message.find("100000x100000") != std::string::npos);
}

TEST_CASE("image decoder: corrupt and truncated input gives an Error or a partial image, never a crash") {
  std::vector<std::vector<std::byte>> inputs;
  for (const char* file : {"DCIM/100TEST/IMG_0001.jpg", "Pictures/pattern.png", "Pictures/grid.bmp",
                           "Pictures/grid.tif", "Pictures/pattern.webp", "Pictures/bars.gif"}) {
    const auto whole = sample(file);
    for (std::size_t keep : {std::size_t{1}, std::size_t{8}, std::size_t{40}, whole.size() / 2, whole.size() - 1})
      inputs.emplace_back(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(std::min(keep, whole.size())));
    auto flipped = whole;  // damaged in the middle
    for (std::size_t i = whole.size() / 3; i < whole.size() / 3 + 64 && i < whole.size(); ++i)
      flipped[i] = static_cast<std::byte>(static_cast<int>(flipped[i]) ^ 0x5A);
    inputs.push_back(flipped);
  }
  inputs.push_back({});
  int errors = 0;
  for (const auto& input : inputs) {
    for (const char* format : {"", "jpeg", "png", "gif", "heic", "avif", "tiff", "webp", "bmp"}) {
      MediaKind kind = kind_of(input);
      if (*format != '\0') kind.format = format;
      auto rgb = decode_rgb(kind, input, kMaxPixels);
      auto grey = decode_grey(kind, input, kMaxPixels);
      if (!rgb.ok()) {
        ++errors;
        CHECK(rgb.error().stage == "decode");
        CHECK_FALSE(rgb.error().message.empty());
      } else {
        CHECK(rgb->rgb.size() == 3 * static_cast<std::size_t>(rgb->rows) * static_cast<std::size_t>(rgb->cols));
      }
      if (grey.ok())
        CHECK(grey->grey.size() == static_cast<std::size_t>(grey->rows) * static_cast<std::size_t>(grey->cols));
    }
  }
  CHECK(errors > 0);
}

}  // namespace triage
