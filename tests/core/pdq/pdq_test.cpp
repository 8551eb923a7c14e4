// PDQ core: hex form, Hamming distance, degenerate inputs, bit-exactness of the streamed SIMD
// downsampling against a plain full-size implementation of the published algorithm, and the
// dihedral variants against hashes of really rotated/flipped images.
#include "core/pdq/pdq.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "tests/core/pdq/pdq_test_images.h"

namespace triage {
namespace {

using test::blobs;
using test::transformed;

// ---- A plain implementation, straight from the algorithm description (pdq/README.md, the
// hashing doc, pdqhashing.cpp/downscaling.cpp): full-size buffers, one vector at a time. Slow,
// obviously in the reference's order; the production code must give the same bits.

void plain_box(const float* in, float* out, int n, int stride, int window) {
  const int half = (window + 2) / 2;
  float sum = 0.0f;
  int count = 0;
  int add = 0, sub = 0, o = 0;
  for (int i = 0; i < half - 1; ++i, ++add) sum += in[add * stride], ++count;
  for (int i = 0; i < window - half + 1; ++i, ++add, ++o) {
    sum += in[add * stride];
    ++count;
    out[o * stride] = sum / static_cast<float>(count);
  }
  for (int i = 0; i < n - window; ++i, ++add, ++sub, ++o) {
    sum += in[add * stride];
    sum -= in[sub * stride];
    out[o * stride] = sum / static_cast<float>(count);
  }
  for (int i = 0; i < half - 1; ++i, ++sub, ++o) {
    sum -= in[sub * stride];
    --count;
    out[o * stride] = sum / static_cast<float>(count);
  }
}

std::vector<float> plain_downsample(std::vector<float> a, int rows, int cols) {
  std::vector<float> b(a.size());
  const int along_rows = (cols + 127) / 128;
  const int along_cols = (rows + 127) / 128;
  for (int pass = 0; pass < 2; ++pass) {
    for (int r = 0; r < rows; ++r)
      plain_box(&a[static_cast<std::size_t>(r * cols)], &b[static_cast<std::size_t>(r * cols)], cols, 1, along_rows);
    for (int c = 0; c < cols; ++c)
      plain_box(&b[static_cast<std::size_t>(c)], &a[static_cast<std::size_t>(c)], rows, cols, along_cols);
  }
  std::vector<float> out(64 * 64);
  for (int i = 0; i < 64; ++i) {
    const int ii = static_cast<int>(((i + 0.5) * rows) / 64);
    for (int j = 0; j < 64; ++j) {
      const int jj = static_cast<int>(((j + 0.5) * cols) / 64);
      out[static_cast<std::size_t>(i * 64 + j)] = a[static_cast<std::size_t>(ii * cols + jj)];
    }
  }
  return out;
}

PdqResult plain_hash_of_64(const std::vector<float>& a) {
  auto at = [&](int i, int j) { return a[static_cast<std::size_t>(i * 64 + j)]; };
  int gradients = 0;
  for (int i = 0; i < 63; ++i)
    for (int j = 0; j < 64; ++j) gradients += std::abs(static_cast<int>(((at(i, j) - at(i + 1, j)) * 100.0f) / 255.0f));
  for (int i = 0; i < 64; ++i)
    for (int j = 0; j < 63; ++j) gradients += std::abs(static_cast<int>(((at(i, j) - at(i, j + 1)) * 100.0f) / 255.0f));

  std::vector<float> d(16 * 64);
  const float scale = static_cast<float>(std::sqrt(2.0 / 64.0));
  for (int i = 0; i < 16; ++i)
    for (int j = 0; j < 64; ++j)
      d[static_cast<std::size_t>(i * 64 + j)] = static_cast<float>(
          static_cast<double>(scale) * std::cos((std::numbers::pi / 2.0 / 64.0) * (i + 1) * (2 * j + 1)));
  std::vector<float> t(16 * 64), b(16 * 16);
  for (int i = 0; i < 16; ++i)
    for (int j = 0; j < 64; ++j) {
      float s = 0.0f;
      for (int k = 0; k < 64; ++k) s += d[static_cast<std::size_t>(i * 64 + k)] * at(k, j);
      t[static_cast<std::size_t>(i * 64 + j)] = s;
    }
  for (int i = 0; i < 16; ++i)
    for (int j = 0; j < 16; ++j) {
      float s = 0.0f;
      for (int k = 0; k < 64; ++k)
        s += t[static_cast<std::size_t>(i * 64 + k)] * d[static_cast<std::size_t>(j * 64 + k)];
      b[static_cast<std::size_t>(i * 16 + j)] = s;
    }
  std::vector<float> sorted = b;
  std::sort(sorted.begin(), sorted.end());
  const float median = sorted[127];  // Torben's median of 256 values: the 128th smallest
  PdqResult r;
  for (int k = 0; k < 256; ++k)
    if (b[static_cast<std::size_t>(k)] > median)
      r.hash.words[static_cast<std::size_t>(k / 16)] =
          static_cast<std::uint16_t>(r.hash.words[static_cast<std::size_t>(k / 16)] | (1U << (k % 16)));
  r.quality = std::min(100, gradients / 90);
  return r;
}

PdqResult plain_pdq(const std::vector<float>& luma, int rows, int cols) {
  if (rows < 5 || cols < 5) return {};
  return plain_hash_of_64(plain_downsample(luma, rows, cols));
}

// ---- synthetic images (generated patterns only) ----

std::vector<std::uint8_t> pattern_rgb(int rows, int cols, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::uint8_t> rgb(static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols) * 3);
  const double fx = 1.0 + static_cast<double>(rng() % 7), fy = 1.0 + static_cast<double>(rng() % 5);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      const double x = static_cast<double>(c) / cols, y = static_cast<double>(r) / rows;
      const double base = 110 + 70 * std::sin(6.28 * fx * x + 3 * y) * std::cos(6.28 * fy * y) + 60 * x * y;
      const double square = (x > 0.15 && x < 0.45 && y > 0.2 && y < 0.35) ? 60 : 0;  // breaks symmetry
      const std::size_t p =
          3 * (static_cast<std::size_t>(r) * static_cast<std::size_t>(cols) + static_cast<std::size_t>(c));
      const auto noise = [&] { return static_cast<double>(rng() % 9) - 4.0; };
      rgb[p] = static_cast<std::uint8_t>(std::clamp(base + square + noise(), 0.0, 255.0));
      rgb[p + 1] = static_cast<std::uint8_t>(std::clamp(base * 0.8 + noise(), 0.0, 255.0));
      rgb[p + 2] = static_cast<std::uint8_t>(std::clamp(255 - base + noise(), 0.0, 255.0));
    }
  return rgb;
}

std::vector<float> luma_of(const std::vector<std::uint8_t>& rgb, int rows, int cols) {
  std::vector<float> luma(static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols));
  rgb_to_luma(rgb.data(), rows, cols, luma.data());
  return luma;
}

constexpr const char* kSample = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

}  // namespace

TEST_CASE("pdq: hex round trip in the reference's word order") {
  const auto h = PdqHash::from_hex(kSample);
  REQUIRE(h);
  CHECK(h->to_hex() == kSample);
  CHECK(h->words[15] == 0xf8f8);  // printed first: most significant word
  CHECK(h->words[0] == 0x9b22);

  std::string upper = kSample;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](char c) { return static_cast<char>(std::toupper(c)); });
  REQUIRE(PdqHash::from_hex(upper));
  CHECK(PdqHash::from_hex(upper)->to_hex() == kSample);

  CHECK_FALSE(PdqHash::from_hex(""));
  CHECK_FALSE(PdqHash::from_hex(std::string(kSample).substr(1)));
  CHECK_FALSE(PdqHash::from_hex(std::string(kSample) + "0"));
  CHECK_FALSE(PdqHash::from_hex(std::string(63, '0') + "g"));
  CHECK_FALSE(PdqHash::from_hex(" " + std::string(kSample).substr(1)));

  // Bit k of the 16x16 block is bit k % 16 of word k / 16 (Hash256::setBit).
  const auto top = PdqHash::from_hex("8" + std::string(63, '0'));
  REQUIRE(top);
  CHECK(top->bit(255));
  CHECK_FALSE(top->bit(0));
  const auto bottom = PdqHash::from_hex(std::string(63, '0') + "1");
  REQUIRE(bottom);
  CHECK(bottom->bit(0));
  CHECK(bottom->words[0] == 1);
}

TEST_CASE("pdq: hamming distance") {
  const PdqHash a = *PdqHash::from_hex(kSample);
  PdqHash b = a;
  CHECK(hamming_distance(a, b) == 0);
  b.words[0] ^= 0x0001;
  b.words[7] ^= 0x8000;
  b.words[15] ^= 0x00F0;
  CHECK(hamming_distance(a, b) == 6);
  PdqHash inverse;
  for (std::size_t i = 0; i < 16; ++i) inverse.words[i] = static_cast<std::uint16_t>(~a.words[i]);
  CHECK(hamming_distance(a, inverse) == 256);
}

TEST_CASE("pdq: images under 5 pixels in either dimension hash to zero with quality 0") {
  for (const auto& [rows, cols] : std::vector<std::pair<int, int>>{{0, 0}, {4, 100}, {100, 4}, {1, 1}, {4, 4}}) {
    std::vector<float> luma(static_cast<std::size_t>(std::max(rows * cols, 1)), 200.0f);
    const PdqResult r = pdq_from_luma(luma.data(), rows, cols);
    CHECK(r.quality == 0);
    CHECK(r.hash == PdqHash{});
    for (const PdqResult& d : pdq_dihedral_from_luma(luma.data(), rows, cols)) {
      CHECK(d.quality == 0);
      CHECK(d.hash == PdqHash{});
    }
  }
  // 5 x 5 is hashable.
  const auto rgb = pattern_rgb(5, 5, 1);
  const auto luma = luma_of(rgb, 5, 5);
  const PdqResult r = pdq_from_luma(luma.data(), 5, 5);
  CHECK(r.hash == plain_pdq(luma, 5, 5).hash);
}

TEST_CASE("pdq: a featureless image has quality 0") {
  std::vector<float> flat(300 * 200, 128.0f);
  CHECK(pdq_from_luma(flat.data(), 300, 200).quality == 0);
}

TEST_CASE("pdq: the streamed SIMD downsampling gives the plain algorithm's bits exactly") {
  // Sizes around the strip (16 rows), lane (4) and window (128) boundaries, tall and wide.
  const std::vector<std::pair<int, int>> sizes = {{5, 5},    {5, 301},   {301, 5},   {17, 33},   {63, 65},
                                                  {65, 63},  {100, 160}, {128, 128}, {129, 127}, {255, 257},
                                                  {64, 300}, {37, 1000}, {1000, 37}, {513, 300}, {720, 1280}};
  std::uint32_t seed = 7;
  for (const auto& size : sizes) {  // no structured binding: CAPTURE's lambda takes it (clang 14)
    const int rows = size.first, cols = size.second;
    CAPTURE(rows);
    CAPTURE(cols);
    const auto rgb = pattern_rgb(rows, cols, ++seed);
    const auto luma = luma_of(rgb, rows, cols);
    const PdqResult expected = plain_pdq(luma, rows, cols);
    const PdqResult got = pdq_from_luma(luma.data(), rows, cols);
    CHECK(got.hash.to_hex() == expected.hash.to_hex());
    CHECK(got.quality == expected.quality);
    const auto dihedral = pdq_dihedral_from_luma(luma.data(), rows, cols);
    CHECK(dihedral[0].hash == expected.hash);
    CHECK(dihedral[0].quality == expected.quality);
    CHECK(pdq_from_rgb(rgb.data(), rows, cols).hash == expected.hash);
    CHECK(pdq_dihedral_from_rgb(rgb.data(), rows, cols)[3].hash == dihedral[3].hash);
  }
}

TEST_CASE("pdq: a 64x64 input is its own downsample (pdqHash256FromFloatLuma)") {
  const auto rgb = pattern_rgb(64, 64, 3);
  const auto luma = luma_of(rgb, 64, 64);
  const PdqResult direct = plain_hash_of_64(luma);
  CHECK(pdq_from_luma(luma.data(), 64, 64).hash == direct.hash);
  CHECK(pdq_from_rgb(rgb.data(), 64, 64).hash == direct.hash);
  // The dihedral entry point blurs like any other size, as the reference's does.
  CHECK(pdq_dihedral_from_luma(luma.data(), 64, 64)[0].hash == plain_pdq(luma, 64, 64).hash);
}

TEST_CASE("pdq: luma from RGB and grey bytes") {
  // Every byte value in every channel, at every position modulo the 4-pixel vector width.
  std::vector<std::uint8_t> rgb;
  for (int v = 0; v < 256; ++v)
    for (int k = 0; k < 3; ++k) {
      rgb.push_back(static_cast<std::uint8_t>(v));
      rgb.push_back(static_cast<std::uint8_t>((v * 7 + k) & 0xFF));
      rgb.push_back(static_cast<std::uint8_t>(255 - v));
    }
  const int cols = static_cast<int>(rgb.size() / 3);
  std::vector<float> luma(static_cast<std::size_t>(cols));
  rgb_to_luma(rgb.data(), 1, cols, luma.data());
  for (int i = 0; i < cols; ++i) {
    const std::size_t p = 3 * static_cast<std::size_t>(i);
    const float expected = 0.299f * static_cast<float>(rgb[p]) + 0.587f * static_cast<float>(rgb[p + 1]) +
                           0.114f * static_cast<float>(rgb[p + 2]);
    REQUIRE(luma[static_cast<std::size_t>(i)] == expected);
  }
  std::vector<std::uint8_t> grey(300 * 7);
  for (std::size_t i = 0; i < grey.size(); ++i) grey[i] = static_cast<std::uint8_t>(i * 31);
  std::vector<float> grey_luma(grey.size());
  grey_to_luma(grey.data(), 7, 300, grey_luma.data());
  CHECK(grey_luma[5] == static_cast<float>(grey[5]));
  CHECK(pdq_from_grey(grey.data(), 7, 300).hash == pdq_from_luma(grey_luma.data(), 7, 300).hash);
}

TEST_CASE("pdq: dihedral hashes match hashes of the transformed image") {
  // 320 x 320: the box windows (3) are odd and the decimation grid is mirror-symmetric, so
  // transforming the image and transforming the DCT must agree (up to float rounding order).
  // Other sizes shift the blur by half a pixel or the grid by one, which moves a few bits of
  // near-median coefficients (reported, loosely bounded).
  for (const auto& [rows0, cols0, bound] : std::vector<std::tuple<int, int, int>>{{320, 320, 2}, {240, 320, 32}}) {
    for (std::uint32_t seed = 1; seed <= 3; ++seed) {
      const auto luma = blobs(rows0, cols0, seed);
      const auto dihedral = pdq_dihedral_from_luma(luma.data(), rows0, cols0);
      CHECK(dihedral[0].hash == pdq_from_luma(luma.data(), rows0, cols0).hash);
      std::string distances;
      for (std::size_t v = 0; v < 8; ++v) {
        int rows = rows0, cols = cols0;
        const auto image = transformed(luma, rows, cols, static_cast<PdqDihedral>(v));
        const PdqResult direct = pdq_from_luma(image.data(), rows, cols);
        const int distance = hamming_distance(direct.hash, dihedral[v].hash);
        distances += " " + std::string(kPdqDihedralNames[v]) + "=" + std::to_string(distance);
        CHECK(distance <= bound);
        CHECK(std::abs(direct.quality - dihedral[v].quality) <= 2);
        // And far from the other variants: the transform is really the one named.
        for (std::size_t other = 0; other < 8; ++other)
          if (other != v) CHECK(hamming_distance(direct.hash, dihedral[other].hash) > 48);
      }
      MESSAGE(rows0 << "x" << cols0 << " seed " << seed
                    << ": distance to the hash of the transformed image:" << distances);
    }
  }
}

}  // namespace triage
