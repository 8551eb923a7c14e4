#include "core/media/archive_signatures.h"

#include <array>
#include <cstdint>

namespace triage {
namespace {

bool starts(std::span<const std::byte> head, std::size_t at, std::string_view magic) {
  if (head.size() < at + magic.size()) return false;
  for (std::size_t i = 0; i < magic.size(); ++i)
    if (head[at + i] != static_cast<std::byte>(magic[i])) return false;
  return true;
}

}  // namespace

std::optional<std::string_view> archive_signature(std::span<const std::byte> head) {
  using namespace std::string_view_literals;
  if (starts(head, 0, "PK\x03\x04"sv) || starts(head, 0, "PK\x05\x06"sv)) return "zip";
  if (starts(head, 0, "7z\xBC\xAF\x27\x1C"sv)) return "7z";
  if (starts(head, 0, "Rar!\x1A\x07\x00"sv)) return "rar";
  if (starts(head, 0, "Rar!\x1A\x07\x01\x00"sv)) return "rar5";
  if (starts(head, 257, "ustar"sv)) return "tar";
  if (starts(head, 0, "070701"sv) || starts(head, 0, "070702"sv) || starts(head, 0, "070707"sv)) return "cpio";
  if (starts(head, 0, "!<arch>\n"sv)) return "ar";
  if (starts(head, 0, "\x1F\x8B"sv)) return "gzip";
  if (starts(head, 0, "BZh"sv) && head.size() > 3 && head[3] >= std::byte{'1'} && head[3] <= std::byte{'9'})
    return "bzip2";
  if (starts(head, 0, "\xFD" "7zXZ\x00"sv)) return "xz";
  if (starts(head, 0, "\x28\xB5\x2F\xFD"sv)) return "zstd";
  if (starts(head, 0, "\x04\x22\x4D\x18"sv)) return "lz4";
  return std::nullopt;
}

bool is_compressed_stream(std::string_view signature) {
  static constexpr std::array<std::string_view, 5> kStreams{"gzip", "bzip2", "xz", "zstd", "lz4"};
  for (const auto s : kStreams)
    if (s == signature) return true;
  return false;
}

}  // namespace triage
