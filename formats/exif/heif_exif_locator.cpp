#include "formats/exif/heif_exif_locator.h"

#include <algorithm>
#include <cstdint>
#include <limits>

#include "core/media/iso_bmff.h"

// Box layouts: ISO/IEC 14496-12 (ISO BMFF) §4.2 box header, §8.11.1 meta, §8.11.3 iloc,
// §8.11.6 iinf/infe, §8.11.11 idat. Every offset and length read from the file is checked
// against the span it points into before use.

namespace triage {
namespace {

// Reads big-endian integers; a read past the end marks the cursor failed and yields 0, so a
// parser can check failed() once after a group of reads.
class Cursor {
 public:
  explicit Cursor(std::span<const std::byte> data) : data_(data) {}

  std::uint64_t read(std::size_t bytes) {  // 0 to 8 bytes
    if (failed_ || bytes > remaining()) {
      failed_ = true;
      return 0;
    }
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < bytes; ++i) value = (value << 8) | std::to_integer<std::uint64_t>(data_[pos_ + i]);
    pos_ += bytes;
    return value;
  }
  void skip(std::size_t bytes) {
    if (failed_ || bytes > remaining()) failed_ = true;
    else pos_ += bytes;
  }
  std::size_t position() const { return pos_; }
  std::size_t remaining() const { return data_.size() - pos_; }
  std::span<const std::byte> rest() const { return failed_ ? std::span<const std::byte>{} : data_.subspan(pos_); }
  bool failed() const { return failed_; }

 private:
  std::span<const std::byte> data_;
  std::size_t pos_ = 0;
  bool failed_ = false;
};

struct Box {
  std::uint32_t type = 0;
  std::span<const std::byte> payload;
};

// Walks the boxes laid end to end in a span (core/media/iso_bmff.h reads each header); stops at
// the first header that does not fit or a box claiming more than the span holds.
class BoxWalker {
 public:
  explicit BoxWalker(std::span<const std::byte> data) : data_(data) {}

  bool next(Box& box) {
    const auto header = read_bmff_box(data_, pos_, data_.size());
    if (!header || header->truncated) return false;
    box.type = header->type;
    box.payload = data_.subspan(header->body, header->end - header->body);
    pos_ = header->end;
    return true;
  }

 private:
  std::span<const std::byte> data_;
  std::size_t pos_ = 0;
};

std::optional<std::span<const std::byte>> find_box(std::span<const std::byte> data, std::uint32_t type) {
  BoxWalker walker(data);
  for (Box box; walker.next(box);)
    if (box.type == type) return box.payload;
  return std::nullopt;
}

// Payload of a FullBox after its version byte and 24-bit flags.
struct FullBox {
  std::uint64_t version = 0;
  Cursor body;
};
FullBox open_full_box(std::span<const std::byte> payload) {
  Cursor cursor(payload);
  const auto version = cursor.read(1);
  cursor.skip(3);
  return {version, cursor};
}

// item_ID of the first 'Exif' item in iinf. Only infe versions 2 and 3 carry an item_type.
std::optional<std::uint64_t> exif_item_id(std::span<const std::byte> iinf) {
  auto [version, cursor] = open_full_box(iinf);
  cursor.skip(version == 0 ? 2 : 4);  // entry_count; walking the infe boxes is enough
  BoxWalker walker(cursor.rest());
  for (Box box; walker.next(box);) {
    if (box.type != fourcc("infe")) continue;
    auto [infe_version, entry] = open_full_box(box.payload);
    if (infe_version < 2) continue;
    const auto item_id = entry.read(infe_version == 2 ? 2 : 4);
    entry.skip(2);  // item_protection_index
    const auto item_type = entry.read(4);
    if (!entry.failed() && item_type == fourcc("Exif")) return item_id;
  }
  return std::nullopt;
}

struct Extent {
  std::uint64_t offset = 0, length = 0;  // length 0: to the end of the data source
};
struct ItemLocation {
  std::uint64_t construction_method = 0;  // 0: file offsets, 1: offsets into idat
  std::vector<Extent> extents;
};

bool valid_field_size(std::uint64_t size) { return size == 0 || size == 4 || size == 8; }

std::optional<ItemLocation> find_item_location(std::span<const std::byte> iloc, std::uint64_t wanted_id) {
  auto [version, cursor] = open_full_box(iloc);
  if (version > 2) return std::nullopt;
  const auto sizes = cursor.read(1);
  const auto more_sizes = cursor.read(1);
  const std::uint64_t offset_size = sizes >> 4, length_size = sizes & 0x0F;
  const std::uint64_t base_offset_size = more_sizes >> 4;
  const std::uint64_t index_size = version >= 1 ? (more_sizes & 0x0F) : 0;
  if (!valid_field_size(offset_size) || !valid_field_size(length_size) ||
      !valid_field_size(base_offset_size) || !valid_field_size(index_size))
    return std::nullopt;

  const auto item_count = cursor.read(version < 2 ? 2 : 4);
  for (std::uint64_t item = 0; item < item_count && !cursor.failed(); ++item) {
    const auto item_id = cursor.read(version < 2 ? 2 : 4);
    const auto construction_method = version >= 1 ? (cursor.read(2) & 0x0F) : 0;
    const auto data_reference_index = cursor.read(2);
    const auto base_offset = cursor.read(base_offset_size);
    const auto extent_count = cursor.read(2);
    const bool wanted = item_id == wanted_id;
    ItemLocation location{construction_method, {}};
    for (std::uint64_t i = 0; i < extent_count && !cursor.failed(); ++i) {
      cursor.skip(index_size);
      const auto offset = cursor.read(offset_size);
      const auto length = cursor.read(length_size);
      if (!wanted) continue;
      if (offset > std::numeric_limits<std::uint64_t>::max() - base_offset) return std::nullopt;
      location.extents.push_back({base_offset + offset, length});
    }
    if (cursor.failed()) return std::nullopt;
    // data_reference_index 0 means "this file"; other files are out of reach.
    if (wanted) return data_reference_index == 0 ? std::optional(location) : std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::vector<std::byte>> find_heif_exif_item(std::span<const std::byte> file,
                                                          std::size_t max_bytes) {
  const auto meta = find_box(file, fourcc("meta"));
  if (!meta) return std::nullopt;
  const auto meta_children = open_full_box(*meta).body.rest();

  const auto iinf = find_box(meta_children, fourcc("iinf"));
  const auto iloc = find_box(meta_children, fourcc("iloc"));
  if (!iinf || !iloc) return std::nullopt;
  const auto item_id = exif_item_id(*iinf);
  if (!item_id) return std::nullopt;
  const auto location = find_item_location(*iloc, *item_id);
  if (!location || location->extents.empty()) return std::nullopt;

  std::span<const std::byte> source;
  if (location->construction_method == 0) {
    source = file;
  } else if (location->construction_method == 1) {
    const auto idat = find_box(meta_children, fourcc("idat"));
    if (!idat) return std::nullopt;
    source = *idat;
  } else {
    return std::nullopt;  // method 2 (item references) is not used for Exif in practice
  }

  std::vector<std::byte> item;
  for (const Extent& extent : location->extents) {
    if (extent.offset > source.size()) return std::nullopt;
    const auto start = static_cast<std::size_t>(extent.offset);
    const std::size_t available = source.size() - start;
    if (extent.length > available) return std::nullopt;
    const std::size_t length = extent.length == 0 ? available : static_cast<std::size_t>(extent.length);
    const std::size_t take = std::min(length, max_bytes - item.size());
    const auto piece = source.subspan(start, take);
    item.insert(item.end(), piece.begin(), piece.end());
    if (item.size() == max_bytes) break;
  }
  return item;
}

}  // namespace triage
