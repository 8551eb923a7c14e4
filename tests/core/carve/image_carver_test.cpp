// Carving by structure, and the shift test (habit 10): the same image behind a longer prefix
// is reported at an offset larger by exactly the prefix's length.
#include "core/carve/image_carver.h"

#include <doctest/doctest.h>

#include "tests/support/test_support.h"

using namespace triage;

namespace {

std::vector<std::byte> sample(const std::string& rel) {
  return test::read_bytes(test::source_dir() / "samples" / "evidence" / rel);
}

// Deterministic filler that holds no signature: a byte pattern free of 0xFF, 0x89 and 'G'.
std::vector<std::byte> filler(std::size_t size) {
  std::vector<std::byte> out(size);
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<std::byte>(0x20 + (i * 7) % 0x20);
  return out;
}

std::vector<std::byte> planted(std::size_t prefix, const std::vector<std::byte>& file, std::size_t suffix) {
  auto out = filler(prefix);
  out.insert(out.end(), file.begin(), file.end());
  const auto tail = filler(suffix);
  out.insert(out.end(), tail.begin(), tail.end());
  return out;
}

}  // namespace

TEST_CASE("a whole JPEG, PNG and GIF are measured to their last byte") {
  const auto jpeg = sample("DCIM/100TEST/IMG_0001.jpg");
  const auto png = sample("Pictures/pattern.png");
  const auto gif = sample("Pictures/bars.gif");
  CHECK(jpeg_length(jpeg) == jpeg.size());
  CHECK(png_length(png) == png.size());
  CHECK(gif_length(gif) == gif.size());
}

TEST_CASE("shift test: the same images behind prefixes 65 bytes apart are found 65 bytes apart") {
  for (const char* rel : {"DCIM/100TEST/IMG_0001.jpg", "Pictures/pattern.png", "Pictures/bars.gif"}) {
    CAPTURE(rel);
    const auto file = sample(rel);
    const auto a = planted(1000, file, 300);
    const auto b = planted(1065, file, 300);
    const auto hits_a = carve_images(a, a.size(), 1u << 20);
    const auto hits_b = carve_images(b, b.size(), 1u << 20);
    REQUIRE(hits_a.size() == 1);
    REQUIRE(hits_b.size() == 1);
    CHECK(hits_a[0].offset == 1000);
    CHECK(hits_b[0].offset - hits_a[0].offset == 65);
    CHECK(hits_a[0].length == file.size());
    CHECK(hits_b[0].length == file.size());
  }
}

TEST_CASE("broken structure is not carved: truncated JPEG, PNG with a bad CRC, GIF without trailer") {
  const auto whole_jpeg = sample("DCIM/100TEST/IMG_0001.jpg");
  REQUIRE(whole_jpeg.size() > 2);
  const std::vector<std::byte> jpeg(whole_jpeg.begin(), whole_jpeg.end() - 2);  // no EOI
  CHECK(jpeg_length(jpeg) == 0);
  auto png = sample("Pictures/pattern.png");
  png[png.size() / 2] ^= std::byte{0x01};
  CHECK(png_length(png) == 0);
  const auto whole_gif = sample("Pictures/bars.gif");
  REQUIRE(!whole_gif.empty());
  const std::vector<std::byte> gif(whole_gif.begin(), whole_gif.end() - 1);  // no trailer
  CHECK(gif_length(gif) == 0);
  CHECK(carve_images(planted(10, jpeg, 10), 1000, 1u << 20).empty());
}

TEST_CASE("only images starting before scan_limit and no longer than max_length are reported") {
  const auto file = sample("Pictures/pattern.png");
  const auto data = planted(100, file, 0);
  CHECK(carve_images(data, 100, 1u << 20).empty());
  CHECK(carve_images(data, 101, 1u << 20).size() == 1);
  CHECK(carve_images(data, data.size(), file.size() - 1).empty());
}
