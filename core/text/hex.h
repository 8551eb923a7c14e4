#pragma once
// Hex digests <-> bytes.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace triage {

// Decodes hex of either case; nullopt on an odd length or a non-hex character.
std::optional<std::vector<std::uint8_t>> parse_hex(std::string_view hex);

}  // namespace triage
