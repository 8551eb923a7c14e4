#include "core/text/hex.h"

#include <array>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace triage {
namespace {

// 0..15 for hex digits of either case, 0xFF otherwise.
constexpr std::array<std::uint8_t, 256> kHexValue = [] {
  std::array<std::uint8_t, 256> t{};
  t.fill(0xFF);
  for (int c = '0'; c <= '9'; ++c) t[static_cast<std::size_t>(c)] = static_cast<std::uint8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) t[static_cast<std::size_t>(c)] = static_cast<std::uint8_t>(c - 'a' + 10);
  for (int c = 'A'; c <= 'F'; ++c) t[static_cast<std::size_t>(c)] = static_cast<std::uint8_t>(c - 'A' + 10);
  return t;
}();

// Byte pairs from `hex` into `out`; false when a character is not hex.
bool parse_scalar(const char* hex, std::uint8_t* out, std::size_t bytes) {
  std::uint8_t bad = 0;
  for (std::size_t i = 0; i < bytes; ++i) {
    const std::uint8_t hi = kHexValue[static_cast<unsigned char>(hex[2 * i])];
    const std::uint8_t lo = kHexValue[static_cast<unsigned char>(hex[2 * i + 1])];
    bad |= static_cast<std::uint8_t>(hi | lo);  // 0xFF marks a non-hex character
    out[i] = static_cast<std::uint8_t>(hi << 4 | (lo & 0xF));
  }
  return (bad & 0xF0) == 0;
}

#if defined(__SSE2__)
// Sixteen characters into eight bytes with SSE2 (every x86-64 CPU has it): the scan's exact
// matcher parses an item's 136 hex characters per lookup, and the table loop above was a third
// of a lookup's cost at ten million records. Signed byte compares also reject bytes >= 0x80.
bool parse16(const char* hex, std::uint8_t* out) {
  const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(hex));
  const auto in_range = [](__m128i v, char lo, char hi) {
    return _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(static_cast<char>(lo - 1))),
                         _mm_cmplt_epi8(v, _mm_set1_epi8(static_cast<char>(hi + 1))));
  };
  const __m128i lower = _mm_or_si128(c, _mm_set1_epi8(0x20));  // 'A'..'F' -> 'a'..'f'
  const __m128i is_digit = in_range(c, '0', '9');
  const __m128i is_letter = in_range(lower, 'a', 'f');
  if (_mm_movemask_epi8(_mm_or_si128(is_digit, is_letter)) != 0xFFFF) return false;
  const __m128i digit = _mm_and_si128(is_digit, _mm_sub_epi8(c, _mm_set1_epi8('0')));
  const __m128i letter = _mm_and_si128(is_letter, _mm_sub_epi8(lower, _mm_set1_epi8('a' - 10)));
  const __m128i nibbles = _mm_or_si128(digit, letter);
  // Each 16-bit lane holds (first nibble, second nibble) as (low, high) byte: the byte is
  // first << 4 | second, then the lanes are packed to bytes.
  const __m128i pairs = _mm_or_si128(_mm_slli_epi16(nibbles, 4), _mm_srli_epi16(nibbles, 8));
  const __m128i bytes = _mm_packus_epi16(_mm_and_si128(pairs, _mm_set1_epi16(0xFF)), _mm_setzero_si128());
  _mm_storel_epi64(reinterpret_cast<__m128i*>(out), bytes);
  return true;
}
#endif

}  // namespace

bool parse_hex_into(std::string_view hex, std::span<std::uint8_t> out) {
  if (hex.size() != out.size() * 2) return false;
  std::size_t done = 0;
#if defined(__SSE2__)
  for (; done + 8 <= out.size(); done += 8)
    if (!parse16(hex.data() + 2 * done, out.data() + done)) return false;
#endif
  return parse_scalar(hex.data() + 2 * done, out.data() + done, out.size() - done);
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(bytes.size() * 2, '0');
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 0xF];
  }
  return out;
}

std::string to_hex(std::string_view bytes) {
  return to_hex(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

std::optional<std::vector<std::uint8_t>> parse_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::vector<std::uint8_t> out(hex.size() / 2);
  if (!parse_hex_into(hex, out)) return std::nullopt;
  return out;
}

}  // namespace triage
