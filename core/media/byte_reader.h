#pragma once
// Bounds-checked reads of hostile bytes (carved, truncated or crafted files): `off` may be any
// value taken from the file; none of these reads outside `b`, and all return nullopt instead.
// Shared by media identification, pixel sizes and the ISO BMFF box reader.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace triage::bytes {

using Bytes = std::span<const std::byte>;

inline bool in_bounds(Bytes b, std::size_t off, std::size_t n) {
  return off <= b.size() && n <= b.size() - off;
}

inline std::optional<std::uint8_t> u8(Bytes b, std::size_t off) {
  if (!in_bounds(b, off, 1)) return std::nullopt;
  return std::to_integer<std::uint8_t>(b[off]);
}

// n bytes (n <= 8) as an unsigned integer, big or little endian.
inline std::optional<std::uint64_t> read_uint(Bytes b, std::size_t off, std::size_t n, bool big_endian) {
  if (n > 8 || !in_bounds(b, off, n)) return std::nullopt;
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t at = big_endian ? off + i : off + n - 1 - i;
    v = (v << 8) | std::to_integer<std::uint64_t>(b[at]);
  }
  return v;
}

inline std::optional<std::uint16_t> rd16(Bytes b, std::size_t off, bool big_endian) {
  auto v = read_uint(b, off, 2, big_endian);
  if (!v) return std::nullopt;
  return static_cast<std::uint16_t>(*v);
}
inline std::optional<std::uint32_t> rd32(Bytes b, std::size_t off, bool big_endian) {
  auto v = read_uint(b, off, 4, big_endian);
  if (!v) return std::nullopt;
  return static_cast<std::uint32_t>(*v);
}
inline std::optional<std::uint64_t> rd64(Bytes b, std::size_t off, bool big_endian) {
  return read_uint(b, off, 8, big_endian);
}
inline std::optional<std::uint16_t> be16(Bytes b, std::size_t off) { return rd16(b, off, true); }
inline std::optional<std::uint16_t> le16(Bytes b, std::size_t off) { return rd16(b, off, false); }
inline std::optional<std::uint32_t> be32(Bytes b, std::size_t off) { return rd32(b, off, true); }
inline std::optional<std::uint32_t> le32(Bytes b, std::size_t off) { return rd32(b, off, false); }
inline std::optional<std::uint64_t> be64(Bytes b, std::size_t off) { return rd64(b, off, true); }
inline std::optional<std::uint32_t> le24(Bytes b, std::size_t off) {
  auto v = read_uint(b, off, 3, false);
  if (!v) return std::nullopt;
  return static_cast<std::uint32_t>(*v);
}
inline std::optional<std::uint32_t> be24(Bytes b, std::size_t off) {
  auto v = read_uint(b, off, 3, true);
  if (!v) return std::nullopt;
  return static_cast<std::uint32_t>(*v);
}

// True when `magic` (raw bytes, may contain NULs) is at `off`.
inline bool has(Bytes b, std::size_t off, std::string_view magic) {
  if (!in_bounds(b, off, magic.size())) return false;
  for (std::size_t i = 0; i < magic.size(); ++i) {
    if (std::to_integer<unsigned char>(b[off + i]) != static_cast<unsigned char>(magic[i])) {
      return false;
    }
  }
  return true;
}

inline bool printable_fourcc(Bytes b, std::size_t off) {
  if (!in_bounds(b, off, 4)) return false;
  for (std::size_t i = 0; i < 4; ++i) {
    const auto c = std::to_integer<unsigned char>(b[off + i]);
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

}  // namespace triage::bytes
