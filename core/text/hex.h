#pragma once
// Hex digests <-> bytes.
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace triage {

// Decodes hex of either case; nullopt on an odd length or a non-hex character.
std::optional<std::vector<std::uint8_t>> parse_hex(std::string_view hex);

// Decodes exactly out.size() bytes of hex into out (no allocation, for hot paths); false when
// the length is not 2 * out.size() or a character is not hex.
bool parse_hex_into(std::string_view hex, std::span<std::uint8_t> out);

}  // namespace triage
