#include "core/carve/image_carver.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "core/media/jpeg_markers.h"

namespace triage {
namespace {

std::uint8_t at(std::span<const std::byte> d, std::size_t i) { return static_cast<std::uint8_t>(d[i]); }
std::uint32_t be16(std::span<const std::byte> d, std::size_t i) {
  return (static_cast<std::uint32_t>(at(d, i)) << 8) | at(d, i + 1);
}
std::uint32_t be32(std::span<const std::byte> d, std::size_t i) { return (be16(d, i) << 16) | be16(d, i + 2); }

// CRC-32 as PNG defines it (ISO/IEC 15948 Annex D: polynomial 0xEDB88320, reflected).
const std::array<std::uint32_t, 256>& crc_table() {
  static const auto table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t n = 0; n < 256; ++n) {
      std::uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  return table;
}

std::uint32_t crc32(std::span<const std::byte> bytes) {
  const auto& t = crc_table();
  std::uint32_t c = 0xFFFFFFFFu;
  for (std::byte b : bytes) c = t[(c ^ static_cast<std::uint8_t>(b)) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

}  // namespace

// ITU T.81 Annex B: SOI, then marker segments (FFxx + 16-bit length) up to SOS, entropy-coded
// data (where FF is followed by 00 or a restart marker RST0-7), further segments and scans for
// progressive images, and EOI. A frame header (SOFn) must come before the first scan.
std::size_t jpeg_length(std::span<const std::byte> d) {
  if (d.size() < 4 || at(d, 0) != 0xFF || at(d, 1) != kJpegSoi) return 0;
  std::size_t p = 2;
  bool frame = false, scanned = false;
  while (p + 1 < d.size()) {
    const auto seg = jpeg_segment_at(d, p);
    if (!seg) return 0;
    if (seg->marker == kJpegEoi) return scanned ? seg->end : 0;
    // SOI, RSTn and TEM belong only inside entropy-coded data; FF00 only there too.
    if (jpeg_is_standalone(seg->marker) || seg->marker == 0x00 || seg->end > d.size()) return 0;
    if (jpeg_is_sof(seg->marker)) frame = true;
    p = seg->end;
    if (seg->marker != kJpegSos) continue;
    if (!frame) return 0;
    scanned = true;
    // Entropy-coded data: up to the next marker that is neither stuffing nor a restart.
    for (;;) {
      const auto* start = d.data() + p;
      const auto* ff = static_cast<const std::byte*>(std::memchr(start, 0xFF, d.size() - p));
      if (ff == nullptr) return 0;
      p = static_cast<std::size_t>(ff - d.data());
      if (p + 1 >= d.size()) return 0;
      const std::uint8_t next = at(d, p + 1);
      if (next == 0x00 || (next >= 0xD0 && next <= 0xD7) || next == 0xFF) {
        p += next == 0xFF ? 1 : 2;
        continue;
      }
      break;
    }
  }
  return 0;
}

// ISO/IEC 15948 5.2-5.3: the 8-byte signature, IHDR first (13 bytes), chunks of length, type
// (ASCII letters), data and CRC-32 over type and data, ending with IEND.
std::size_t png_length(std::span<const std::byte> d) {
  static constexpr std::uint8_t kSignature[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  if (d.size() < 8 + 12 + 13 || std::memcmp(d.data(), kSignature, 8) != 0) return 0;
  std::size_t p = 8;
  bool first = true;
  while (p + 12 <= d.size()) {
    const std::uint32_t length = be32(d, p);
    if (length > 0x7FFFFFFFu || p + 12 + length > d.size()) return 0;
    const auto type = d.subspan(p + 4, 4);
    for (std::byte b : type) {
      const auto c = static_cast<std::uint8_t>(b);
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return 0;
    }
    if (first && (std::memcmp(type.data(), "IHDR", 4) != 0 || length != 13)) return 0;
    first = false;
    if (crc32(d.subspan(p + 4, 4 + length)) != be32(d, p + 8 + length)) return 0;
    p += 12 + length;
    if (std::memcmp(type.data(), "IEND", 4) == 0) return p;
  }
  return 0;
}

// GIF89a specification: header, logical screen descriptor (+ global colour table), then
// extension blocks (0x21) and images (0x2C: descriptor, local colour table, LZW minimum code
// size, data sub-blocks) up to the trailer 0x3B. At least one image.
std::size_t gif_length(std::span<const std::byte> d) {
  if (d.size() < 14 || (std::memcmp(d.data(), "GIF87a", 6) != 0 && std::memcmp(d.data(), "GIF89a", 6) != 0)) return 0;
  const std::uint8_t screen_flags = at(d, 10);
  std::size_t p = 13;
  if (screen_flags & 0x80) p += 3u * (1u << ((screen_flags & 7) + 1));
  auto skip_sub_blocks = [&](std::size_t q) -> std::size_t {  // returns 0 when truncated
    while (q < d.size()) {
      const std::uint8_t size = at(d, q);
      if (size == 0) return q + 1;
      q += 1 + size;
    }
    return 0;
  };
  bool image = false;
  while (p < d.size()) {
    const std::uint8_t block = at(d, p);
    if (block == 0x3B) return image ? p + 1 : 0;
    if (block == 0x21) {
      if (p + 2 >= d.size()) return 0;
      p = skip_sub_blocks(p + 2);
    } else if (block == 0x2C) {
      if (p + 10 >= d.size()) return 0;
      const std::uint8_t flags = at(d, p + 9);
      p += 10;
      if (flags & 0x80) p += 3u * (1u << ((flags & 7) + 1));
      if (p >= d.size()) return 0;
      const std::uint8_t code_size = at(d, p);
      if (code_size < 1 || code_size > 11) return 0;
      p = skip_sub_blocks(p + 1);
      image = true;
    } else {
      return 0;
    }
    if (p == 0) return 0;
  }
  return 0;
}

std::vector<CarvedImage> carve_images(std::span<const std::byte> data, std::size_t scan_limit,
                                      std::size_t max_length) {
  std::vector<CarvedImage> found;
  scan_limit = std::min(scan_limit, data.size());
  std::size_t i = 0;
  while (i < scan_limit && i + 4 <= data.size()) {
    const std::uint8_t b = at(data, i);
    std::size_t length = 0;
    std::string_view format;
    const auto rest = data.subspan(i, std::min(data.size() - i, max_length));
    if (b == 0xFF && at(data, i + 1) == 0xD8 && at(data, i + 2) == 0xFF) {
      length = jpeg_length(rest);
      format = "jpeg";
    } else if (b == 0x89 && at(data, i + 1) == 'P') {
      length = png_length(rest);
      format = "png";
    } else if (b == 'G' && at(data, i + 1) == 'I' && at(data, i + 2) == 'F') {
      length = gif_length(rest);
      format = "gif";
    }
    if (length > 0) {
      found.push_back({i, length, format});
      i += length;  // an EXIF thumbnail inside this JPEG is part of it
    } else {
      ++i;
    }
  }
  return found;
}

}  // namespace triage
