#include "core/text/hex.h"

#include <array>

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

}  // namespace

bool parse_hex_into(std::string_view hex, std::span<std::uint8_t> out) {
  if (hex.size() != out.size() * 2) return false;
  std::uint8_t bad = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const std::uint8_t hi = kHexValue[static_cast<unsigned char>(hex[2 * i])];
    const std::uint8_t lo = kHexValue[static_cast<unsigned char>(hex[2 * i + 1])];
    bad |= static_cast<std::uint8_t>(hi | lo);  // 0xFF marks a non-hex character
    out[i] = static_cast<std::uint8_t>(hi << 4 | (lo & 0xF));
  }
  return (bad & 0xF0) == 0;
}

std::optional<std::vector<std::uint8_t>> parse_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::vector<std::uint8_t> out(hex.size() / 2);
  if (!parse_hex_into(hex, out)) return std::nullopt;
  return out;
}

}  // namespace triage
