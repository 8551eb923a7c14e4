#include "core/media/iso_bmff.h"

#include "core/media/byte_reader.h"

namespace triage {

std::optional<BmffBox> read_bmff_box(std::span<const std::byte> data, std::size_t pos, std::size_t limit) {
  limit = std::min(limit, data.size());
  if (pos >= limit) return std::nullopt;
  const auto size32 = bytes::be32(data, pos);
  const auto type = bytes::be32(data, pos + 4);
  if (!size32 || !type || pos + 8 > limit) return std::nullopt;
  BmffBox box;
  box.type = *type;
  std::uint64_t size = *size32;
  std::size_t header = 8;
  if (size == 1) {
    const auto large = bytes::be64(data, pos + 8);
    if (!large || pos + 16 > limit) return std::nullopt;
    size = *large;
    header = 16;
  } else if (size == 0) {
    size = limit - pos;
  }
  if (size < header) return std::nullopt;
  box.body = pos + header;
  box.truncated = size > limit - pos;
  box.end = box.truncated ? limit : pos + static_cast<std::size_t>(size);
  return box;
}

}  // namespace triage
