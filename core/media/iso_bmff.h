#pragma once
// ISO base media file format boxes (ISO/IEC 14496-12 §4.2), the one reader of their headers:
// HEIF pixel sizes (pixel_size.cpp) and the EXIF item of a HEIF file (formats/exif). Every size
// read from the file is checked against the bytes it claims.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace triage {

struct BmffBox {
  std::uint32_t type = 0;    // four-character code, big-endian
  std::size_t body = 0;      // first byte after the header
  std::size_t end = 0;       // one past the last byte, clamped to the enclosing limit
  bool truncated = false;    // the declared size runs past the limit
};

// A four-character code as a big-endian integer.
constexpr std::uint32_t fourcc(std::string_view s) {
  return (static_cast<std::uint32_t>(static_cast<unsigned char>(s[0])) << 24) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(s[1])) << 16) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(s[2])) << 8) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[3]));
}

// The box header at `pos` within [pos, limit) of `data`: size 1 means a 64-bit largesize
// follows, size 0 a box to the end of its parent (`limit`). nullopt when the header itself does
// not fit or its size is smaller than the header.
std::optional<BmffBox> read_bmff_box(std::span<const std::byte> data, std::size_t pos, std::size_t limit);

// Calls fn(box) for each box laid end to end in [begin, end) of `data` until fn returns false or
// a header does not fit.
template <typename Fn>
void for_each_bmff_box(std::span<const std::byte> data, std::size_t begin, std::size_t end, Fn&& fn) {
  std::size_t pos = begin;
  while (pos < end) {
    const auto box = read_bmff_box(data, pos, end);
    if (!box || box->end <= pos) return;
    if (!fn(*box)) return;
    pos = box->end;
  }
}

}  // namespace triage
