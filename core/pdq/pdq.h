#pragma once
// PDQ perceptual hashing (Meta's open 256-bit image hash) over float luma buffers, written from
// the published algorithm: facebook/ThreatExchange pdq/README.md, hashing/hashing.pdf ("PDQ"),
// and the reference C++ pdq/cpp/hashing/pdqhashing.cpp + pdq/cpp/downscaling/downscaling.cpp,
// whose arithmetic is followed step by step so that the same luma gives the same bits.
// Pure: no decoder here (formats/image/ turns files into RGB).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace triage {

// A 256-bit PDQ hash. Bit k (k = 16 * row + column of the 16x16 DCT block) is bit k % 16 of
// words[k / 16], as in the reference's Hash256::setBit; words[15] holds the most significant
// bits and is printed first.
struct PdqHash {
  std::array<std::uint16_t, 16> words{};

  // 64 lower-case hex digits, most significant word (words[15]) first, as the reference prints.
  std::string to_hex() const;
  // Parses 64 hex digits of either case; nullopt for any other length or a non-hex character.
  static std::optional<PdqHash> from_hex(std::string_view hex);

  bool bit(int k) const {
    return ((static_cast<unsigned>(words[static_cast<std::size_t>(k) / 16]) >> (k % 16)) & 1U) != 0;
  }
  bool operator==(const PdqHash&) const = default;
};

struct PdqResult {
  PdqHash hash;
  int quality = 0;  // 0..100; the upstream match convention ignores hashes with quality < 50
};

// Number of differing bits, 0..256.
int hamming_distance(const PdqHash& a, const PdqHash& b);

// Luma as the reference computes it (fillFloatLumaFromRGB): 0.299 R + 0.587 G + 0.114 B in
// float. rgb: rows x cols interleaved R,G,B bytes, row-major; out: rows x cols floats.
void rgb_to_luma(const std::uint8_t* rgb, int rows, int cols, float* out);
// Grey bytes to float (fillFloatLumaFromGrey).
void grey_to_luma(const std::uint8_t* grey, int rows, int cols, float* out);

// PDQ hash and quality of a rows x cols row-major luma image (values 0..255). Images under
// 5 pixels in either dimension give the all-zero hash with quality 0. As the reference's
// pdqHash256FromFloatLuma, a 64x64 input is used as the 64x64 downsample directly (no blur).
PdqResult pdq_from_luma(const float* luma, int rows, int cols);
// The same as rgb_to_luma then pdq_from_luma, bit for bit, without a full-size luma buffer.
PdqResult pdq_from_rgb(const std::uint8_t* rgb, int rows, int cols);
// The same as grey_to_luma then pdq_from_luma, bit for bit, without a full-size luma buffer.
PdqResult pdq_from_grey(const std::uint8_t* grey, int rows, int cols);

// The 8 dihedral variants of the image, all from one DCT, in the reference's order
// (pdqDihedralHash256esFromFloatLuma): the quality is the same for all.
enum class PdqDihedral {
  original,     // as stored
  rotate90,     // 90 degrees counter-clockwise
  rotate180,
  rotate270,    // 90 degrees clockwise
  flip_x,       // top and bottom swap places
  flip_y,       // left and right swap places (mirror image)
  flip_plus1,   // transpose about the main diagonal (upper left and lower right stay put)
  flip_minus1,  // transpose about the anti-diagonal (upper right and lower left stay put)
};
inline constexpr std::array<std::string_view, 8> kPdqDihedralNames = {
    "orig", "rot90", "rot180", "rot270", "flipx", "flipy", "flipplus1", "flipminus1"};

// Indexed by PdqDihedral. Unlike pdq_from_luma there is no 64x64 shortcut here, exactly as the
// reference's dihedral entry point: a 64x64 image is blurred like any other.
std::array<PdqResult, 8> pdq_dihedral_from_luma(const float* luma, int rows, int cols);
// rgb_to_luma then pdq_dihedral_from_luma, without a full-size luma buffer.
std::array<PdqResult, 8> pdq_dihedral_from_rgb(const std::uint8_t* rgb, int rows, int cols);
// grey_to_luma then pdq_dihedral_from_luma, without a full-size luma buffer.
std::array<PdqResult, 8> pdq_dihedral_from_grey(const std::uint8_t* grey, int rows, int cols);

}  // namespace triage
