// Face counting (formats/image/face_counter): the cascade Debian ships (opencv-data) over the
// reduced grey decode PDQ uses. Truth: the "astronaut" photograph python3-imageio installs
// (imageio/resources/images/astronaut.png: NASA's public-domain portrait of astronaut Eileen
// Collins, also scikit-image's data.astronaut; one frontal face) and generated patterns (none).
// The corpus's photographs are checked in faces_conformance_test.cpp.
#include <doctest/doctest.h>

#include <cmath>

#include "core/media/sniff.h"
#include "formats/image/face_counter.h"
#include "formats/image/image_pdq.h"
#include "tests/support/test_support.h"

namespace triage {
namespace {

namespace fs = std::filesystem;

const fs::path kAstronaut = "/usr/lib/python3/dist-packages/imageio/resources/images/astronaut.png";

std::unique_ptr<FaceCounter> default_counter() {
  if (!test::require_package_file(kDefaultFaceModel, "opencv-data")) return nullptr;
  auto loaded = FaceCounter::load(kDefaultFaceModel);
  REQUIRE_MESSAGE(loaded.ok(), loaded.error().message);
  return std::move(loaded.value());
}

GreyImage decoded(const fs::path& file) {
  const auto bytes = test::read_bytes(file);
  auto grey = decode_for_pdq(sniff_media(bytes), bytes, 64'000'000);
  REQUIRE_MESSAGE(grey.ok(), grey.error().message);
  return grey.value();
}

// The picture turned a quarter clockwise, as a phone stores a portrait it tags orientation 8.
GreyImage turned_clockwise(const GreyImage& g) {
  GreyImage out{g.cols, g.rows, std::vector<std::uint8_t>(g.grey.size())};
  const auto rows = static_cast<std::size_t>(g.rows), cols = static_cast<std::size_t>(g.cols);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c) out.grey[c * rows + (rows - 1 - r)] = g.grey[r * cols + c];
  return out;
}

GreyImage side_by_side(const GreyImage& a, const GreyImage& b) {
  REQUIRE(a.rows == b.rows);
  GreyImage out{a.rows, a.cols + b.cols, {}};
  const auto ac = static_cast<std::ptrdiff_t>(a.cols), bc = static_cast<std::ptrdiff_t>(b.cols);
  for (std::ptrdiff_t r = 0; r < a.rows; ++r) {
    out.grey.insert(out.grey.end(), a.grey.begin() + r * ac, a.grey.begin() + (r + 1) * ac);
    out.grey.insert(out.grey.end(), b.grey.begin() + r * bc, b.grey.begin() + (r + 1) * bc);
  }
  return out;
}

const MediaKind kPatternPng = sniff_media(test::read_bytes(test::source_dir() / "samples/evidence/Pictures/pattern.png"));

}  // namespace

TEST_CASE("faces: a missing or foreign model is refused, naming the file and the package") {
  test::TempDir tmp;
  auto missing = FaceCounter::load(tmp / "none.xml");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().stage == "faces");
  CHECK(missing.error().message.find("opencv-data") != std::string::npos);
  test::write_text(tmp / "bad.xml", "<?xml version=\"1.0\"?><opencv_storage><x>1</x></opencv_storage>");
  auto foreign = FaceCounter::load(tmp / "bad.xml");
  REQUIRE_FALSE(foreign.ok());
  CHECK(foreign.error().message.find("not an OpenCV cascade") != std::string::npos);
  test::write_text(tmp / "junk.xml", "<<<< not xml");
  CHECK_FALSE(FaceCounter::load(tmp / "junk.xml").ok());
}

TEST_CASE("faces: none in generated patterns of every size") {
  auto counter = default_counter();
  if (!counter) return;
  for (const auto& size : {std::pair{8, 8}, {64, 64}, {320, 200}, {1200, 800}, {600, 2000}}) {
    const int w = size.first, h = size.second;  // clang cannot capture structured bindings
    for (unsigned seed = 0; seed < 4; ++seed) {
      const auto bmp = test::pattern_bmp(seed, w, h);
      auto grey = decode_for_pdq(sniff_media(bmp), bmp, 64'000'000);
      REQUIRE(grey.ok());
      auto n = counter->count(grey.value(), sniff_media(bmp), std::nullopt);
      REQUIRE(n.ok());
      CAPTURE(w);
      CAPTURE(seed);
      CHECK(n.value().faces == 0);
      CHECK(n.value().largest_share == 0);
    }
  }
  // Every orientation value, the nonsense ones included (EXIF is the evidence's, not ours).
  GreyImage flat{480, 640, std::vector<std::uint8_t>(480 * 640, 128)};
  for (const int orientation : {-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 65535}) {
    auto n = counter->count(flat, kPatternPng, orientation);
    REQUIRE(n.ok());
    CHECK(n.value().faces == 0);
  }
  // A picture already small enough is not shrunk: it must not be equalised in the caller's buffer.
  GreyImage small{100, 100, {}};
  for (int i = 0; i < 100 * 100; ++i) small.grey.push_back(static_cast<std::uint8_t>(100 + i % 50));
  const GreyImage before = small;
  CHECK(counter->count(small, kPatternPng, 1).value().faces == 0);
  CHECK(small.grey == before.grey);
  GreyImage tiny{19, 400, std::vector<std::uint8_t>(19 * 400, 7)};
  CHECK(counter->count(tiny, kPatternPng, 6).value().faces == 0);
}

TEST_CASE("faces: the astronaut photograph has one, two side by side have two, and orientation is applied") {
  auto counter = default_counter();
  const auto photo = test::require_package_file(kAstronaut, "python3-imageio");
  if (!counter || !photo) return;
  const GreyImage astronaut = decoded(*photo);
  CHECK(astronaut.rows == 512);

  auto one = counter->count(astronaut, kPatternPng, std::nullopt);
  REQUIRE(one.ok());
  CHECK(one.value().faces == 1);
  // Her face is about a fifth of the frame's width: some 4 % of its area.
  CHECK(one.value().largest_share > 0.02);
  CHECK(one.value().largest_share < 0.08);
  CHECK(one.value().largest_share == std::round(one.value().largest_share * 10'000) / 10'000);
  CHECK(counter->count(astronaut, kPatternPng, 1).value().faces == 1);

  auto two = counter->count(side_by_side(astronaut, astronaut), kPatternPng, std::nullopt);
  REQUIRE(two.ok());
  CHECK(two.value().faces == 2);
  // The same face in a frame twice as wide: half the share.
  CHECK(std::abs(two.value().largest_share - one.value().largest_share / 2) < 0.01);

  // Stored on its side with orientation 8: upright for the detector, which finds no face sideways.
  const GreyImage stored = turned_clockwise(astronaut);
  CHECK(counter->count(stored, kPatternPng, 8).value().faces == 1);
  CHECK(counter->count(stored, kPatternPng, std::nullopt).value().faces == 0);
  // HEIF's decoder already applied its rotation: the EXIF tag is not applied twice.
  const MediaKind heif{MediaType::image, "heif", "image/heif", "heic heif"};
  CHECK(counter->count(stored, heif, 8).value().faces == 0);
}

}  // namespace triage
