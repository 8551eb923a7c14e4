#include "formats/source/volume_signatures.h"

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
  return std::nullopt;
}

}  // namespace triage
