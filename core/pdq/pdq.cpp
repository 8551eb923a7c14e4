#include "core/pdq/pdq.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <numbers>
#include <vector>

#include "core/pdq/pdq_downsample.h"
#include "core/text/hex.h"

// Every float operation below happens in the order the reference performs it (file names are
// those of facebook/ThreatExchange pdq/cpp): the same luma then gives the same bits, not just
// nearby ones. Loops are reorganised for speed only across independent values (different rows,
// columns or coefficients), never within one running sum. A fused multiply-add would round once
// where the reference rounds twice, so contraction must stay off: only a target with FMA (e.g.
// -march=native) can contract; GCC's pragma costs speed (it blocks inlining), hence only there.
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__) && defined(__FMA__)
#pragma GCC optimize("fp-contract=off")
#endif

namespace triage {
namespace {

using pdq::Block64;
using pdq::kDownsampled;
constexpr int kMinHashableDim = 5;  // pdqhashing.cpp MIN_HASHABLE_DIM
constexpr int kDctSize = 16;        // PDQ keeps DCT coefficients 1..16 in each direction
using Block16 = std::array<float, kDctSize * kDctSize>;

std::size_t idx(int i) { return static_cast<std::size_t>(i); }

// pdqImageDomainQualityMetric: sum of quantised gradients between neighbours of the 64x64
// downsample, d = (int)(((u - v) * 100) / 255) in float, |d| summed; quality = sum / 90
// (integer division), at most 100.
int quality_metric(const Block64& a) {
  int gradient_sum = 0;
  auto grad = [](float u, float v) { return std::abs(static_cast<int>(((u - v) * 100.0f) / 255.0f)); };
  for (std::size_t i = 0; i + 1 < kDownsampled; ++i)
    for (std::size_t j = 0; j < kDownsampled; ++j)
      gradient_sum += grad(a[i * kDownsampled + j], a[(i + 1) * kDownsampled + j]);
  for (std::size_t i = 0; i < kDownsampled; ++i)
    for (std::size_t j = 0; j + 1 < kDownsampled; ++j)
      gradient_sum += grad(a[i * kDownsampled + j], a[i * kDownsampled + j + 1]);
  return std::min(100, gradient_sum / 90);
}

// pdqhashing.cpp dct_matrix_64: rows 1..16 of the 64-point DCT-II,
// D[i][j] = sqrt(2/64) * cos((pi / 2 / 64) * (i + 1) * (2j + 1)), the scale rounded to float,
// the product taken in double and stored as float.
struct DctMatrix {
  std::array<float, kDctSize * kDownsampled> d{};   // D, 16 x 64
  std::array<float, kDownsampled * kDctSize> dt{};  // D transposed, 64 x 16
  DctMatrix() {
    const float scale = static_cast<float>(std::sqrt(2.0 / kDownsampled));
    for (std::size_t i = 0; i < kDctSize; ++i) {
      for (std::size_t j = 0; j < kDownsampled; ++j) {
        const double angle = (std::numbers::pi / 2.0 / kDownsampled) * static_cast<double>(i + 1) *
                             static_cast<double>(2 * j + 1);
        const float value = static_cast<float>(static_cast<double>(scale) * std::cos(angle));
        d[i * kDownsampled + j] = value;
        dt[j * kDctSize + i] = value;
      }
    }
  }
};

const DctMatrix& dct_matrix() {
  static const DctMatrix matrix;
  return matrix;
}

// dct64To16: B = D A D^T through T = D A. Each coefficient is a float sum over k = 0..63 in
// ascending order, as the reference accumulates it; here vectorised across the other index.
void dct_64_to_16(const Block64& a, Block16& b) {
  const DctMatrix& m = dct_matrix();
  std::array<float, kDctSize * kDownsampled> t{};
  for (std::size_t i = 0; i < kDctSize; ++i) {
    float* ti = t.data() + i * kDownsampled;
    for (std::size_t k = 0; k < kDownsampled; ++k) {
      const float dik = m.d[i * kDownsampled + k];
      const float* ak = a.data() + k * kDownsampled;
      for (std::size_t j = 0; j < kDownsampled; ++j) ti[j] += dik * ak[j];
    }
  }
  for (std::size_t i = 0; i < kDctSize; ++i) {
    float bi[kDctSize] = {};
    for (std::size_t k = 0; k < kDownsampled; ++k) {
      const float tik = t[i * kDownsampled + k];
      const float* dk = m.dt.data() + k * kDctSize;
      for (std::size_t j = 0; j < kDctSize; ++j) bi[j] += tik * dk[j];
    }
    std::copy(bi, bi + kDctSize, b.begin() + static_cast<std::ptrdiff_t>(i * kDctSize));
  }
}

// pdqBuffer16x16ToBits: bit 16 i + j is set when coefficient (i, j) is strictly above the median.
// The reference takes the median with Torben's algorithm, which for 256 values returns the
// ((256 + 1) / 2)-th smallest, i.e. element 127 of the sorted values: nth_element gives the same.
PdqHash bits_from_dct(const Block16& b) {
  PdqHash hash;
  if (!std::all_of(b.begin(), b.end(), [](float v) { return std::isfinite(v); })) return hash;  // not luma
  Block16 sorted = b;
  std::nth_element(sorted.begin(), sorted.begin() + 127, sorted.end());
  const float median = sorted[127];
  for (std::size_t i = 0; i < kDctSize; ++i) {
    std::uint16_t word = 0;
    for (std::size_t j = 0; j < kDctSize; ++j)
      if (b[i * kDctSize + j] > median) word = static_cast<std::uint16_t>(word | (1U << j));
    hash.words[i] = word;
  }
  return hash;
}

// dct16OriginalTo*: a dihedral transform of the image only permutes (transposes) and flips the
// signs of the DCT coefficients. Rotate 90 and 270, flip plus1 and minus1 transpose; the sign
// of coefficient (i, j) of the source flips: rot90 when j is even, rot180 when i + j is odd,
// rot270 when i is even, flip x when i is even, flip y when j is even, flip minus1 when i + j
// is odd; flip plus1 keeps all signs.
Block16 dihedral_dct(const Block16& a, PdqDihedral which) {
  const bool transpose = which == PdqDihedral::rotate90 || which == PdqDihedral::rotate270 ||
                         which == PdqDihedral::flip_plus1 || which == PdqDihedral::flip_minus1;
  Block16 b{};
  for (std::size_t i = 0; i < kDctSize; ++i) {
    for (std::size_t j = 0; j < kDctSize; ++j) {
      const bool i_even = (i & 1) == 0;
      const bool j_even = (j & 1) == 0;
      bool negate = false;
      switch (which) {
        case PdqDihedral::original: break;
        case PdqDihedral::rotate90: negate = j_even; break;
        case PdqDihedral::rotate180: negate = i_even != j_even; break;
        case PdqDihedral::rotate270: negate = i_even; break;
        case PdqDihedral::flip_x: negate = i_even; break;
        case PdqDihedral::flip_y: negate = j_even; break;
        case PdqDihedral::flip_plus1: break;
        case PdqDihedral::flip_minus1: negate = i_even != j_even; break;
      }
      const float v = a[i * kDctSize + j];
      b[transpose ? j * kDctSize + i : i * kDctSize + j] = negate ? -v : v;
    }
  }
  return b;
}

bool too_small(int rows, int cols) { return rows < kMinHashableDim || cols < kMinHashableDim; }

}  // namespace

// PDQ's own text: words[15] first, each word as four hex digits (big-endian bytes).
std::string PdqHash::to_hex() const {
  std::array<std::uint8_t, 32> bytes{};
  for (std::size_t k = 0; k < words.size(); ++k) {
    const unsigned word = words[words.size() - 1 - k];
    bytes[2 * k] = static_cast<std::uint8_t>(word >> 8);
    bytes[2 * k + 1] = static_cast<std::uint8_t>(word & 0xFFU);
  }
  return triage::to_hex(std::span<const std::uint8_t>(bytes));
}

std::optional<PdqHash> PdqHash::from_hex(std::string_view hex) {
  std::array<std::uint8_t, 32> bytes{};
  if (!parse_hex_into(hex, bytes)) return std::nullopt;
  PdqHash hash;
  for (std::size_t k = 0; k < hash.words.size(); ++k)
    hash.words[hash.words.size() - 1 - k] = static_cast<std::uint16_t>(bytes[2 * k] << 8 | bytes[2 * k + 1]);
  return hash;
}

int hamming_distance(const PdqHash& a, const PdqHash& b) {
  int bits = 0;
  for (std::size_t i = 0; i < a.words.size(); i += 4) {
    std::uint64_t x = 0;
    for (std::size_t k = 0; k < 4; ++k)
      x |= static_cast<std::uint64_t>(a.words[i + k] ^ b.words[i + k]) << (16 * k);
    bits += std::popcount(x);
  }
  return bits;
}

void rgb_to_luma(const std::uint8_t* rgb, int rows, int cols, float* out) {
  for (int r = 0; r < rows; ++r) pdq::luma_row_from_rgb(rgb + 3 * idx(r) * idx(cols), cols, out + idx(r) * idx(cols));
}

void grey_to_luma(const std::uint8_t* grey, int rows, int cols, float* out) {
  for (int r = 0; r < rows; ++r) pdq::luma_row_from_grey(grey + idx(r) * idx(cols), cols, out + idx(r) * idx(cols));
}

namespace {

// The hash and quality of an image's 64x64 (`downsample` fills it, unless the image is too small).
template <typename Downsample>
PdqResult hash_of(int rows, int cols, Downsample&& downsample) {
  if (too_small(rows, cols)) return {};
  Block64 small{};
  downsample(small);
  Block16 dct{};
  dct_64_to_16(small, dct);
  return {bits_from_dct(dct), quality_metric(small)};
}

// The same for the eight rotations and mirrors, from one downsample and one DCT.
template <typename Downsample>
std::array<PdqResult, 8> dihedral_of(int rows, int cols, Downsample&& downsample) {
  std::array<PdqResult, 8> results{};
  if (too_small(rows, cols)) return results;
  Block64 small{};
  downsample(small);
  const int quality = quality_metric(small);
  Block16 dct{};
  dct_64_to_16(small, dct);
  for (std::size_t v = 0; v < results.size(); ++v) {
    results[v].hash = bits_from_dct(dihedral_dct(dct, static_cast<PdqDihedral>(v)));
    results[v].quality = quality;
  }
  return results;
}

}  // namespace

PdqResult pdq_from_luma(const float* luma, int rows, int cols) {
  if (rows == kDownsampled && cols == kDownsampled) {
    // pdqFloat256FromFloatLuma: a 64x64 input (e.g. a video frame already scaled) is its own
    // downsample; no blur.
    Block64 small{};
    std::copy(luma, luma + small.size(), small.begin());
    Block16 dct{};
    dct_64_to_16(small, dct);
    return {bits_from_dct(dct), quality_metric(small)};
  }
  return hash_of(rows, cols, [&](Block64& out) { pdq::downsample_luma_to_64(luma, rows, cols, out); });
}

PdqResult pdq_from_rgb(const std::uint8_t* rgb, int rows, int cols) {
  if (rows == kDownsampled && cols == kDownsampled) {
    std::vector<float> luma(idx(rows) * idx(cols));
    rgb_to_luma(rgb, rows, cols, luma.data());
    return pdq_from_luma(luma.data(), rows, cols);
  }
  return hash_of(rows, cols, [&](Block64& out) { pdq::downsample_rgb_to_64(rgb, rows, cols, out); });
}

PdqResult pdq_from_grey(const std::uint8_t* grey, int rows, int cols) {
  if (rows == kDownsampled && cols == kDownsampled) {
    std::vector<float> luma(idx(rows) * idx(cols));
    grey_to_luma(grey, rows, cols, luma.data());
    return pdq_from_luma(luma.data(), rows, cols);
  }
  return hash_of(rows, cols, [&](Block64& out) { pdq::downsample_grey_to_64(grey, rows, cols, out); });
}

std::array<PdqResult, 8> pdq_dihedral_from_luma(const float* luma, int rows, int cols) {
  return dihedral_of(rows, cols, [&](Block64& out) { pdq::downsample_luma_to_64(luma, rows, cols, out); });
}

std::array<PdqResult, 8> pdq_dihedral_from_rgb(const std::uint8_t* rgb, int rows, int cols) {
  return dihedral_of(rows, cols, [&](Block64& out) { pdq::downsample_rgb_to_64(rgb, rows, cols, out); });
}

std::array<PdqResult, 8> pdq_dihedral_from_grey(const std::uint8_t* grey, int rows, int cols) {
  return dihedral_of(rows, cols, [&](Block64& out) { pdq::downsample_grey_to_64(grey, rows, cols, out); });
}

}  // namespace triage
