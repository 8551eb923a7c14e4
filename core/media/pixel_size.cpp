// Pixel dimensions read from image headers without decoding (sniff.h, image_pixel_size). Every
// read is bounds-checked (byte_reader.h): headers come from hostile files.
#include <algorithm>
#include <utility>
#include <vector>

#include "core/media/byte_reader.h"
#include "core/media/iso_bmff.h"
#include "core/media/jpeg_markers.h"
#include "core/media/media_kinds.h"
#include "core/media/sniff.h"

namespace triage {
namespace {

using namespace std::string_view_literals;
using namespace triage::bytes;
using namespace triage::media_kinds;

std::optional<PixelSize> nonzero(std::uint64_t w, std::uint64_t h) {
  if (w == 0 || h == 0 || w > UINT32_MAX || h > UINT32_MAX) return std::nullopt;
  return PixelSize{static_cast<std::uint32_t>(w), static_cast<std::uint32_t>(h)};
}

// JPEG (ITU-T T.81 §B.2.2): the frame header (SOFn) holds P(1) Y(2) X(2); SOS or EOI before any
// SOF means no frame header.
std::optional<PixelSize> jpeg_size(Bytes b) {
  if (!has(b, 0, "\xFF\xD8"sv)) return std::nullopt;
  for (std::size_t pos = 2;;) {
    const auto seg = jpeg_segment_at(b, pos);
    if (!seg || seg->marker == kJpegEoi || seg->marker == kJpegSos || seg->marker == 0x00) return std::nullopt;
    if (jpeg_is_sof(seg->marker)) {
      const auto h = be16(b, seg->body + 1);
      const auto w = be16(b, seg->body + 3);
      if (!h || !w) return std::nullopt;
      return nonzero(*w, *h);
    }
    pos = seg->end;
  }
}

// PNG: the first chunk is IHDR, length 13: width(4) height(4) ... (ISO/IEC 15948 §11.2.2).
std::optional<PixelSize> png_size(Bytes b) {
  if (!has(b, 0, "\x89PNG\r\n\x1A\n"sv) || !has(b, 12, "IHDR")) return std::nullopt;
  const auto w = be32(b, 16);
  const auto h = be32(b, 20);
  if (!w || !h) return std::nullopt;
  return nonzero(*w, *h);
}

// GIF: logical screen descriptor right after the 6-byte header, LE16 width and height.
std::optional<PixelSize> gif_size(Bytes b) {
  if (!has(b, 0, "GIF8")) return std::nullopt;
  const auto w = le16(b, 6);
  const auto h = le16(b, 8);
  if (!w || !h) return std::nullopt;
  return nonzero(*w, *h);
}

// BMP: BITMAPCOREHEADER has unsigned 16-bit width/height; the later headers signed 32-bit,
// where a negative height means a top-down bitmap.
std::optional<PixelSize> bmp_size(Bytes b) {
  if (!has(b, 0, "BM") || !bmp_header(b)) return std::nullopt;
  if (le32(b, 14) == 12u) {
    const auto w = le16(b, 18);
    const auto h = le16(b, 20);
    if (!w || !h) return std::nullopt;
    return nonzero(*w, *h);
  }
  const auto w = le32(b, 18);
  auto h = le32(b, 22);
  if (!w || !h || (*w & 0x80000000u) != 0) return std::nullopt;
  if ((*h & 0x80000000u) != 0) *h = ~*h + 1;  // |height| without signed overflow
  return nonzero(*w, *h);
}

// WebP (RFC 9649): RIFF 'WEBP' then the first chunk at 12.
//   'VP8 ': frame tag(3), start code 9D 01 2A, 14-bit width, 14-bit height (RFC 6386 §9.1).
//   'VP8L': signature 0x2F, then 14-bit width-1 and 14-bit height-1 (little-endian bits).
//   'VP8X': flags(1) reserved(3), 24-bit canvas width-1, 24-bit canvas height-1.
std::optional<PixelSize> webp_size(Bytes b) {
  if (!has(b, 0, "RIFF") || !has(b, 8, "WEBP")) return std::nullopt;
  if (has(b, 12, "VP8 ")) {
    if (!has(b, 23, "\x9D\x01\x2A"sv)) return std::nullopt;
    const auto w = le16(b, 26);
    const auto h = le16(b, 28);
    if (!w || !h) return std::nullopt;
    return nonzero(*w & 0x3FFFu, *h & 0x3FFFu);
  }
  if (has(b, 12, "VP8L")) {
    if (u8(b, 20) != std::uint8_t{0x2F}) return std::nullopt;
    const auto bits = le32(b, 21);
    if (!bits) return std::nullopt;
    return nonzero((*bits & 0x3FFFu) + 1, ((*bits >> 14) & 0x3FFFu) + 1);
  }
  if (has(b, 12, "VP8X")) {
    const auto w = le24(b, 24);
    const auto h = le24(b, 27);
    if (!w || !h) return std::nullopt;
    return nonzero(std::uint64_t{*w} + 1, std::uint64_t{*h} + 1);
  }
  return std::nullopt;
}

// TIFF 6.0 §2: header byte order, 42, offset of IFD0; IFD = count(2) then 12-byte entries
// tag(2) type(2) count(4) value-or-offset(4). BigTIFF: 43, offset size 8, reserved 0, IFD0
// offset(8); IFD = count(8) then 20-byte entries with count(8) and value(8). ImageWidth is tag
// 256 and ImageLength 257, SHORT(3) or LONG(4) (LONG8(16) in BigTIFF); values shorter than
// the value field are left-justified in it.
std::optional<PixelSize> tiff_size(Bytes b) {
  bool big_endian = false;
  if (has(b, 0, "MM")) {
    big_endian = true;
  } else if (!has(b, 0, "II")) {
    return std::nullopt;
  }
  const auto version = rd16(b, 2, big_endian);
  if (!version || (*version != 42 && *version != 43)) return std::nullopt;
  const bool big_tiff = *version == 43;

  std::uint64_t ifd = 0;
  std::uint64_t count = 0;
  std::size_t entry_size = 12, value_at = 8, first_entry = 2;
  if (big_tiff) {
    if (rd16(b, 4, big_endian) != std::uint16_t{8} || rd16(b, 6, big_endian) != std::uint16_t{0}) {
      return std::nullopt;
    }
    const auto off = rd64(b, 8, big_endian);
    if (!off) return std::nullopt;
    ifd = *off;
    entry_size = 20;
    value_at = 12;
    first_entry = 8;
  } else {
    const auto off = rd32(b, 4, big_endian);
    if (!off) return std::nullopt;
    ifd = *off;
  }
  if (ifd >= b.size()) return std::nullopt;
  const auto ifd_at = static_cast<std::size_t>(ifd);
  if (big_tiff) {
    const auto n = rd64(b, ifd_at, big_endian);
    if (!n) return std::nullopt;
    count = *n;
  } else {
    const auto n = rd16(b, ifd_at, big_endian);
    if (!n) return std::nullopt;
    count = *n;
  }

  std::optional<std::uint64_t> width, height;
  for (std::uint64_t i = 0; i < count; ++i) {
    // Entries past the end of the buffer end the walk (a truncated or bogus count).
    const std::size_t max_entries = (b.size() - ifd_at) / entry_size;
    if (i >= max_entries) break;
    const std::size_t e = ifd_at + first_entry + static_cast<std::size_t>(i) * entry_size;
    if (!in_bounds(b, e, entry_size)) break;
    const auto tag = rd16(b, e, big_endian);
    const auto type = rd16(b, e + 2, big_endian);
    if (!tag || !type || (*tag != 256 && *tag != 257)) continue;
    std::optional<std::uint64_t> value;
    switch (*type) {
      case 3: value = rd16(b, e + value_at, big_endian); break;
      case 4: value = rd32(b, e + value_at, big_endian); break;
      case 16: if (big_tiff) value = rd64(b, e + value_at, big_endian); break;
      default: break;
    }
    if (*tag == 256) width = value;
    if (*tag == 257) height = value;
    if (width && height) return nonzero(*width, *height);
  }
  return std::nullopt;
}

// ---- HEIF (ISO/IEC 23008-12 §6, boxes from ISO/IEC 14496-12): 'meta' (FullBox) holds 'pitm'
// (primary item ID), and 'iprp' with 'ipco' (property boxes, 1-based index) and 'ipma' (item ->
// property indexes). The 'ispe' property (FullBox) gives image_width(4) image_height(4).

std::optional<PixelSize> heif_size(Bytes b) {
  const std::size_t limit = b.size();
  std::optional<std::uint32_t> primary;
  std::vector<std::pair<std::uint32_t, PixelSize>> ispes;   // property index -> size
  std::vector<std::uint32_t> primary_props;                 // property indexes of the primary
  std::vector<std::pair<std::uint32_t, std::vector<std::uint32_t>>> associations;
  bool seen_meta = false, meta_truncated = false;

  auto parse_ipco = [&](const BmffBox& ipco) {
    std::uint32_t index = 0;
    for_each_bmff_box(b, ipco.body, ipco.end, [&](const BmffBox& prop) {
      ++index;
      if (prop.type == fourcc("ispe")) {
        const auto w = be32(b, prop.body + 4);
        const auto h = be32(b, prop.body + 8);
        if (w && h && prop.body + 12 <= prop.end) {
          if (auto size = nonzero(*w, *h)) ispes.emplace_back(index, *size);
        }
      }
      return true;
    });
  };
  auto parse_ipma = [&](const BmffBox& ipma) {
    const auto version = u8(b, ipma.body);
    const auto flags = be24(b, ipma.body + 1);
    const auto entries = be32(b, ipma.body + 4);
    if (!version || !flags || !entries) return;
    std::size_t pos = ipma.body + 8;
    for (std::uint32_t i = 0; i < *entries && pos < ipma.end; ++i) {
      std::optional<std::uint32_t> item;
      if (*version < 1) {
        item = be16(b, pos);
        pos += 2;
      } else {
        item = be32(b, pos);
        pos += 4;
      }
      const auto n = u8(b, pos);
      if (!item || !n) return;
      pos += 1;
      std::vector<std::uint32_t> props;
      for (std::uint8_t k = 0; k < *n; ++k) {
        if ((*flags & 1u) != 0) {
          const auto v = be16(b, pos);
          if (!v || pos + 2 > ipma.end) return;
          props.push_back(*v & 0x7FFFu);
          pos += 2;
        } else {
          const auto v = u8(b, pos);
          if (!v || pos + 1 > ipma.end) return;
          props.push_back(*v & 0x7Fu);
          pos += 1;
        }
      }
      associations.emplace_back(*item, std::move(props));
    }
  };
  auto parse_meta = [&](const BmffBox& meta) {
    // FullBox: version(1) flags(3) before the children.
    for_each_bmff_box(b, meta.body + 4, meta.end, [&](const BmffBox& child) {
      if (child.type == fourcc("pitm")) {
        const auto version = u8(b, child.body);
        if (version == std::uint8_t{0}) {
          if (auto id = be16(b, child.body + 4)) primary = *id;
        } else if (version) {
          primary = be32(b, child.body + 4);
        }
      } else if (child.type == fourcc("iprp")) {
        for_each_bmff_box(b, child.body, child.end, [&](const BmffBox& grandchild) {
          if (grandchild.type == fourcc("ipco")) parse_ipco(grandchild);
          if (grandchild.type == fourcc("ipma")) parse_ipma(grandchild);
          return true;
        });
      }
      return true;
    });
  };

  for_each_bmff_box(b, 0, limit, [&](const BmffBox& box) {
    if (box.type == fourcc("meta")) {
      parse_meta(box);
      seen_meta = true;
      meta_truncated = box.truncated;
      return false;
    }
    return true;
  });
  if (!seen_meta || ispes.empty()) return std::nullopt;

  if (primary) {
    for (const auto& [item, props] : associations) {
      if (item != *primary) continue;
      for (std::uint32_t p : props) {
        for (const auto& [index, size] : ispes) {
          if (index == p) return size;
        }
      }
    }
  }
  // No usable association: the largest extent (a grid is larger than its tiles), unless the
  // meta box is cut short, when the missing part may hold the answer.
  if (meta_truncated) return std::nullopt;
  const auto area = [](const PixelSize& p) { return std::uint64_t{p.width} * p.height; };
  const auto largest = std::max_element(
      ispes.begin(), ispes.end(),
      [&](const auto& x, const auto& y) { return area(x.second) < area(y.second); });
  return largest->second;
}

}  // namespace

std::optional<PixelSize> image_pixel_size(const MediaKind& kind,
                                          std::span<const std::byte> content) {
  if (kind.type != MediaType::image) return std::nullopt;
  const std::string_view f = kind.format;
  if (f == kJpeg.format) return jpeg_size(content);
  if (f == kPng.format) return png_size(content);
  if (f == kGif.format) return gif_size(content);
  if (f == kBmp.format) return bmp_size(content);
  if (f == kWebp.format) return webp_size(content);
  if (f == kTiff.format) return tiff_size(content);
  if (f == kHeic.format || f == kHeif.format || f == kAvif.format) return heif_size(content);
  return std::nullopt;
}

}  // namespace triage
