#pragma once
// Hex digests <-> bytes: the one place hex is read or written (digests, PDQ hashes, raw path
// bytes, hash-set stores).
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace triage {

// Decodes hex of either case; nullopt on an odd length or a non-hex character.
std::optional<std::vector<std::uint8_t>> parse_hex(std::string_view hex);

// Decodes exactly out.size() bytes of hex into out (no allocation, for hot paths); false when
// the length is not 2 * out.size() or a character is not hex.
bool parse_hex_into(std::string_view hex, std::span<std::uint8_t> out);

// Lower-case hex of the bytes.
std::string to_hex(std::span<const std::uint8_t> bytes);
std::string to_hex(std::string_view bytes);

}  // namespace triage
