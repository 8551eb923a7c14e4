#include "core/match/hash256.h"

namespace triage::match {

namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<Hash256> from_hex(std::string_view hex) {
  if (hex.size() != static_cast<std::size_t>(kHashBits / 4)) return std::nullopt;
  Hash256 hash;
  for (std::size_t i = 0; i < hex.size(); ++i) {
    const int nibble = hex_value(hex[i]);
    if (nibble < 0) return std::nullopt;
    // 16 digits per word, the first digit in the word's top nibble.
    std::uint64_t& word = hash.w[i / 16];
    word = (word << 4) | static_cast<std::uint64_t>(nibble);
  }
  return hash;
}

std::string to_hex(const Hash256& hash) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex(static_cast<std::size_t>(kHashBits / 4), '0');
  for (std::size_t i = 0; i < hex.size(); ++i) {
    const int shift = 60 - 4 * static_cast<int>(i % 16);
    hex[i] = kDigits[(hash.w[i / 16] >> shift) & 0xF];
  }
  return hex;
}

}  // namespace triage::match
