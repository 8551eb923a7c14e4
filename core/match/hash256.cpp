#include "core/match/hash256.h"

#include <array>

#include "core/text/hex.h"

namespace triage::match {

// The 32 bytes of the hex text, most significant first: word w[i] is bytes 8i..8i+7, big-endian.
std::optional<Hash256> from_hex(std::string_view hex) {
  std::array<std::uint8_t, 32> bytes{};
  if (!parse_hex_into(hex, bytes)) return std::nullopt;
  Hash256 hash;
  for (std::size_t i = 0; i < bytes.size(); ++i) hash.w[i / 8] = (hash.w[i / 8] << 8) | bytes[i];
  return hash;
}

std::string to_hex(const Hash256& hash) {
  std::array<std::uint8_t, 32> bytes{};
  for (std::size_t i = 0; i < bytes.size(); ++i)
    bytes[i] = static_cast<std::uint8_t>(hash.w[i / 8] >> (56 - 8 * (i % 8)));
  return triage::to_hex(std::span<const std::uint8_t>(bytes));
}

}  // namespace triage::match
