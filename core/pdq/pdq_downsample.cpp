// PDQ's blur and decimation to 64x64 (pdq_downsample.h), in the reference's float order.
#include "core/pdq/pdq_downsample.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

namespace triage::pdq {
namespace {



// Luma weights of pdqhashing.cpp ("standard RGB to luminance"), float constants.
constexpr float kLumaR = 0.299f;
constexpr float kLumaG = 0.587f;
constexpr float kLumaB = 0.114f;

std::size_t idx(int i) { return static_cast<std::size_t>(i); }

// downscaling.cpp computeJaroszFilterWindowSize(old, 64) = (old + 2*64 - 1) / (2*64): a 128th of
// the dimension rounded up, since two box passes make the full tent over a 64th.
int jarosz_window(int dimension) { return (dimension + 2 * kDownsampled - 1) / (2 * kDownsampled); }

// decimateFloat samples the blurred image at target centres, (int)(((out + 0.5) * in) / 64) in
// double; that is exactly floor((2 * out + 1) * in / 128) in integers.
int decimation_index(int out, int in) {
  return static_cast<int>((static_cast<std::int64_t>(2 * out + 1) * in) / (2 * kDownsampled));
}

// Four floats side by side: SSE2 where the target has it (every x86-64), plain floats elsewhere.
// Each lane's add, subtract, multiply and divide is the IEEE single-precision operation the
// scalar reference performs, so results are the same either way.
#if defined(__SSE2__)
struct F4 {
  __m128 v;
  static F4 load(const float* p) { return {_mm_loadu_ps(p)}; }
  static F4 splat(float x) { return {_mm_set1_ps(x)}; }
  static F4 zero() { return {_mm_setzero_ps()}; }
  static F4 of(float a, float b, float c, float d) { return {_mm_setr_ps(a, b, c, d)}; }
  void store(float* p) const { _mm_storeu_ps(p, v); }
  float lane(int k) const {
    alignas(16) float x[4];
    _mm_store_ps(x, v);
    return x[k];
  }
  friend F4 operator+(F4 a, F4 b) { return {_mm_add_ps(a.v, b.v)}; }
  friend F4 operator-(F4 a, F4 b) { return {_mm_sub_ps(a.v, b.v)}; }
  friend F4 operator*(F4 a, F4 b) { return {_mm_mul_ps(a.v, b.v)}; }
  friend F4 operator/(F4 a, F4 b) { return {_mm_div_ps(a.v, b.v)}; }
};

// In place: rows a, b, c, d of a 4x4 block become its columns.
void transpose(F4& a, F4& b, F4& c, F4& d) {
  const __m128 ab_lo = _mm_unpacklo_ps(a.v, b.v);  // a0 b0 a1 b1
  const __m128 cd_lo = _mm_unpacklo_ps(c.v, d.v);  // c0 d0 c1 d1
  const __m128 ab_hi = _mm_unpackhi_ps(a.v, b.v);  // a2 b2 a3 b3
  const __m128 cd_hi = _mm_unpackhi_ps(c.v, d.v);  // c2 d2 c3 d3
  a.v = _mm_movelh_ps(ab_lo, cd_lo);
  b.v = _mm_movehl_ps(cd_lo, ab_lo);
  c.v = _mm_movelh_ps(ab_hi, cd_hi);
  d.v = _mm_movehl_ps(cd_hi, ab_hi);
}

#else
struct F4 {
  std::array<float, 4> x;
  static F4 load(const float* p) { return {{p[0], p[1], p[2], p[3]}}; }
  static F4 splat(float v) { return {{v, v, v, v}}; }
  static F4 zero() { return splat(0.0f); }
  static F4 of(float a, float b, float c, float d) { return {{a, b, c, d}}; }
  void store(float* p) const { std::copy(x.begin(), x.end(), p); }
  float lane(int k) const { return x[idx(k)]; }
  friend F4 operator+(F4 a, F4 b) { return {{a.x[0] + b.x[0], a.x[1] + b.x[1], a.x[2] + b.x[2], a.x[3] + b.x[3]}}; }
  friend F4 operator-(F4 a, F4 b) { return {{a.x[0] - b.x[0], a.x[1] - b.x[1], a.x[2] - b.x[2], a.x[3] - b.x[3]}}; }
  friend F4 operator*(F4 a, F4 b) { return {{a.x[0] * b.x[0], a.x[1] * b.x[1], a.x[2] * b.x[2], a.x[3] * b.x[3]}}; }
  friend F4 operator/(F4 a, F4 b) { return {{a.x[0] / b.x[0], a.x[1] / b.x[1], a.x[2] / b.x[2], a.x[3] / b.x[3]}}; }
};

void transpose(F4& a, F4& b, F4& c, F4& d) {
  const F4 r[4] = {a, b, c, d};
  F4* out[4] = {&a, &b, &c, &d};
  for (std::size_t i = 0; i < 4; ++i)
    for (std::size_t k = 0; k < 4; ++k) out[i]->x[k] = r[k].x[i];
}

#endif

// Division by a window count. A power of two divides as a multiplication by its reciprocal:
// the real results are equal and both operations round once, so the floats are identical, and
// multiplying is much cheaper (counts of 8, 16, 32 are common: 1024 or 4096 pixel sides).
struct Divisor {
  F4 count;
  F4 reciprocal;
  bool power_of_two;
  explicit Divisor(int c)
      : count(F4::splat(static_cast<float>(c))),
        reciprocal(F4::splat(1.0f / static_cast<float>(c))),
        power_of_two(std::has_single_bit(static_cast<unsigned>(c))) {}
};
F4 operator/(F4 a, const Divisor& d) { return d.power_of_two ? a * d.reciprocal : a / d.count; }

// The horizontal passes filter a strip of 16 rows at once: 4 groups of 4, each group's rows
// side by side in one F4. Four independent running sums per step hide the add latency that one
// sum would be bound by.
constexpr int kLanes = 4;
constexpr int kGroups = 4;
constexpr int kStripRows = kLanes * kGroups;

struct F16 {
  std::array<F4, kGroups> g;
  static F16 zero() { return {{F4::zero(), F4::zero(), F4::zero(), F4::zero()}}; }
  friend F16 operator+(const F16& a, const F16& b) {
    return {{a.g[0] + b.g[0], a.g[1] + b.g[1], a.g[2] + b.g[2], a.g[3] + b.g[3]}};
  }
  friend F16 operator-(const F16& a, const F16& b) {
    return {{a.g[0] - b.g[0], a.g[1] - b.g[1], a.g[2] - b.g[2], a.g[3] - b.g[3]}};
  }
  friend F16 operator/(const F16& a, const Divisor& d) {
    return {{a.g[0] / d, a.g[1] / d, a.g[2] / d, a.g[3] / d}};
  }
  float lane(int row) const { return g[idx(row / kLanes)].lane(row % kLanes); }
};

int round_up_to_lanes(int n) { return (n + kLanes - 1) / kLanes * kLanes; }

// One 1-D box filter as downscaling.cpp box1DFloat runs it over a vector of length n with a
// full window w (half = (w + 2) / 2), as one running float sum. Step t adds x[t] (t < n), then
// subtracts x[t - w] (t >= w), then writes out[t - lag] = sum / count (t >= lag = half - 1),
// count being the number of elements in the window. The reference's four phases (add only;
// add + write; add + subtract + write; subtract + write) are these steps in this order.
struct BoxWindow {
  int n;
  int w;
  int lag;
  BoxWindow(int length, int window) : n(length), w(window), lag((window + 2) / 2 - 1) {}
  int steps() const { return n + lag; }
  int count(int t) const { return std::min(t + 1, n) - std::max(0, t - w + 1); }
};

// The filter over 16 interleaved vectors (x[t] holds element t of each), every output written.
void box_all(const F16* x, const BoxWindow& box, F16* out) {
  F16 sum = F16::zero();
  int t = 0;
  for (; t < box.lag; ++t) sum = sum + x[t];
  for (; t < box.w; ++t) {
    sum = sum + x[t];
    out[t - box.lag] = sum / Divisor(box.count(t));
  }
  const Divisor full(box.w);
  for (; t < box.n; ++t) {
    sum = sum + x[t];
    sum = sum - x[t - box.w];
    out[t - box.lag] = sum / full;
  }
  for (; t < box.steps(); ++t) {
    sum = sum - x[t - box.w];
    out[t - box.lag] = sum / Divisor(box.count(t));
  }
}

// The same filter, dividing only at the wanted outputs (ascending, possibly repeated):
// emit(i, value) for each i with want[i] == output index.
template <typename Emit>
void box_wanted(const F16* x, const BoxWindow& box, const std::array<int, 64>& want, Emit&& emit) {
  F16 sum = F16::zero();
  int t = 0;  // steps done
  for (std::size_t next = 0; next < want.size();) {
    const int until = want[next] + box.lag + 1;  // the step that makes output want[next]
    for (; t < std::min(until, box.w); ++t) sum = sum + x[t];
    for (; t < std::min(until, box.n); ++t) {
      sum = sum + x[t];
      sum = sum - x[t - box.w];
    }
    for (; t < until; ++t) sum = sum - x[t - box.w];
    const F16 value = sum / Divisor(box.count(t - 1));
    for (; next < want.size() && want[next] + box.lag + 1 == until; ++next) emit(next, value);
  }
}

// Luma of one row of interleaved RGB (fillFloatLumaFromRGB's arithmetic: each channel times
// its float weight, then (R + G) + B).
void rgb_row_to_luma(const std::uint8_t* rgb, int n, float* out) {
  int j = 0;
#if defined(__SSE2__)
  // Four pixels (12 bytes) at a time: widen to 32-bit lanes R0 G0 B0 R1 | G1 B1 R2 G2 | B2 R3 G3 B3,
  // multiply each lane by its channel's weight, then regroup the products by channel.
  const __m128i zero = _mm_setzero_si128();
  const __m128 w0 = _mm_setr_ps(kLumaR, kLumaG, kLumaB, kLumaR);
  const __m128 w1 = _mm_setr_ps(kLumaG, kLumaB, kLumaR, kLumaG);
  const __m128 w2 = _mm_setr_ps(kLumaB, kLumaR, kLumaG, kLumaB);
  for (; j + 4 <= n; j += 4) {
    const std::uint8_t* p = rgb + 3 * idx(j);
    std::int32_t last4 = 0;
    std::memcpy(&last4, p + 8, sizeof last4);
    const __m128i first8 = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p));
    const __m128i words_lo = _mm_unpacklo_epi8(first8, zero);
    const __m128i words_hi = _mm_unpacklo_epi8(_mm_cvtsi32_si128(last4), zero);
    const __m128 v0 = _mm_mul_ps(_mm_cvtepi32_ps(_mm_unpacklo_epi16(words_lo, zero)), w0);  // r0 g0 b0 r1
    const __m128 v1 = _mm_mul_ps(_mm_cvtepi32_ps(_mm_unpackhi_epi16(words_lo, zero)), w1);  // g1 b1 r2 g2
    const __m128 v2 = _mm_mul_ps(_mm_cvtepi32_ps(_mm_unpacklo_epi16(words_hi, zero)), w2);  // b2 r3 g3 b3
    const __m128 r = _mm_shuffle_ps(v0, _mm_shuffle_ps(v1, v2, _MM_SHUFFLE(0, 1, 0, 2)), _MM_SHUFFLE(2, 0, 3, 0));
    const __m128 g = _mm_shuffle_ps(_mm_shuffle_ps(v0, v1, _MM_SHUFFLE(0, 0, 0, 1)),
                                    _mm_shuffle_ps(v1, v2, _MM_SHUFFLE(0, 2, 0, 3)), _MM_SHUFFLE(2, 0, 2, 0));
    const __m128 b = _mm_shuffle_ps(_mm_shuffle_ps(v0, v1, _MM_SHUFFLE(0, 1, 0, 2)), v2, _MM_SHUFFLE(3, 0, 2, 0));
    _mm_storeu_ps(out + j, _mm_add_ps(_mm_add_ps(r, g), b));
  }
#endif
  for (; j < n; ++j) {
    const std::uint8_t* p = rgb + 3 * idx(j);
    out[j] = kLumaR * static_cast<float>(p[0]) + kLumaG * static_cast<float>(p[1]) +
             kLumaB * static_cast<float>(p[2]);
  }
}

void grey_row_to_luma(const std::uint8_t* grey, int n, float* out) {
  for (std::size_t j = 0; j < idx(n); ++j) out[j] = static_cast<float>(grey[j]);
}

// pdqFloat256FromFloatLuma's downsampling: jaroszFilterFloat (twice a horizontal then a vertical
// box filter) and decimateFloat to 64x64, bit for bit, but streamed so that the working set
// stays in cache whatever the image size:
// - horizontal pass 1 runs on strips of 16 rows (transposed so that their running sums sit side
//   by side) into a ring of rows just deep enough for the vertical window;
// - vertical pass 1 runs across whole rows (one running sum per column), 16 output rows at a
//   time, and hands them over transposed;
// - horizontal pass 2 on those 16 rows keeps only the 64 decimation columns;
// - vertical pass 2 on rows x 64 keeps only the 64 decimation rows.
// luma_row(r, scratch) gives row r as `cols` floats: a pointer into the caller's image, or
// `scratch` (room for cols floats) filled.
template <typename LumaRow>
void downsample_to_64(LumaRow&& luma_row, int rows, int cols, Block64& out) {
  const BoxWindow horizontal(cols, jarosz_window(cols));  // windowSizeAlongRows
  const BoxWindow vertical(rows, jarosz_window(rows));    // windowSizeAlongCols
  std::array<int, kDownsampled> want_col{};
  std::array<int, kDownsampled> want_row{};
  for (int q = 0; q < kDownsampled; ++q) {
    want_col[idx(q)] = decimation_index(q, cols);
    want_row[idx(q)] = decimation_index(q, rows);
  }

  const int width = round_up_to_lanes(cols);  // rows padded to whole F4s; the padding stays 0
  const int ring_rows = vertical.w + 2 * kStripRows;
  std::vector<float> ring(idx(ring_rows) * idx(width), 0.0f);
  auto ring_row = [&](int r) { return ring.data() + idx(r % ring_rows) * idx(width); };
  const std::vector<float> zero_row(idx(width), 0.0f);
  std::vector<float> scratch(idx(kStripRows) * idx(width), 0.0f);
  std::vector<F16> strip_in(idx(width));
  std::vector<F16> strip_out(idx(width));
  std::vector<F4> vsum(idx(width) / kLanes, F4::zero());
  std::vector<float> kept_cols(idx(rows) * kDownsampled);  // horizontal pass 2 output, rows x 64

  // Horizontal pass 1 on the next 16 rows, into the ring (rows past the end read as zeros).
  int produced = 0;
  auto produce_strip = [&] {
    const int first = produced;
    const int used = std::min(kStripRows, rows - first);
    const float* src[kStripRows];
    for (int k = 0; k < kStripRows; ++k)
      src[k] = k < used ? luma_row(first + k, scratch.data() + idx(k) * idx(width)) : zero_row.data();
    for (std::size_t g = 0; g < kGroups; ++g) {
      const float* const* in = src + g * kLanes;
      int j = 0;
      for (; j + kLanes <= cols; j += kLanes) {
        F4 a = F4::load(in[0] + j), b = F4::load(in[1] + j), c = F4::load(in[2] + j), d = F4::load(in[3] + j);
        transpose(a, b, c, d);
        strip_in[idx(j)].g[g] = a;
        strip_in[idx(j) + 1].g[g] = b;
        strip_in[idx(j) + 2].g[g] = c;
        strip_in[idx(j) + 3].g[g] = d;
      }
      for (; j < cols; ++j) strip_in[idx(j)].g[g] = F4::of(in[0][j], in[1][j], in[2][j], in[3][j]);
    }
    box_all(strip_in.data(), horizontal, strip_out.data());
    for (int g = 0; g * kLanes < used; ++g) {
      float* dst[kLanes];
      const int group_used = std::min(kLanes, used - g * kLanes);
      for (int k = 0; k < group_used; ++k) dst[k] = ring_row(first + g * kLanes + k);
      int j = 0;
      for (; j + kLanes <= cols; j += kLanes) {
        F4 a = strip_out[idx(j)].g[idx(g)], b = strip_out[idx(j) + 1].g[idx(g)];
        F4 c = strip_out[idx(j) + 2].g[idx(g)], d = strip_out[idx(j) + 3].g[idx(g)];
        transpose(a, b, c, d);
        const F4 row_values[kLanes] = {a, b, c, d};
        for (int k = 0; k < group_used; ++k) row_values[k].store(dst[k] + j);
      }
      for (; j < cols; ++j) {
        for (int k = 0; k < group_used; ++k) dst[k][j] = strip_out[idx(j)].g[idx(g)].lane(k);
      }
    }
    produced += used;
  };
  auto produce_until = [&](int row_count) {
    while (produced < std::min(row_count, rows)) produce_strip();
  };

  // Vertical pass 1: warm-up steps (no output yet) ...
  int t = 0;
  produce_until(vertical.lag);
  for (; t < vertical.lag; ++t) {
    const float* add = ring_row(t);
    for (std::size_t c = 0; c < vsum.size(); ++c) vsum[c] = vsum[c] + F4::load(add + kLanes * c);
  }
  // ... then 16 output rows at a time (4 steps per pass over the row), transposed into strip_in
  // for horizontal pass 2.
  for (int first_out = 0; first_out < rows; first_out += kStripRows) {
    const int used = std::min(kStripRows, rows - first_out);
    produce_until(t + used);
    for (int g = 0; g * kLanes < used; ++g) {
      const int group_used = std::min(kLanes, used - g * kLanes);
      const float* add[kLanes];
      const float* sub[kLanes];
      std::array<Divisor, kLanes> count{Divisor(1), Divisor(1), Divisor(1), Divisor(1)};
      for (int s = 0; s < group_used; ++s, ++t) {
        add[s] = t < rows ? ring_row(t) : zero_row.data();  // adding or subtracting 0 is exact
        sub[s] = t >= vertical.w ? ring_row(t - vertical.w) : zero_row.data();
        count[idx(s)] = Divisor(vertical.count(t));
      }
      auto rows_of_chunk = [&](std::size_t c, auto steps) {
        F4 sum = vsum[c];
        F4 o[kLanes] = {F4::zero(), F4::zero(), F4::zero(), F4::zero()};
        for (int s = 0; s < steps; ++s) {
          sum = sum + F4::load(add[s] + kLanes * c);
          sum = sum - F4::load(sub[s] + kLanes * c);
          o[s] = sum / count[idx(s)];
        }
        vsum[c] = sum;
        transpose(o[0], o[1], o[2], o[3]);
        for (std::size_t i = 0; i < kLanes; ++i) strip_in[kLanes * c + i].g[idx(g)] = o[i];
      };
      if (group_used == kLanes) {  // a constant trip count keeps the four rows in registers
        for (std::size_t c = 0; c < vsum.size(); ++c) rows_of_chunk(c, std::integral_constant<int, kLanes>{});
      } else {
        for (std::size_t c = 0; c < vsum.size(); ++c) rows_of_chunk(c, group_used);
      }
    }
    box_wanted(strip_in.data(), horizontal, want_col, [&](std::size_t q, const F16& values) {
      for (int k = 0; k < used; ++k) kept_cols[idx(first_out + k) * kDownsampled + q] = values.lane(k);
    });
  }

  // Vertical pass 2 over the 64 kept columns, keeping the 64 decimation rows.
  std::array<float, kDownsampled> sum{};
  std::size_t next = 0;
  for (t = 0; t < vertical.steps() && next < want_row.size(); ++t) {
    if (t < rows) {
      const float* add = kept_cols.data() + idx(t) * kDownsampled;
      for (std::size_t j = 0; j < kDownsampled; ++j) sum[j] += add[j];
    }
    if (t >= vertical.w) {
      const float* sub = kept_cols.data() + idx(t - vertical.w) * kDownsampled;
      for (std::size_t j = 0; j < kDownsampled; ++j) sum[j] -= sub[j];
    }
    for (; next < want_row.size() && want_row[next] == t - vertical.lag; ++next) {
      const float c = static_cast<float>(vertical.count(t));
      for (std::size_t j = 0; j < kDownsampled; ++j) out[next * kDownsampled + j] = sum[j] / c;
    }
  }
}

}  // namespace

void luma_row_from_rgb(const std::uint8_t* rgb, int n, float* out) { rgb_row_to_luma(rgb, n, out); }
void luma_row_from_grey(const std::uint8_t* grey, int n, float* out) { grey_row_to_luma(grey, n, out); }

void downsample_luma_to_64(const float* luma, int rows, int cols, Block64& out) {
  downsample_to_64([luma, cols](int r, float*) { return luma + idx(r) * idx(cols); }, rows, cols, out);
}

void downsample_rgb_to_64(const std::uint8_t* rgb, int rows, int cols, Block64& out) {
  downsample_to_64(
      [rgb, cols](int r, float* scratch) {
        rgb_row_to_luma(rgb + 3 * idx(r) * idx(cols), cols, scratch);
        return static_cast<const float*>(scratch);
      },
      rows, cols, out);
}

void downsample_grey_to_64(const std::uint8_t* grey, int rows, int cols, Block64& out) {
  downsample_to_64(
      [grey, cols](int r, float* scratch) {
        grey_row_to_luma(grey + idx(r) * idx(cols), cols, scratch);
        return static_cast<const float*>(scratch);
      },
      rows, cols, out);
}

}  // namespace triage::pdq
