#pragma once
// JPEG marker segments (ITU-T T.81 §B.1.1.2, B.2, Table B.1): markers are FFxx, any number of
// FF fill bytes may come before the code; standalone markers (SOI, EOI, RSTn, TEM) carry nothing,
// the others a 2-byte length that counts itself. The one reader of them: pixel sizes (the frame
// header) and carving (the structure up to EOI).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace triage {

inline constexpr std::uint8_t kJpegSoi = 0xD8, kJpegEoi = 0xD9, kJpegSos = 0xDA;

// A start-of-frame marker (SOF0-3, 5-7, 9-11, 13-15): its segment holds P(1) Y(2) X(2).
constexpr bool jpeg_is_sof(std::uint8_t marker) {
  return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

// A marker with no segment: SOI, EOI, TEM (01), RST0-7.
constexpr bool jpeg_is_standalone(std::uint8_t marker) {
  return marker == kJpegSoi || marker == kJpegEoi || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7);
}

struct JpegSegment {
  std::uint8_t marker = 0;
  std::size_t body = 0;  // first byte after the marker code (after the length for a segment)
  std::size_t end = 0;   // first byte after the segment; may lie past the data (a truncated file)
};

// The marker at `pos` and its segment: nullopt when there is no FF at `pos`, the data ends
// before the marker code (or before the length of a segment), or a length is below 2.
std::optional<JpegSegment> jpeg_segment_at(std::span<const std::byte> data, std::size_t pos);

}  // namespace triage
