// Over 600 lines: the EXIF conformance of every corpus camera and libexif test file, one case per maker note family.
#include "formats/exif/exif_reader.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/support/test_support.h"

namespace triage {
namespace {

namespace fs = std::filesystem;
using ByteVector = std::vector<std::byte>;

const MediaKind kJpeg{MediaType::image, "jpeg", "image/jpeg", "jpg jpeg jpe jfif"};
const MediaKind kTiff{MediaType::image, "tiff", "image/tiff", "tif tiff"};
const MediaKind kHeif{MediaType::image, "heif", "image/heif", "heif heic hif"};
const MediaKind kPng{MediaType::image, "png", "image/png", "png"};
const MediaKind kWebp{MediaType::image, "webp", "image/webp", "webp"};
const MediaKind kGif{MediaType::image, "gif", "image/gif", "gif"};

// ---- Byte building ---------------------------------------------------------------------------

void append(ByteVector& out, std::string_view text) {
  for (char c : text) out.push_back(static_cast<std::byte>(c));
}
void append(ByteVector& out, const ByteVector& more) { out.insert(out.end(), more.begin(), more.end()); }
void append_be(ByteVector& out, std::uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<std::byte>((value >> (8 * i)) & 0xFF));
}
void append_le(ByteVector& out, std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<std::byte>((value >> (8 * i)) & 0xFF));
}
using test::bytes_of;

// A small TIFF structure with IFD0, Exif IFD and GPS IFD (EXIF 2.3 §4.6.2 layout), to reach
// values the corpus does not have (W longitude, altitude below sea level, broken rationals...).
class TiffBuilder {
 public:
  enum Ifd { ifd0, exif, gps };
  enum Type : std::uint16_t { byte_type = 1, ascii_type = 2, short_type = 3, long_type = 4, rational_type = 5,
                              undefined_type = 7 };

  explicit TiffBuilder(bool big_endian = false) : big_endian_(big_endian) {}

  TiffBuilder& ascii(Ifd ifd, std::uint16_t tag, std::string_view text) {  // NUL added
    ByteVector value = bytes_of(text);
    value.push_back(std::byte{0});
    return raw(ifd, tag, ascii_type, static_cast<std::uint32_t>(value.size()), value);
  }
  TiffBuilder& short_value(Ifd ifd, std::uint16_t tag, std::uint16_t value) {
    ByteVector bytes;
    put(bytes, value, 2);
    return raw(ifd, tag, short_type, 1, bytes);
  }
  TiffBuilder& long_value(Ifd ifd, std::uint16_t tag, std::uint32_t value) {
    ByteVector bytes;
    put(bytes, value, 4);
    return raw(ifd, tag, long_type, 1, bytes);
  }
  TiffBuilder& byte_value(Ifd ifd, std::uint16_t tag, std::uint8_t value) {
    return raw(ifd, tag, byte_type, 1, ByteVector{std::byte{value}});
  }
  TiffBuilder& rationals(Ifd ifd, std::uint16_t tag, const std::vector<std::pair<std::uint32_t, std::uint32_t>>& values) {
    ByteVector bytes;
    for (const auto& [numerator, denominator] : values) {
      put(bytes, numerator, 4);
      put(bytes, denominator, 4);
    }
    return raw(ifd, tag, rational_type, static_cast<std::uint32_t>(values.size()), bytes);
  }
  TiffBuilder& raw(Ifd ifd, std::uint16_t tag, std::uint16_t type, std::uint32_t count, ByteVector value) {
    entries_[ifd].push_back({tag, type, count, std::move(value)});
    return *this;
  }

  ByteVector build() const {
    auto ifd0_entries = entries_[ifd0];
    // Pointer values are patched below once the layout is known (0x8769 ExifIFD, 0x8825 GPS IFD).
    if (!entries_[exif].empty()) ifd0_entries.push_back({0x8769, long_type, 1, ByteVector(4)});
    if (!entries_[gps].empty()) ifd0_entries.push_back({0x8825, long_type, 1, ByteVector(4)});
    const std::vector<const std::vector<Entry>*> ifds{&ifd0_entries, &entries_[exif], &entries_[gps]};

    std::vector<std::uint32_t> ifd_offsets;
    std::uint32_t next = 8;
    for (const auto* ifd : ifds) {
      ifd_offsets.push_back(ifd->empty() ? 0 : next);
      if (!ifd->empty()) next += static_cast<std::uint32_t>(2 + 12 * ifd->size() + 4);
    }
    ByteVector out;
    append(out, big_endian_ ? std::string_view{"MM\0*", 4} : std::string_view{"II*\0", 4});
    put(out, 8, 4);
    ByteVector data_area;
    for (std::size_t i = 0; i < ifds.size(); ++i) {
      if (ifds[i]->empty()) continue;
      auto sorted = *ifds[i];
      std::sort(sorted.begin(), sorted.end(), [](const Entry& a, const Entry& b) { return a.tag < b.tag; });
      put(out, sorted.size(), 2);
      for (const Entry& entry : sorted) {
        put(out, entry.tag, 2);
        put(out, entry.type, 2);
        put(out, entry.count, 4);
        if (entry.tag == 0x8769) put(out, ifd_offsets[exif], 4);
        else if (entry.tag == 0x8825) put(out, ifd_offsets[gps], 4);
        else if (entry.value.size() <= 4) {
          append(out, entry.value);
          out.resize(out.size() + 4 - entry.value.size());
        } else {
          put(out, next + data_area.size(), 4);
          append(data_area, entry.value);
          if (data_area.size() % 2 != 0) data_area.push_back(std::byte{0});  // word alignment
        }
      }
      put(out, 0, 4);  // no next IFD
    }
    append(out, data_area);
    return out;
  }

 private:
  struct Entry {
    std::uint16_t tag, type;
    std::uint32_t count;
    ByteVector value;
  };
  void put(ByteVector& out, std::uint64_t value, int bytes) const {
    if (big_endian_) append_be(out, value, bytes);
    else append_le(out, value, bytes);
  }
  bool big_endian_;
  std::vector<Entry> entries_[3];
};

// ---- Containers around a TIFF structure ------------------------------------------------------

ByteVector jpeg_segment(std::uint8_t marker, const ByteVector& payload) {
  ByteVector out{std::byte{0xFF}, std::byte{marker}};
  append_be(out, payload.size() + 2, 2);
  append(out, payload);
  return out;
}

// SOI, an XMP APP1 first (so the EXIF APP1 is not the first APP1), the EXIF APP1, SOS..EOI.
ByteVector make_jpeg(const ByteVector& tiff) {
  ByteVector out{std::byte{0xFF}, std::byte{0xD8}};
  append(out, jpeg_segment(0xE0, bytes_of(std::string_view{"JFIF\0\1\1\0\0\1\0\1\0\0", 14})));
  append(out, jpeg_segment(0xE1, bytes_of(std::string_view{"http://ns.adobe.com/xap/1.0/\0<x/>", 33})));
  ByteVector exif = bytes_of(std::string_view{"Exif\0\0", 6});
  append(exif, tiff);
  append(out, jpeg_segment(0xE1, exif));
  append(out, jpeg_segment(0xDA, ByteVector(10)));
  append(out, ByteVector{std::byte{0xFF}, std::byte{0xD9}});
  return out;
}

ByteVector png_chunk(std::string_view type, const ByteVector& data) {
  ByteVector out;
  append_be(out, data.size(), 4);
  append(out, type);
  append(out, data);
  append_be(out, 0, 4);  // CRC, not checked by the reader
  return out;
}

ByteVector make_png(const ByteVector& tiff) {
  ByteVector out = bytes_of(std::string_view{"\x89PNG\r\n\x1a\n", 8});
  append(out, png_chunk("IHDR", ByteVector(13)));
  append(out, png_chunk("eXIf", tiff));
  append(out, png_chunk("IEND", {}));
  return out;
}

ByteVector make_webp(const ByteVector& tiff) {
  ByteVector chunks;
  append(chunks, "VP8X");
  append_le(chunks, 10, 4);
  append(chunks, ByteVector(10));
  append(chunks, "EXIF");
  append_le(chunks, tiff.size(), 4);
  append(chunks, tiff);
  if (tiff.size() % 2 != 0) chunks.push_back(std::byte{0});
  ByteVector out = bytes_of("RIFF");
  append_le(out, chunks.size() + 4, 4);
  append(out, "WEBP");
  append(out, chunks);
  return out;
}

ByteVector box(std::string_view type, const ByteVector& payload) {
  ByteVector out;
  append_be(out, payload.size() + 8, 4);
  append(out, type);
  append(out, payload);
  return out;
}
ByteVector full_box(std::string_view type, std::uint8_t version, const ByteVector& payload) {
  ByteVector body{std::byte{version}, std::byte{0}, std::byte{0}, std::byte{0}};
  append(body, payload);
  return box(type, body);
}

// ftyp, meta {hdlr, iinf {infe 'Exif'}, iloc [, idat]}, mdat. The Exif item is the HEIF
// exif_tiff_header_offset (6), "Exif\0\0" and the TIFF structure; in mdat (construction method 0)
// or in idat (method 1).
ByteVector make_heif(const ByteVector& tiff, bool in_idat) {
  ByteVector item;
  append_be(item, 6, 4);
  append(item, std::string_view{"Exif\0\0", 6});
  append(item, tiff);

  ByteVector ftyp = bytes_of("heic");
  append_be(ftyp, 0, 4);
  append(ftyp, "mif1heic");
  ByteVector hdlr(4);
  append(hdlr, "pict");
  append(hdlr, ByteVector(13));
  ByteVector infe;
  append_be(infe, 1, 2);  // item_ID
  append_be(infe, 0, 2);  // item_protection_index
  append(infe, "Exif");
  infe.push_back(std::byte{0});  // item_name ""
  ByteVector iinf;
  append_be(iinf, 1, 2);
  append(iinf, full_box("infe", 2, infe));

  auto make_iloc = [&](std::uint64_t offset) {
    ByteVector iloc{std::byte{0x44}, std::byte{0x00}};  // offset_size 4, length_size 4
    append_be(iloc, 1, 2);                                // item_count
    append_be(iloc, 1, 2);                                // item_ID
    append_be(iloc, in_idat ? 1 : 0, 2);                  // construction_method (version 1)
    append_be(iloc, 0, 2);                                // data_reference_index
    append_be(iloc, 1, 2);                                // extent_count
    append_be(iloc, offset, 4);
    append_be(iloc, item.size(), 4);
    return full_box("iloc", 1, iloc);
  };
  auto make_meta = [&](std::uint64_t offset) {
    ByteVector children = full_box("hdlr", 0, hdlr);
    append(children, full_box("iinf", 0, iinf));
    append(children, make_iloc(offset));
    if (in_idat) append(children, box("idat", item));
    return full_box("meta", 0, children);
  };
  ByteVector out = box("ftyp", ftyp);
  const std::size_t meta_size = make_meta(0).size();
  append(out, make_meta(in_idat ? 0 : out.size() + meta_size + 8));
  append(out, box("mdat", in_idat ? ByteVector(4) : item));
  return out;
}

// ---- Synthetic fields ------------------------------------------------------------------------

TiffBuilder full_tiff(bool big_endian) {
  TiffBuilder tiff(big_endian);
  tiff.ascii(TiffBuilder::ifd0, 0x010F, "Test Maker  ")  // trailing spaces are trimmed
      .ascii(TiffBuilder::ifd0, 0x0110, "Model X")
      .ascii(TiffBuilder::ifd0, 0x0131, "Firmware 1.0")
      .short_value(TiffBuilder::ifd0, 0x0112, 6)
      .ascii(TiffBuilder::exif, 0x9003, "2020:02:29 23:10:00")
      .ascii(TiffBuilder::exif, 0x9004, "2020:02:29 23:10:01")
      .ascii(TiffBuilder::exif, 0x9011, "-03:00")
      .ascii(TiffBuilder::exif, 0xA431, "SN12345")
      .ascii(TiffBuilder::exif, 0xA434, "Lens 24-70mm")
      .long_value(TiffBuilder::exif, 0xA002, 4000)
      .short_value(TiffBuilder::exif, 0xA003, 3000)
      .ascii(TiffBuilder::gps, 0x0001, "S")
      .rationals(TiffBuilder::gps, 0x0002, {{33, 1}, {51, 1}, {3156, 100}})
      .ascii(TiffBuilder::gps, 0x0003, "W")
      .rationals(TiffBuilder::gps, 0x0004, {{151, 1}, {12, 1}, {42, 10}})
      .byte_value(TiffBuilder::gps, 0x0005, 1)
      .rationals(TiffBuilder::gps, 0x0006, {{125, 10}})
      .rationals(TiffBuilder::gps, 0x0007, {{2, 1}, {59, 1}, {5999, 100}})
      .ascii(TiffBuilder::gps, 0x001D, "2020:03:01");
  return tiff;
}

void check_full_fields(const Result<ExifFields>& result) {
  REQUIRE(result.ok());
  const ExifFields& f = result.value();
  CHECK(f.make == "Test Maker");
  CHECK(f.model == "Model X");
  CHECK(f.software == "Firmware 1.0");
  CHECK(f.orientation == 6);
  CHECK(f.datetime_original == "2020:02:29 23:10:00");
  CHECK(f.datetime_digitized == "2020:02:29 23:10:01");
  CHECK(f.offset_time_original == "-03:00");
  CHECK(f.serial == "SN12345");
  CHECK(f.lens_model == "Lens 24-70mm");
  CHECK(f.width == 4000u);
  CHECK(f.height == 3000u);
  REQUIRE(f.gps_lat.has_value());
  CHECK(*f.gps_lat == doctest::Approx(-(33 + 51 / 60.0 + 31.56 / 3600)).epsilon(1e-12));
  REQUIRE(f.gps_lon.has_value());
  CHECK(*f.gps_lon == doctest::Approx(-(151 + 12 / 60.0 + 4.2 / 3600)).epsilon(1e-12));
  REQUIRE(f.gps_alt.has_value());
  CHECK(*f.gps_alt == doctest::Approx(-12.5));
  CHECK(f.gps_datetime == "2020:03:01 02:59:59");
}

TEST_CASE("read_exif: every field, in each container and both byte orders") {
  for (bool big_endian : {false, true}) {
    CAPTURE(big_endian);
    const ByteVector tiff = full_tiff(big_endian).build();
    SUBCASE("jpeg") { check_full_fields(read_exif(kJpeg, make_jpeg(tiff))); }
    SUBCASE("tiff") { check_full_fields(read_exif(kTiff, tiff)); }
    SUBCASE("png") { check_full_fields(read_exif(kPng, make_png(tiff))); }
    SUBCASE("webp") { check_full_fields(read_exif(kWebp, make_webp(tiff))); }
    SUBCASE("heif, item in mdat") { check_full_fields(read_exif(kHeif, make_heif(tiff, false))); }
    SUBCASE("heif, item in idat") { check_full_fields(read_exif(kHeif, make_heif(tiff, true))); }
  }
}

TEST_CASE("read_exif: invalid values leave their field absent") {
  TiffBuilder tiff;
  tiff.ascii(TiffBuilder::ifd0, 0x010F, "Maker")
      .raw(TiffBuilder::ifd0, 0x0110, TiffBuilder::ascii_type, 4, ByteVector(4))  // all NUL
      .raw(TiffBuilder::ifd0, 0x0131, TiffBuilder::undefined_type, 4, bytes_of("abcd"))  // not ASCII
      .short_value(TiffBuilder::ifd0, 0x0112, 9)                                      // not 1..8
      .ascii(TiffBuilder::ifd0, 0xC62F, "DNG-SERIAL")  // DNG CameraSerialNumber, no BodySerialNumber
      .long_value(TiffBuilder::exif, 0xA002, 0)
      .ascii(TiffBuilder::gps, 0x0001, "N")
      .rationals(TiffBuilder::gps, 0x0002, {{10, 1}, {5, 0}, {0, 1}})  // zero denominator
      .rationals(TiffBuilder::gps, 0x0004, {{10, 1}, {0, 1}, {0, 1}})   // no GPSLongitudeRef
      .rationals(TiffBuilder::gps, 0x0006, {{100, 0}})
      .ascii(TiffBuilder::gps, 0x001D, "2020:03:01")
      .rationals(TiffBuilder::gps, 0x0007, {{25, 1}, {0, 1}, {0, 1}});  // hour 25
  const auto result = read_exif(kTiff, tiff.build());
  REQUIRE(result.ok());
  const ExifFields& f = result.value();
  CHECK(f.make == "Maker");
  CHECK_FALSE(f.model);
  CHECK_FALSE(f.software);
  CHECK_FALSE(f.orientation);
  CHECK(f.serial == "DNG-SERIAL");
  CHECK_FALSE(f.width);
  CHECK_FALSE(f.gps_lat);
  CHECK_FALSE(f.gps_lon);
  CHECK_FALSE(f.gps_alt);
  CHECK_FALSE(f.gps_datetime);
}

TEST_CASE("read_exif: files without EXIF give empty fields") {
  const ByteVector tiff = full_tiff(false).build();
  ByteVector plain_jpeg{std::byte{0xFF}, std::byte{0xD8}};
  append(plain_jpeg, jpeg_segment(0xDA, ByteVector(10)));
  const std::vector<std::pair<MediaKind, ByteVector>> cases{
      {kJpeg, plain_jpeg},
      {kJpeg, {}},
      {kJpeg, bytes_of("not a jpeg at all")},
      {kPng, bytes_of(std::string_view{"\x89PNG\r\n\x1a\n", 8})},
      {kWebp, bytes_of(std::string_view{"RIFF\4\0\0\0WEBP", 12})},
      {kHeif, box("ftyp", bytes_of("heic"))},
      {kGif, make_jpeg(tiff)},  // formats other than the EXIF carriers are not searched
  };
  for (const auto& [kind, content] : cases) {
    const std::string format(kind.format);
    CAPTURE(format);
    const auto result = read_exif(kind, content);
    REQUIRE(result.ok());
    CHECK(result->empty());
  }
}

TEST_CASE("read_exif: a broken EXIF block is an exif error") {
  SUBCASE("no TIFF header after the Exif identifier") {
    const auto result = read_exif(kJpeg, make_jpeg(bytes_of(std::string_view{"XX*\0\10\0\0\0garbage", 15})));
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().stage == "exif");
  }
  SUBCASE("IFD0 offset past the end") {
    ByteVector tiff = bytes_of(std::string_view{"II*\0", 4});
    append_le(tiff, 0x1000, 4);
    append(tiff, ByteVector(8));
    const auto result = read_exif(kJpeg, make_jpeg(tiff));
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().stage == "exif");
  }
  SUBCASE("IFD0 beyond the 64 KiB libexif reads (large TIFF)") {
    ByteVector tiff = bytes_of(std::string_view{"II*\0", 4});
    append_le(tiff, 0x20000, 4);
    tiff.resize(0x20000);
    append(tiff, ByteVector(6));
    const auto result = read_exif(kTiff, tiff);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().stage == "exif");
    CHECK(result.error().message.find("64 KiB") != std::string::npos);
  }
}

// ---- Corpus ----------------------------------------------------------------------------------

std::optional<MediaKind> kind_for(const fs::path& file) {
  const std::string extension = file.extension().string();
  if (extension == ".jpg" || extension == ".jpeg") return kJpeg;
  if (extension == ".tif" || extension == ".tiff") return kTiff;
  if (extension == ".heif" || extension == ".heic") return kHeif;
  return std::nullopt;
}

std::vector<std::string> listed_files(const fs::path& corpus) {  // first column of expected-hashes.tsv
  std::istringstream lines(test::read_text(corpus / "expected-hashes.tsv"));
  std::vector<std::string> files;
  std::string line;
  std::getline(lines, line);  // header
  while (std::getline(lines, line))
    if (!line.empty()) files.push_back(line.substr(0, line.find('\t')));
  return files;
}

using Json = nlohmann::json;

// exiftool writes numeric-looking strings as JSON numbers (Software "1.0" becomes 1.0).
bool same_value(const Json& ours, const Json& theirs) {
  if (ours.is_number() && theirs.is_number())
    return std::abs(ours.get<double>() - theirs.get<double>()) <= 1e-6;
  if (ours.is_string() && theirs.is_string()) return ours == theirs;
  if (ours.is_string() && theirs.is_number()) {
    const std::string text = ours.get<std::string>();
    char* end = nullptr;
    const double parsed = std::strtod(text.c_str(), &end);
    return !text.empty() && *end == '\0' && std::abs(parsed - theirs.get<double>()) <= 1e-6;
  }
  return false;
}

template <typename T>
Json to_json(const std::optional<T>& value) {
  return value ? Json(*value) : Json();
}

// exiftool's GPSDateStamp + GPSTimeStamp ("14:27:07.24") cut to whole seconds, as we report it.
Json exiftool_gps_datetime(const Json& entry) {
  if (!entry.contains("EXIF:GPSDateStamp") || !entry.contains("EXIF:GPSTimeStamp")) return Json();
  const std::string time = entry["EXIF:GPSTimeStamp"].get<std::string>();
  return entry["EXIF:GPSDateStamp"].get<std::string>() + " " + time.substr(0, time.find('.'));
}

struct FieldCheck {
  std::string name;
  std::function<Json(const ExifFields&)> ours;
  std::function<Json(const Json&)> exiftool;
};

Json key(const Json& entry, const char* name) { return entry.contains(name) ? entry[name] : Json(); }

const std::vector<FieldCheck>& field_checks() {
  static const std::vector<FieldCheck> checks{
      {"make", [](const ExifFields& f) { return to_json(f.make); }, [](const Json& e) { return key(e, "EXIF:Make"); }},
      {"model", [](const ExifFields& f) { return to_json(f.model); }, [](const Json& e) { return key(e, "EXIF:Model"); }},
      {"datetime_original", [](const ExifFields& f) { return to_json(f.datetime_original); },
       [](const Json& e) { return key(e, "EXIF:DateTimeOriginal"); }},
      {"gps_lat", [](const ExifFields& f) { return to_json(f.gps_lat); },
       [](const Json& e) { return key(e, "Composite:GPSLatitude"); }},
      {"gps_lon", [](const ExifFields& f) { return to_json(f.gps_lon); },
       [](const Json& e) { return key(e, "Composite:GPSLongitude"); }},
      {"orientation", [](const ExifFields& f) { return to_json(f.orientation); },
       [](const Json& e) { return key(e, "EXIF:Orientation"); }},
      // Beyond the required six: the other fields exiftool reports from the same tags.
      {"software", [](const ExifFields& f) { return to_json(f.software); },
       [](const Json& e) { return key(e, "EXIF:Software"); }},
      {"datetime_digitized", [](const ExifFields& f) { return to_json(f.datetime_digitized); },
       [](const Json& e) { return key(e, "EXIF:CreateDate"); }},
      {"offset_time_original", [](const ExifFields& f) { return to_json(f.offset_time_original); },
       [](const Json& e) { return key(e, "EXIF:OffsetTimeOriginal"); }},
      {"serial", [](const ExifFields& f) { return to_json(f.serial); },
       [](const Json& e) { return key(e, "EXIF:SerialNumber"); }},
      {"lens_model", [](const ExifFields& f) { return to_json(f.lens_model); },
       [](const Json& e) { return key(e, "EXIF:LensModel"); }},
      {"gps_alt", [](const ExifFields& f) { return to_json(f.gps_alt); },
       [](const Json& e) { return key(e, "Composite:GPSAltitude"); }},
      {"gps_datetime", [](const ExifFields& f) { return to_json(f.gps_datetime); },
       [](const Json& e) { return exiftool_gps_datetime(e); }},
      {"width", [](const ExifFields& f) { return to_json(f.width); },
       [](const Json& e) { return key(e, "EXIF:ExifImageWidth"); }},
      {"height", [](const ExifFields& f) { return to_json(f.height); },
       [](const Json& e) { return key(e, "EXIF:ExifImageHeight"); }},
  };
  return checks;
}

// Where exiftool and this reader legitimately differ: {corpus file, field} -> why. Each entry is
// checked to still differ, so a stale exception fails the test.
const std::map<std::pair<std::string, std::string>, std::string>& known_differences() {
  static const std::map<std::pair<std::string, std::string>, std::string> differences{
      // GIMP 2.4.5 wrote PixelX/YDimension as SHORT[2] holding the bytes of a little-endian LONG
      // (64 00 00 00): exiftool prints both components ("100 0"), we report the first, the size.
      {{"jpg/Kodak_CX7530.jpg", "width"}, "PixelXDimension SHORT[2] = 100 0; we report 100"},
      {{"jpg/Kodak_CX7530.jpg", "height"}, "PixelYDimension SHORT[2] = 78 0; we report 78"},
      // PixelX/YDimension stored as 0 (GIMP 2.8.10 export; the real size is only in XMP). Zero is
      // not a pixel size, so the reader leaves width/height absent; exiftool prints 0.
      {{"jpg/tests/32-lens_data.jpeg", "width"}, "PixelXDimension = 0 is left absent"},
      {{"jpg/tests/32-lens_data.jpeg", "height"}, "PixelYDimension = 0 is left absent"},
  };
  return differences;
}

TEST_CASE("read_exif: conformance with exiftool 12.57 on the shared corpus") {
  int files = 0, fields_compared = 0, values_compared = 0, exceptions_used = 0;
  for (const std::string corpus_name : {"exif-samples", "libexif-testdata"}) {
    const auto corpus = test::require_corpus(corpus_name);
    if (!corpus) return;
    std::map<std::string, Json> expected;
    for (const Json& entry : Json::parse(test::read_text(*corpus / "expected-exif.json")))
      expected[entry["SourceFile"].get<std::string>().substr(2)] = entry;  // "./name"

    for (const std::string& name : listed_files(*corpus)) {
      const auto kind = kind_for(name);
      if (!kind) continue;  // libexif's *.jpg.parsed dumps are not images
      CAPTURE(name);
      REQUIRE(expected.count(name) == 1);
      const auto result = read_exif(*kind, test::read_bytes(*corpus / name));
      CHECK_MESSAGE(result.ok(), (result.ok() ? "" : result.error().message));
      if (!result.ok()) continue;
      ++files;
      for (const FieldCheck& check : field_checks()) {
        const Json ours = check.ours(result.value());
        const Json theirs = check.exiftool(expected[name]);
        if (ours.is_null() && theirs.is_null()) continue;
        ++fields_compared;
        if (!ours.is_null() && !theirs.is_null()) ++values_compared;
        const bool agree = same_value(ours, theirs) || (ours.is_null() && theirs.is_null());
        const auto exception = known_differences().find({name, check.name});
        if (exception != known_differences().end()) {
          ++exceptions_used;
          CHECK_MESSAGE(!agree, "stale exception for " << name << " " << check.name);
          continue;
        }
        CHECK_MESSAGE(agree, name << " " << check.name << ": ours " << ours.dump() << ", exiftool " << theirs.dump());
      }
    }
  }
  CHECK(exceptions_used == static_cast<int>(known_differences().size()));
  MESSAGE("exiftool conformance: " << files << " files, " << fields_compared << " fields compared ("
          << values_compared << " with a value on both sides), " << exceptions_used << " documented exceptions");
}

// ---- Robustness ------------------------------------------------------------------------------

// Offset of the TIFF structure inside the EXIF APP1 of a JPEG ("Exif\0\0" found by search).
std::size_t exif_tiff_offset(const ByteVector& jpeg) {
  const ByteVector identifier = bytes_of(std::string_view{"Exif\0\0", 6});
  const auto at = std::search(jpeg.begin(), jpeg.end(), identifier.begin(), identifier.end());
  REQUIRE(at != jpeg.end());
  return static_cast<std::size_t>(at - jpeg.begin()) + identifier.size();
}

bool ok_or_exif_error(const Result<ExifFields>& result) { return result.ok() || result.error().stage == "exif"; }

TEST_CASE("read_exif: truncated and bit-flipped EXIF blocks never crash") {
  const auto corpus = test::require_corpus("exif-samples");
  if (!corpus) return;
  std::mt19937 random(20240601);  // fixed seed: a failure reproduces
  int runs = 0;
  for (const std::string name : {"jpg/gps/DSCN0010.jpg", "jpg/Canon_40D.jpg", "jpg/Pentax_K10D.jpg",
                           "jpg/exif-org/olympus-c960.jpg", "jpg/Fujifilm_FinePix_E500.jpg"}) {
    CAPTURE(name);
    const ByteVector original = test::read_bytes(*corpus / name);
    const std::size_t tiff_start = exif_tiff_offset(original);
    const std::size_t segment_end = std::min(original.size(), tiff_start + 0xFFFF);

    // The file cut at many points inside the EXIF block.
    for (std::size_t cut = tiff_start - 8; cut < segment_end; cut += 97) {
      const ByteVector truncated(original.begin(), original.begin() + static_cast<std::ptrdiff_t>(cut));
      CHECK(ok_or_exif_error(read_exif(kJpeg, truncated)));
      ++runs;
    }
    // 1 to 8 flipped bits in the TIFF structure, mostly in its first kilobyte (header and IFDs).
    for (int round = 0; round < 400; ++round) {
      ByteVector damaged = original;
      const std::size_t span = round % 2 == 0 ? std::min<std::size_t>(1024, segment_end - tiff_start)
                                              : segment_end - tiff_start;
      std::uniform_int_distribution<std::size_t> position(tiff_start, tiff_start + span - 1);
      std::uniform_int_distribution<int> bit(0, 7), flips(1, 8);
      for (int i = flips(random); i > 0; --i)
        damaged[position(random)] ^= static_cast<std::byte>(1u << bit(random));
      CHECK(ok_or_exif_error(read_exif(kJpeg, damaged)));
      ++runs;
    }
  }
  MESSAGE("robustness: " << runs << " damaged inputs read without a crash");
}

TEST_CASE("read_exif: damaged containers never crash") {
  const ByteVector tiff = full_tiff(false).build();
  std::mt19937 random(7);
  int runs = 0;
  for (const auto& [kind, content] : std::vector<std::pair<MediaKind, ByteVector>>{
           {kHeif, make_heif(tiff, false)}, {kHeif, make_heif(tiff, true)}, {kPng, make_png(tiff)},
           {kWebp, make_webp(tiff)}, {kTiff, tiff}, {kJpeg, make_jpeg(tiff)}}) {
    const std::string format(kind.format);
    CAPTURE(format);
    for (std::size_t cut = 0; cut < content.size(); ++cut) {
      CHECK(ok_or_exif_error(read_exif(kind, std::span(content).first(cut))));
      ++runs;
    }
    for (int round = 0; round < 300; ++round) {
      ByteVector damaged = content;
      std::uniform_int_distribution<std::size_t> position(0, damaged.size() - 1);
      std::uniform_int_distribution<int> value(0, 255);
      for (int i = 0; i < 3; ++i) damaged[position(random)] = static_cast<std::byte>(value(random));
      CHECK(ok_or_exif_error(read_exif(kind, damaged)));
      ++runs;
    }
  }
  MESSAGE("robustness: " << runs << " damaged containers read without a crash");
}

}  // namespace
}  // namespace triage
