#pragma once
// PDQ's first step (facebook/ThreatExchange pdq/cpp, downscaling.cpp and pdqhashing.cpp): luma,
// then two passes of a Jarosz box filter and decimation to 64x64, bit for bit as the reference
// computes them, streamed so that the working set stays in cache whatever the image size.
#include <array>
#include <cstdint>

namespace triage::pdq {

inline constexpr int kDownsampled = 64;  // PDQ blurs and decimates to 64x64
using Block64 = std::array<float, kDownsampled * kDownsampled>;

// One row of interleaved RGB, or of grey, as PDQ's float luma (fillFloatLumaFromRGB).
void luma_row_from_rgb(const std::uint8_t* rgb, int n, float* out);
void luma_row_from_grey(const std::uint8_t* grey, int n, float* out);

// The blurred, decimated 64x64 of a rows x cols image given as float luma, RGB or grey.
void downsample_luma_to_64(const float* luma, int rows, int cols, Block64& out);
void downsample_rgb_to_64(const std::uint8_t* rgb, int rows, int cols, Block64& out);
void downsample_grey_to_64(const std::uint8_t* grey, int rows, int cols, Block64& out);

}  // namespace triage::pdq
