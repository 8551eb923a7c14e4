#include "formats/source/volume_signatures.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace triage {
namespace {

bool has_at(std::span<const std::byte> head, std::size_t offset, std::string_view magic) {
  return head.size() >= offset + magic.size() && std::memcmp(head.data() + offset, magic.data(), magic.size()) == 0;
}

}  // namespace

std::optional<std::string> encrypted_volume_kind(std::span<const std::byte> head) {
  if (has_at(head, 3, "-FVE-FS-")) return "BitLocker";
  if (has_at(head, 0, std::string_view("LUKS\xBA\xBE", 6))) return "LUKS";
  // Core Storage physical volume header (libfvde's documentation of the format): version 1
  // (16-bit little endian at byte 8) and signature "CS" at byte 88.
  if (has_at(head, 88, "CS") && has_at(head, 8, std::string_view("\x01\x00", 2))) return "FileVault 2 (Core Storage)";
  return std::nullopt;
}

double byte_entropy(std::span<const std::byte> bytes) {
  if (bytes.empty()) return 0.0;
  std::array<std::uint64_t, 256> counts{};
  for (std::byte b : bytes) ++counts[static_cast<unsigned char>(b)];
  const double n = static_cast<double>(bytes.size());
  double bits = 0.0;
  for (std::uint64_t c : counts) {
    if (c == 0) continue;
    const double p = static_cast<double>(c) / n;
    bits -= p * std::log2(p);
  }
  return bits;
}

}  // namespace triage
