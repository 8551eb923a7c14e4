#include "core/media/jpeg_markers.h"

namespace triage {

std::optional<JpegSegment> jpeg_segment_at(std::span<const std::byte> data, std::size_t pos) {
  const auto at = [&](std::size_t i) { return std::to_integer<std::uint8_t>(data[i]); };
  if (pos >= data.size() || at(pos) != 0xFF) return std::nullopt;
  while (pos + 1 < data.size() && at(pos + 1) == 0xFF) ++pos;  // fill bytes
  if (pos + 1 >= data.size()) return std::nullopt;
  JpegSegment s;
  s.marker = at(pos + 1);
  s.body = s.end = pos + 2;
  if (jpeg_is_standalone(s.marker)) return s;
  if (pos + 3 >= data.size()) return std::nullopt;
  const std::size_t length = static_cast<std::size_t>(at(pos + 2)) << 8 | at(pos + 3);
  if (length < 2) return std::nullopt;
  s.body = pos + 4;
  s.end = pos + 2 + length;
  return s;
}

}  // namespace triage
