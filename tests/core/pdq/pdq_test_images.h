#pragma once
// Generated luma images for the PDQ tests: smooth random blobs, and the 8 dihedral transforms.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "core/pdq/pdq.h"

namespace triage::test {

// Smooth random blobs (band-limited, no symmetry), as luma.
inline std::vector<float> blobs(int rows, int cols, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<float> luma(static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols), 100.0f);
  for (int k = 0; k < 40; ++k) {
    const double cx = static_cast<double>(rng() % static_cast<unsigned>(cols));
    const double cy = static_cast<double>(rng() % static_cast<unsigned>(rows));
    const double sigma = 6.0 + static_cast<double>(rng() % 30);
    const double amplitude = static_cast<double>(rng() % 160) - 80.0;
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < cols; ++c) {
        const double d2 = (c - cx) * (c - cx) + (r - cy) * (r - cy);
        luma[static_cast<std::size_t>(r * cols + c)] +=
            static_cast<float>(amplitude * std::exp(-d2 / (2 * sigma * sigma)));
      }
  }
  for (float& v : luma) v = std::clamp(v, 0.0f, 255.0f);
  return luma;
}

// Applies a dihedral transform to a luma image; returns the new dimensions through rows/cols.
inline std::vector<float> transformed(const std::vector<float>& in, int& rows, int& cols, PdqDihedral which) {
  const int r0 = rows, c0 = cols;
  const bool swap = which == PdqDihedral::rotate90 || which == PdqDihedral::rotate270 ||
                    which == PdqDihedral::flip_plus1 || which == PdqDihedral::flip_minus1;
  const int r1 = swap ? c0 : r0, c1 = swap ? r0 : c0;
  std::vector<float> out(in.size());
  for (int i = 0; i < r1; ++i)
    for (int j = 0; j < c1; ++j) {
      int si = i, sj = j;  // source pixel of output (i, j)
      switch (which) {
        case PdqDihedral::original:
          break;
        case PdqDihedral::rotate90:
          si = j, sj = c0 - 1 - i;
          break;  // counter-clockwise
        case PdqDihedral::rotate180:
          si = r0 - 1 - i, sj = c0 - 1 - j;
          break;
        case PdqDihedral::rotate270:
          si = r0 - 1 - j, sj = i;
          break;  // clockwise
        case PdqDihedral::flip_x:
          si = r0 - 1 - i;
          break;  // top <-> bottom
        case PdqDihedral::flip_y:
          sj = c0 - 1 - j;
          break;  // left <-> right
        case PdqDihedral::flip_plus1:
          si = j, sj = i;
          break;  // main diagonal
        case PdqDihedral::flip_minus1:
          si = r0 - 1 - j, sj = c0 - 1 - i;
          break;  // anti-diagonal
      }
      out[static_cast<std::size_t>(i * c1 + j)] = in[static_cast<std::size_t>(si * c0 + sj)];
    }
  rows = r1;
  cols = c1;
  return out;
}

}  // namespace triage::test
