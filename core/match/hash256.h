#pragma once
// A 256-bit perceptual hash (PDQ) as four 64-bit words: Hamming distance, 16-bit chunks, hex.
// Kept apart from core/pdq/ so the matcher depends on nothing but the bits.
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace triage::match {

// Bit order: the hash is one 256-bit number written most significant bit first. w[0] holds the
// top 64 bits, w[3] the bottom 64; hex digit i (0-based, left to right) is bits 255-4i..252-4i,
// so digit 0 is the top nibble of w[0] and digit 63 the bottom nibble of w[3].
// This is PDQ's own hex form: PDQ prints 16 words of 16 bits, most significant word first, four
// hex digits each. Hence 16-bit chunk k (see chunk16) is hex digits [4k, 4k+4) = PDQ word 15-k.
struct Hash256 {
  std::array<std::uint64_t, 4> w{};
  friend bool operator==(const Hash256&, const Hash256&) = default;
};

inline constexpr int kHashBits = 256;
inline constexpr int kChunkBits = 16;
inline constexpr int kChunkCount = kHashBits / kChunkBits;  // 16

// Number of differing bits, 0..256.
constexpr int popcount_distance(const Hash256& a, const Hash256& b) noexcept {
  return std::popcount(a.w[0] ^ b.w[0]) + std::popcount(a.w[1] ^ b.w[1]) +
         std::popcount(a.w[2] ^ b.w[2]) + std::popcount(a.w[3] ^ b.w[3]);
}

// Chunk k in 0..15: hex digits [4k, 4k+4) read as a 16-bit number.
constexpr std::uint16_t chunk16(const Hash256& h, int k) noexcept {
  const int shift = 48 - kChunkBits * (k % 4);
  return static_cast<std::uint16_t>(h.w[static_cast<std::size_t>(k / 4)] >> shift);
}

// Exactly 64 hex digits, either case, nothing else (no prefix, no spaces); nullopt otherwise.
std::optional<Hash256> from_hex(std::string_view hex);

// 64 lower-case hex digits; from_hex(to_hex(h)) == h.
std::string to_hex(const Hash256& hash);

}  // namespace triage::match
