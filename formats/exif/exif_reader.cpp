#include "formats/exif/exif_reader.h"

#include <libexif/exif-data.h>
#include <libexif/exif-log.h>
#include <libexif/exif-utils.h>

#include <algorithm>
#include <array>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "formats/exif/heif_exif_locator.h"

namespace triage {
namespace {

using Bytes = std::span<const std::byte>;

// The APP1 identifier in front of the TIFF structure (EXIF 2.3 §4.5.4); libexif expects it.
constexpr std::string_view kExifIdentifier{"Exif\0\0", 6};
// libexif reads at most 0xfffe bytes of identifier + TIFF (the most a JPEG APP1 segment can
// hold) and ignores the rest, so no more is ever copied for it.
constexpr std::size_t kLibexifMaxBytes = 0xfffe;
constexpr std::size_t kMaxTiffBytes = kLibexifMaxBytes - kExifIdentifier.size();
// A HEIF Exif item is read up to this size (its TIFF part is then cut to kMaxTiffBytes).
constexpr std::size_t kMaxHeifExifItem = std::size_t{1} << 20;

// Tag numbers: EXIF 2.3 (CIPA DC-008-2012) §4.6.4 (TIFF tags in IFD0), §4.6.5 (Exif IFD),
// §4.6.6 (GPS IFD); CameraSerialNumber from DNG 1.4.
namespace tag {
constexpr std::uint16_t make = 0x010F, model = 0x0110, orientation = 0x0112, software = 0x0131;
constexpr std::uint16_t camera_serial_number = 0xC62F;
constexpr std::uint16_t datetime_original = 0x9003, datetime_digitized = 0x9004;
constexpr std::uint16_t offset_time_original = 0x9011;
constexpr std::uint16_t pixel_x_dimension = 0xA002, pixel_y_dimension = 0xA003;
constexpr std::uint16_t body_serial_number = 0xA431, lens_model = 0xA434;
constexpr std::uint16_t gps_latitude_ref = 0x0001, gps_latitude = 0x0002;
constexpr std::uint16_t gps_longitude_ref = 0x0003, gps_longitude = 0x0004;
constexpr std::uint16_t gps_altitude_ref = 0x0005, gps_altitude = 0x0006;
constexpr std::uint16_t gps_time_stamp = 0x0007, gps_date_stamp = 0x001D;
}  // namespace tag

// ---- Byte helpers ------------------------------------------------------------------------

bool starts_with(Bytes data, std::string_view prefix) {
  return data.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), data.begin(),
                    [](char c, std::byte b) { return static_cast<std::byte>(c) == b; });
}

std::uint32_t big_endian(Bytes data, std::size_t pos, std::size_t width) {  // caller checks bounds
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < width; ++i) value = (value << 8) | std::to_integer<std::uint32_t>(data[pos + i]);
  return value;
}

std::uint32_t little_endian32(Bytes data, std::size_t pos) {  // caller checks bounds
  std::uint32_t value = 0;
  for (std::size_t i = 4; i-- > 0;) value = (value << 8) | std::to_integer<std::uint32_t>(data[pos + i]);
  return value;
}

// Some writers put "Exif\0\0" in front of the TIFF structure in PNG, WebP and HEIF too.
Bytes without_exif_identifier(Bytes data) {
  return starts_with(data, kExifIdentifier) ? data.subspan(kExifIdentifier.size()) : data;
}

// ---- Where each container keeps the TIFF structure -----------------------------------------

// JPEG: the first APP1 segment that starts with "Exif\0\0" (EXIF 2.3 §4.5.4; markers per
// ITU-T T.81 B.1.1). Stops at SOS: metadata segments come before the scan.
std::optional<Bytes> find_jpeg_exif(Bytes file) {
  if (file.size() < 4 || big_endian(file, 0, 2) != 0xFFD8) return std::nullopt;
  std::size_t pos = 2;
  while (file.size() - pos >= 4) {
    if (file[pos] != std::byte{0xFF}) return std::nullopt;  // lost marker sync
    const auto marker = std::to_integer<unsigned>(file[pos + 1]);
    if (marker == 0xFF) {  // fill byte
      ++pos;
      continue;
    }
    pos += 2;
    if (marker == 0xDA || marker == 0xD9) return std::nullopt;                  // SOS, EOI
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) continue;        // TEM, RSTn, SOI: no length
    const std::size_t length = big_endian(file, pos, 2);  // includes its own 2 bytes
    if (length < 2) return std::nullopt;
    // A segment cut short by the end of the file still gives what is there.
    const auto payload = file.subspan(pos + 2, std::min(length - 2, file.size() - pos - 2));
    if (marker == 0xE1 && starts_with(payload, kExifIdentifier)) return payload.subspan(kExifIdentifier.size());
    if (length > file.size() - pos) return std::nullopt;
    pos += length;
  }
  return std::nullopt;
}

// PNG: the eXIf chunk (PNG Third Edition; before it, the PNG 1.5.0 extensions).
std::optional<Bytes> find_png_exif(Bytes file) {
  constexpr std::string_view signature{"\x89PNG\r\n\x1a\n", 8};
  if (!starts_with(file, signature)) return std::nullopt;
  std::size_t pos = signature.size();
  while (file.size() - pos >= 12) {  // length, type, CRC
    const std::size_t length = big_endian(file, pos, 4);
    const auto type = file.subspan(pos + 4, 4);
    if (length > file.size() - pos - 12) return std::nullopt;
    if (starts_with(type, "eXIf")) return without_exif_identifier(file.subspan(pos + 8, length));
    if (starts_with(type, "IEND")) return std::nullopt;
    pos += 12 + length;
  }
  return std::nullopt;
}

// WebP: the "EXIF" chunk of the RIFF container (WebP Container Specification, extended format).
std::optional<Bytes> find_webp_exif(Bytes file) {
  if (file.size() < 12 || !starts_with(file, "RIFF") || !starts_with(file.subspan(8), "WEBP")) return std::nullopt;
  std::size_t pos = 12;
  while (file.size() - pos >= 8) {
    const std::size_t size = little_endian32(file, pos + 4);
    if (size > file.size() - pos - 8) return std::nullopt;
    if (starts_with(file.subspan(pos), "EXIF")) return without_exif_identifier(file.subspan(pos + 8, size));
    pos += 8 + size + (size & 1);  // chunks are padded to an even size
    if (pos > file.size()) return std::nullopt;
  }
  return std::nullopt;
}

// HEIF: the item starts with a 4-byte offset from its end to the TIFF header (ISO/IEC 23008-12
// Annex A.2.1).
std::optional<Bytes> find_tiff_in_heif_item(Bytes item) {
  if (item.size() < 4) return std::nullopt;
  const std::size_t offset = big_endian(item, 0, 4);
  if (offset > item.size() - 4) return std::nullopt;
  return without_exif_identifier(item.subspan(4 + offset));
}

bool is_heif_family(std::string_view format) { return format == "heif" || format == "heic" || format == "avif"; }

// ---- libexif --------------------------------------------------------------------------------

struct ExifDataUnref {
  void operator()(ExifData* data) const { exif_data_unref(data); }
};
struct ExifLogUnref {
  void operator()(ExifLog* log) const { exif_log_unref(log); }
};

// libexif's complaints about the data, kept instead of reaching stderr.
struct LogSink {
  std::vector<std::string> problems;
};

[[gnu::format(printf, 4, 0)]]  // lets the compiler check the vsnprintf forwarding
void collect_log(ExifLog*, ExifLogCode code, const char*, const char* format, va_list args, void* user) {
  if (code != EXIF_LOG_CODE_CORRUPT_DATA && code != EXIF_LOG_CODE_NO_MEMORY) return;  // debug chatter
  auto* sink = static_cast<LogSink*>(user);
  if (format == nullptr || sink->problems.size() >= 4) return;
  std::array<char, 200> text{};
  std::vsnprintf(text.data(), text.size(), format, args);
  sink->problems.emplace_back(text.data());
}

ExifEntry* find_entry(ExifData* data, ExifIfd ifd, std::uint16_t tag) {
  return exif_content_get_entry(data->ifd[ifd], static_cast<ExifTag>(tag));
}

// IFD0 and the Exif IFD share one tag namespace, and some writers put a tag in the other one;
// look in the specified IFD first. Never IFD1 (the thumbnail's) nor GPS/Interop (other numbering).
ExifEntry* find_primary(ExifData* data, std::uint16_t tag, ExifIfd home) {
  if (ExifEntry* entry = find_entry(data, home, tag)) return entry;
  return find_entry(data, home == EXIF_IFD_0 ? EXIF_IFD_EXIF : EXIF_IFD_0, tag);
}

// The raw ASCII value, up to its NUL terminator (EXIF 2.3 §4.6.2), trailing spaces trimmed.
// exif_entry_get_value is not used: it reformats some values.
std::optional<std::string> ascii_value(const ExifEntry* entry) {
  if (entry == nullptr || entry->format != EXIF_FORMAT_ASCII || entry->data == nullptr) return std::nullopt;
  std::string_view text(reinterpret_cast<const char*>(entry->data), entry->size);
  text = text.substr(0, text.find('\0'));
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  return std::string(text);
}

// Component `index` of a RATIONAL entry; nullopt for a zero denominator (undefined value).
std::optional<double> rational_value(const ExifEntry* entry, unsigned index, ExifByteOrder order) {
  if (entry == nullptr || entry->format != EXIF_FORMAT_RATIONAL || entry->data == nullptr ||
      entry->components <= index || entry->size < 8u * (index + 1))
    return std::nullopt;
  const ExifRational value = exif_get_rational(entry->data + std::size_t{8} * index, order);
  if (value.denominator == 0) return std::nullopt;
  return static_cast<double>(value.numerator) / static_cast<double>(value.denominator);
}

// The first value of a SHORT or LONG entry.
std::optional<std::uint32_t> unsigned_value(const ExifEntry* entry, ExifByteOrder order) {
  if (entry == nullptr || entry->data == nullptr || entry->components == 0) return std::nullopt;
  if (entry->format == EXIF_FORMAT_SHORT && entry->size >= 2) return exif_get_short(entry->data, order);
  if (entry->format == EXIF_FORMAT_LONG && entry->size >= 4) return exif_get_long(entry->data, order);
  return std::nullopt;
}

std::optional<std::uint32_t> positive_value(const ExifEntry* entry, ExifByteOrder order) {
  const std::uint32_t value = unsigned_value(entry, order).value_or(0);
  return value > 0 ? std::optional(value) : std::nullopt;
}

// GPSLatitude/GPSLongitude (degrees, minutes, seconds as RATIONALs) in signed decimal degrees;
// the Ref letter gives the sign. Without a valid Ref the hemisphere is unknown: no value.
std::optional<double> gps_coordinate(ExifData* data, std::uint16_t value_tag, std::uint16_t ref_tag,
                                     char negative_ref, char positive_ref, double limit, ExifByteOrder order) {
  const auto ref = ascii_value(find_entry(data, EXIF_IFD_GPS, ref_tag));
  const ExifEntry* value = find_entry(data, EXIF_IFD_GPS, value_tag);
  if (!ref || value == nullptr) return std::nullopt;
  const char hemisphere = (*ref)[0];
  if (hemisphere != negative_ref && hemisphere != positive_ref) return std::nullopt;
  const auto parts = static_cast<unsigned>(std::min<unsigned long>(value->components, 3));
  if (parts == 0) return std::nullopt;
  double degrees = 0.0, unit = 1.0;
  for (unsigned i = 0; i < parts; ++i, unit *= 60.0) {
    const auto part = rational_value(value, i, order);
    if (!part) return std::nullopt;
    degrees += *part / unit;
  }
  if (degrees > limit) return std::nullopt;
  return hemisphere == negative_ref ? -degrees : degrees;
}

// GPSAltitude in metres; GPSAltitudeRef 1 means below sea level.
std::optional<double> gps_altitude(ExifData* data, ExifByteOrder order) {
  auto altitude = rational_value(find_entry(data, EXIF_IFD_GPS, tag::gps_altitude), 0, order);
  const ExifEntry* ref = find_entry(data, EXIF_IFD_GPS, tag::gps_altitude_ref);
  if (altitude && ref != nullptr && ref->format == EXIF_FORMAT_BYTE && ref->size >= 1 && ref->data != nullptr &&
      ref->data[0] == 1)
    *altitude = -*altitude;
  return altitude;
}

bool is_exif_date(std::string_view text) {  // "YYYY:MM:DD"
  if (text.size() != 10) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool separator = i == 4 || i == 7;
    if (separator ? text[i] != ':' : (text[i] < '0' || text[i] > '9')) return false;
  }
  return true;
}

std::string two_digits(unsigned value) {
  return {static_cast<char>('0' + value / 10 % 10), static_cast<char>('0' + value % 10)};
}

// GPSDateStamp + GPSTimeStamp (UTC) as "YYYY:MM:DD HH:MM:SS", fractions of seconds dropped.
std::optional<std::string> gps_datetime(ExifData* data, ExifByteOrder order) {
  const auto date = ascii_value(find_entry(data, EXIF_IFD_GPS, tag::gps_date_stamp));
  const ExifEntry* time = find_entry(data, EXIF_IFD_GPS, tag::gps_time_stamp);
  if (!date || !is_exif_date(*date) || time == nullptr) return std::nullopt;
  const auto hours = rational_value(time, 0, order);
  const auto minutes = rational_value(time, 1, order);
  const auto seconds = rational_value(time, 2, order);
  if (!hours || !minutes || !seconds || *hours >= 24.0 || *minutes >= 60.0 || *seconds >= 61.0) return std::nullopt;
  return *date + ' ' + two_digits(static_cast<unsigned>(*hours)) + ':' + two_digits(static_cast<unsigned>(*minutes)) +
         ':' + two_digits(static_cast<unsigned>(*seconds));
}

ExifFields extract_fields(ExifData* data) {
  const ExifByteOrder order = exif_data_get_byte_order(data);
  ExifFields fields;
  fields.make = ascii_value(find_primary(data, tag::make, EXIF_IFD_0));
  fields.model = ascii_value(find_primary(data, tag::model, EXIF_IFD_0));
  fields.software = ascii_value(find_primary(data, tag::software, EXIF_IFD_0));
  fields.serial = ascii_value(find_primary(data, tag::body_serial_number, EXIF_IFD_EXIF));
  if (!fields.serial) fields.serial = ascii_value(find_primary(data, tag::camera_serial_number, EXIF_IFD_0));
  fields.lens_model = ascii_value(find_primary(data, tag::lens_model, EXIF_IFD_EXIF));
  fields.datetime_original = ascii_value(find_primary(data, tag::datetime_original, EXIF_IFD_EXIF));
  fields.offset_time_original = ascii_value(find_primary(data, tag::offset_time_original, EXIF_IFD_EXIF));
  fields.datetime_digitized = ascii_value(find_primary(data, tag::datetime_digitized, EXIF_IFD_EXIF));

  const auto orientation = unsigned_value(find_primary(data, tag::orientation, EXIF_IFD_0), order);
  if (orientation && *orientation >= 1 && *orientation <= 8) fields.orientation = static_cast<int>(*orientation);

  fields.gps_lat = gps_coordinate(data, tag::gps_latitude, tag::gps_latitude_ref, 'S', 'N', 90.0, order);
  fields.gps_lon = gps_coordinate(data, tag::gps_longitude, tag::gps_longitude_ref, 'W', 'E', 180.0, order);
  fields.gps_alt = gps_altitude(data, order);
  fields.gps_datetime = gps_datetime(data, order);

  fields.width = positive_value(find_primary(data, tag::pixel_x_dimension, EXIF_IFD_EXIF), order);
  fields.height = positive_value(find_primary(data, tag::pixel_y_dimension, EXIF_IFD_EXIF), order);
  return fields;
}

// Decodes a TIFF structure ("II*\0" or "MM\0*", TIFF 6.0 §2) holding the EXIF IFDs.
Result<ExifFields> decode_tiff(Bytes tiff) {
  const bool intel = starts_with(tiff, std::string_view{"II*\0", 4});
  const bool motorola = starts_with(tiff, std::string_view{"MM\0*", 4});
  if (tiff.size() < 8 || (!intel && !motorola)) return Error{"exif", "EXIF block has no TIFF header"};
  const std::size_t ifd0 = intel ? little_endian32(tiff, 4) : big_endian(tiff, 4, 4);
  if (ifd0 < 8 || ifd0 > tiff.size() - 2) return Error{"exif", "EXIF IFD0 offset lies outside the EXIF block"};
  if (ifd0 > kMaxTiffBytes - 2)
    return Error{"exif", "EXIF IFD0 lies beyond the first 64 KiB of the TIFF structure, which libexif cannot read"};

  std::vector<unsigned char> block(kExifIdentifier.begin(), kExifIdentifier.end());
  const auto kept = tiff.first(std::min(tiff.size(), kMaxTiffBytes));
  std::transform(kept.begin(), kept.end(), std::back_inserter(block),
                 [](std::byte b) { return std::to_integer<unsigned char>(b); });

  LogSink sink;
  const std::unique_ptr<ExifLog, ExifLogUnref> log(exif_log_new());
  const std::unique_ptr<ExifData, ExifDataUnref> data(exif_data_new());
  if (!log || !data) return Error{"exif", "libexif could not allocate its state"};
  exif_log_set_func(log.get(), collect_log, &sink);
  exif_data_log(data.get(), log.get());
  // Report what the file holds: no tags made up to "fix" it to the specification, and tags
  // libexif does not know (DNG CameraSerialNumber) or finds in an unexpected IFD are kept.
  exif_data_unset_option(data.get(), EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
  exif_data_unset_option(data.get(), EXIF_DATA_OPTION_IGNORE_UNKNOWN_TAGS);
  exif_data_load_data(data.get(), block.data(), static_cast<unsigned>(block.size()));

  const bool any_entry = std::any_of(std::begin(data->ifd), std::end(data->ifd),
                                     [](const ExifContent* ifd) { return ifd != nullptr && ifd->count > 0; });
  if (!any_entry && !sink.problems.empty()) return Error{"exif", "corrupt EXIF block: " + sink.problems.front()};
  // Partly damaged blocks still give what libexif could read.
  return extract_fields(data.get());
}

}  // namespace

Result<ExifFields> read_exif(const MediaKind& kind, std::span<const std::byte> content) {
  std::optional<Bytes> tiff;
  std::vector<std::byte> heif_item;  // owns the bytes `tiff` points into for HEIF
  if (kind.format == "jpeg") {
    tiff = find_jpeg_exif(content);
  } else if (kind.format == "tiff") {
    tiff = content;  // the file is itself the TIFF structure
  } else if (kind.format == "png") {
    tiff = find_png_exif(content);
  } else if (kind.format == "webp") {
    tiff = find_webp_exif(content);
  } else if (is_heif_family(kind.format)) {
    if (auto item = find_heif_exif_item(content, kMaxHeifExifItem)) {
      heif_item = std::move(*item);
      tiff = find_tiff_in_heif_item(heif_item);
    }
  }
  if (!tiff) return ExifFields{};
  return decode_tiff(*tiff);
}

std::vector<LibraryVersion> exif_library_versions() { return {{"libexif", TRIAGE_LIBEXIF_VERSION}}; }
}  // namespace triage
