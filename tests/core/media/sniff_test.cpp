// Media sniffing, extension checks and header pixel sizes, from handcrafted headers (built
// here byte by byte from the format specifications) and from the shared camera corpus.
#include "core/media/sniff.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <fstream>
#include <initializer_list>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/test_support.h"

namespace triage {
namespace {

using Buf = std::vector<std::byte>;

Buf bytes(std::initializer_list<int> values) {
  Buf out;
  for (int v : values) out.push_back(static_cast<std::byte>(v));
  return out;
}
Buf str(std::string_view s) {
  Buf out;
  for (char c : s) out.push_back(static_cast<std::byte>(c));
  return out;
}
Buf cat(std::initializer_list<Buf> parts) {
  Buf out;
  for (const Buf& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
Buf zeros(std::size_t n) { return Buf(n, std::byte{0}); }
Buf be16(std::uint32_t v) { return bytes({static_cast<int>((v >> 8) & 0xFF), static_cast<int>(v & 0xFF)}); }
Buf le16(std::uint32_t v) { return bytes({static_cast<int>(v & 0xFF), static_cast<int>((v >> 8) & 0xFF)}); }
Buf be32(std::uint32_t v) { return cat({be16(v >> 16), be16(v & 0xFFFF)}); }
Buf le32(std::uint32_t v) { return cat({le16(v & 0xFFFF), le16(v >> 16)}); }
Buf le64(std::uint64_t v) {
  return cat({le32(static_cast<std::uint32_t>(v)), le32(static_cast<std::uint32_t>(v >> 32))});
}
Buf le24(std::uint32_t v) {
  return bytes({static_cast<int>(v & 0xFF), static_cast<int>((v >> 8) & 0xFF), static_cast<int>((v >> 16) & 0xFF)});
}

// ISO BMFF box / full box (ISO/IEC 14496-12 §4.2).
Buf box(std::string_view type, const Buf& body) {
  return cat({be32(static_cast<std::uint32_t>(8 + body.size())), str(type), body});
}
Buf fullbox(std::string_view type, int version, std::uint32_t flags, const Buf& body) {
  return box(type, cat({bytes({version}), bytes({static_cast<int>((flags >> 16) & 0xFF),
                                                 static_cast<int>((flags >> 8) & 0xFF),
                                                 static_cast<int>(flags & 0xFF)}),
                        body}));
}
Buf ftyp(std::string_view major, std::initializer_list<std::string_view> compatible) {
  Buf body = cat({str(major), be32(0)});
  for (auto c : compatible) body = cat({body, str(c)});
  return box("ftyp", body);
}
Buf ispe(std::uint32_t w, std::uint32_t h) { return fullbox("ispe", 0, 0, cat({be32(w), be32(h)})); }

// A HEIF 'meta' box: primary item 1 (optional), properties [hvcC, ispe small, ispe large],
// item 1 -> {hvcC, small}, item 2 -> {large}. The primary item's extent is the smaller one, so
// picking the largest would be wrong.
Buf heif_meta(bool with_pitm, bool wide_indexes) {
  Buf ipco = box("ipco", cat({box("hvcC", zeros(4)), ispe(640, 426), ispe(4096, 2048)}));
  Buf ipma;
  if (wide_indexes) {  // flags bit 0: 16-bit essential+index
    ipma = fullbox("ipma", 0, 1,
                   cat({be32(2), be16(1), bytes({2}), be16(0x8001), be16(0x0002), be16(2), bytes({1}),
                        be16(0x0003)}));
  } else {
    ipma = fullbox("ipma", 0, 0,
                   cat({be32(2), be16(1), bytes({2, 0x81, 0x02}), be16(2), bytes({1, 0x03})}));
  }
  Buf children = cat({fullbox("hdlr", 0, 0, cat({be32(0), str("pict"), zeros(13)}))});
  if (with_pitm) children = cat({children, fullbox("pitm", 0, 0, be16(1))});
  children = cat({children, box("iprp", cat({ipco, ipma}))});
  return fullbox("meta", 0, 0, children);
}

// --- handcrafted samples --------------------------------------------------------------------

Buf jpeg_baseline() {
  return cat({bytes({0xFF, 0xD8}),
              bytes({0xFF, 0xE0}), be16(16), str("JFIF"), bytes({0, 1, 1, 0}), be16(1), be16(1), bytes({0, 0}),
              bytes({0xFF, 0xDB}), be16(4), bytes({0, 0}),                     // DQT (truncated body)
              bytes({0xFF, 0xC4}), be16(5), bytes({0, 0, 0}),                  // DHT: not a SOF
              bytes({0xFF, 0xCC}), be16(4), bytes({0, 0}),                     // DAC: not a SOF
              bytes({0xFF, 0xFF, 0xFF, 0xC0}), be16(17), bytes({8}), be16(480), be16(640),  // fill + SOF0
              bytes({3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1}),
              bytes({0xFF, 0xDA}), be16(8), zeros(6), bytes({0xFF, 0xD9})});
}
Buf jpeg_progressive() {
  return cat({bytes({0xFF, 0xD8, 0xFF, 0xE1}), be16(8), str("Exif"), bytes({0, 0}),
              bytes({0xFF, 0xC2}), be16(11), bytes({8}), be16(16), be16(32), bytes({1, 1, 0x11, 0})});
}
Buf png() {
  return cat({bytes({0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}), be32(13), str("IHDR"), be32(300), be32(200),
              bytes({8, 6, 0, 0, 0}), be32(0x12345678)});
}
Buf gif(std::string_view version) { return cat({str(version), le16(10), le16(20), bytes({0xF7, 0, 0})}); }
Buf bmp_info(std::int32_t w, std::int32_t h, std::uint32_t dib = 40) {
  return cat({str("BM"), le32(54), le32(0), le32(54), le32(dib), le32(static_cast<std::uint32_t>(w)),
              le32(static_cast<std::uint32_t>(h)), le16(1), le16(24), le32(0), le32(0), le32(2835),
              le32(2835), le32(0), le32(0)});
}
Buf bmp_core() { return cat({str("BM"), le32(26), le32(0), le32(26), le32(12), le16(9), le16(3), le16(1), le16(24)}); }
Buf tiff_le() {
  return cat({str("II*"), bytes({0}), le32(8), le16(3),
              le16(0x00FE), le16(4), le32(1), le32(0),             // NewSubfileType
              le16(0x0100), le16(4), le32(1), le32(1000),          // ImageWidth LONG
              le16(0x0101), le16(3), le32(1), le16(750), le16(0),  // ImageLength SHORT, left-justified
              le32(0)});
}
Buf tiff_be() {
  return cat({str("MM"), bytes({0, '*'}), be32(8), be16(2),
              be16(0x0100), be16(3), be32(1), be16(300), be16(0),  // SHORT left-justified
              be16(0x0101), be16(4), be32(1), be32(200), be32(0)});
}
Buf bigtiff() {
  return cat({str("II+"), bytes({0}), le16(8), le16(0), le64(16), le64(2),
              le16(0x0100), le16(3), le64(1), le16(64), le16(0), le32(0),
              le16(0x0101), le16(16), le64(1), le64(48), le64(0)});
}
Buf webp_vp8() {
  return cat({str("RIFF"), le32(30), str("WEBPVP8 "), le32(18), bytes({0x30, 0x01, 0x00, 0x9D, 0x01, 0x2A}),
              le16(0x4000 | 400), le16(300), zeros(8)});
}
Buf webp_vp8l() {
  return cat({str("RIFF"), le32(26), str("WEBPVP8L"), le32(5), bytes({0x2F}), le32(99u | (49u << 14)), zeros(4)});
}
Buf webp_vp8x() {
  return cat({str("RIFF"), le32(30), str("WEBPVP8X"), le32(10), bytes({0x10, 0, 0, 0}), le24(1023), le24(767)});
}
Buf heic() { return cat({ftyp("heic", {"mif1", "heic"}), heif_meta(true, false), box("mdat", zeros(8))}); }
Buf jp2_with(std::string_view brand) {
  return cat({be32(12), str("jP  "), bytes({0x0D, 0x0A, 0x87, 0x0A}), ftyp(brand, {brand})});
}
Buf ebml(std::string_view doctype) {
  Buf body = cat({bytes({0x42, 0x86, 0x81, 1, 0x42, 0xF7, 0x81, 1, 0x42, 0xF2, 0x81, 4, 0x42, 0xF3, 0x81, 8}),
                  bytes({0x42, 0x82, 0x80 | static_cast<int>(doctype.size())}), str(doctype),
                  bytes({0x42, 0x87, 0x81, 4, 0x42, 0x85, 0x81, 2})});
  return cat({bytes({0x1A, 0x45, 0xDF, 0xA3, 0x80 | static_cast<int>(body.size())}), body,
              bytes({0x18, 0x53, 0x80, 0x67, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF})});
}
Buf asf() {
  return cat({bytes({0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11, 0xA6, 0xD9, 0x00, 0xAA, 0x00, 0x62, 0xCE, 0x6C}),
              le64(30), le32(0), bytes({1, 2})});
}
Buf ts_packets(std::size_t n, std::size_t stride = 188, std::size_t sync_at = 0) {
  Buf out(n * stride, std::byte{0xFF});
  for (std::size_t k = 0; k < n; ++k) {
    out[k * stride + sync_at] = std::byte{0x47};
    out[k * stride + sync_at + 1] = std::byte{0x1F};
    out[k * stride + sync_at + 2] = std::byte{0xFF};
    out[k * stride + sync_at + 3] = std::byte{0x10};
  }
  return out;
}

struct Case {
  std::string name;
  Buf data;
  std::string_view format, mime;
  MediaType type;
  std::optional<PixelSize> size;
};

std::vector<Case> cases() {
  const auto img = MediaType::image;
  const auto vid = MediaType::video;
  return {
      {"jpeg baseline", jpeg_baseline(), "jpeg", "image/jpeg", img, PixelSize{640, 480}},
      {"jpeg progressive", jpeg_progressive(), "jpeg", "image/jpeg", img, PixelSize{32, 16}},
      {"png", png(), "png", "image/png", img, PixelSize{300, 200}},
      {"gif87a", gif("GIF87a"), "gif", "image/gif", img, PixelSize{10, 20}},
      {"gif89a", gif("GIF89a"), "gif", "image/gif", img, PixelSize{10, 20}},
      {"bmp info bottom-up", bmp_info(7, 5), "bmp", "image/bmp", img, PixelSize{7, 5}},
      {"bmp info top-down", bmp_info(7, -5), "bmp", "image/bmp", img, PixelSize{7, 5}},
      {"bmp v5", bmp_info(70, 50, 124), "bmp", "image/bmp", img, PixelSize{70, 50}},
      {"bmp core", bmp_core(), "bmp", "image/bmp", img, PixelSize{9, 3}},
      {"tiff II", tiff_le(), "tiff", "image/tiff", img, PixelSize{1000, 750}},
      {"tiff MM", tiff_be(), "tiff", "image/tiff", img, PixelSize{300, 200}},
      {"bigtiff", bigtiff(), "tiff", "image/tiff", img, PixelSize{64, 48}},
      {"webp VP8", webp_vp8(), "webp", "image/webp", img, PixelSize{400, 300}},
      {"webp VP8L", webp_vp8l(), "webp", "image/webp", img, PixelSize{100, 50}},
      {"webp VP8X", webp_vp8x(), "webp", "image/webp", img, PixelSize{1024, 768}},
      {"heic", heic(), "heic", "image/heic", img, PixelSize{640, 426}},
      {"heic 16-bit ipma", cat({ftyp("heix", {"mif1"}), heif_meta(true, true)}), "heic", "image/heic", img,
       PixelSize{640, 426}},
      {"heif no pitm", cat({ftyp("mif1", {"mif1", "miaf"}), heif_meta(false, false)}), "heif", "image/heif", img,
       PixelSize{4096, 2048}},
      {"heif mif1 + heic", cat({ftyp("mif1", {"mif1", "heic"}), heif_meta(true, false)}), "heic", "image/heic", img,
       PixelSize{640, 426}},
      {"heif sequence", ftyp("msf1", {"msf1", "iso8"}), "heif", "image/heif-sequence", img, std::nullopt},
      {"heic sequence", ftyp("hevc", {"msf1", "hevc"}), "heic", "image/heic-sequence", img, std::nullopt},
      {"avif", cat({ftyp("avif", {"avif", "mif1", "miaf"}), heif_meta(true, false)}), "avif", "image/avif", img,
       PixelSize{640, 426}},
      {"avif sequence", ftyp("avis", {"avis", "msf1", "iso8", "mif1", "miaf"}), "avif", "image/avif", img, std::nullopt},
      {"jp2", jp2_with("jp2 "), "jp2", "image/jp2", img, std::nullopt},
      {"jpx", jp2_with("jpx "), "jpx", "image/jpx", img, std::nullopt},
      {"jpm", jp2_with("jpm "), "jpm", "image/jpm", img, std::nullopt},
      {"j2k codestream", bytes({0xFF, 0x4F, 0xFF, 0x51, 0, 0x2F}), "j2c", "image/j2c", img, std::nullopt},
      {"motion jpeg 2000", jp2_with("mjp2"), "mj2", "video/mj2", vid, std::nullopt},
      {"mp4 isom", ftyp("isom", {"isom", "iso2", "avc1", "mp41"}), "mp4", "video/mp4", vid, std::nullopt},
      {"mp4 mp42", ftyp("mp42", {"mp42", "isom"}), "mp4", "video/mp4", vid, std::nullopt},
      {"mp4 iso6 dash", ftyp("iso6", {"iso6", "dash"}), "mp4", "video/mp4", vid, std::nullopt},
      {"mp4 avc1", ftyp("avc1", {"avc1"}), "mp4", "video/mp4", vid, std::nullopt},
      {"mp4 MSNV", ftyp("MSNV", {"MSNV", "mp42"}), "mp4", "video/mp4", vid, std::nullopt},
      {"f4v", ftyp("f4v ", {"isom", "mp42"}), "mp4", "video/mp4", vid, std::nullopt},
      {"unknown major, compatible mp42", ftyp("XAVC", {"XAVC", "mp42", "iso2"}), "mp4", "video/mp4", vid, std::nullopt},
      {"m4v", ftyp("M4V ", {"M4V ", "M4A ", "mp42", "isom"}), "m4v", "video/x-m4v", vid, std::nullopt},
      {"m4vh", ftyp("M4VH", {"M4VH"}), "m4v", "video/x-m4v", vid, std::nullopt},
      {"m4vp", ftyp("M4VP", {"M4VP"}), "m4v", "video/x-m4v", vid, std::nullopt},
      {"quicktime ftyp", ftyp("qt  ", {"qt  "}), "mov", "video/quicktime", vid, std::nullopt},
      {"3gp", ftyp("3gp4", {"isom", "3gp4"}), "3gp", "video/3gpp", vid, std::nullopt},
      {"3gp5", ftyp("3gp5", {"3gp5"}), "3gp", "video/3gpp", vid, std::nullopt},
      {"3gp6", ftyp("3gp6", {"3gp6", "isom"}), "3gp", "video/3gpp", vid, std::nullopt},
      {"3g2", ftyp("3g2a", {"3g2a"}), "3g2", "video/3gpp2", vid, std::nullopt},
      {"old quicktime moov", cat({box("moov", box("mvhd", zeros(100)))}), "mov", "video/quicktime", vid, std::nullopt},
      {"old quicktime mdat to end", cat({be32(0), str("mdat"), zeros(32)}), "mov", "video/quicktime", vid, std::nullopt},
      {"old quicktime wide+mdat", cat({be32(8), str("wide"), be32(64), str("mdat"), zeros(56)}), "mov",
       "video/quicktime", vid, std::nullopt},
      {"old quicktime free", cat({box("free", zeros(8)), box("moov", zeros(8))}), "mov", "video/quicktime", vid,
       std::nullopt},
      {"old quicktime skip", cat({box("skip", zeros(4)), box("mdat", zeros(8))}), "mov", "video/quicktime", vid,
       std::nullopt},
      {"old quicktime pnot", cat({box("pnot", zeros(12)), box("PICT", zeros(8))}), "mov", "video/quicktime", vid,
       std::nullopt},
      {"avi", cat({str("RIFF"), le32(200), str("AVI LIST"), le32(4), str("hdrl")}), "avi", "video/x-msvideo", vid,
       std::nullopt},
      {"matroska", ebml("matroska"), "matroska", "video/x-matroska", vid, std::nullopt},
      {"webm", ebml("webm"), "webm", "video/webm", vid, std::nullopt},
      {"ebml without doctype", bytes({0x1A, 0x45, 0xDF, 0xA3, 0x84, 0x42, 0x86, 0x81, 0x01}), "matroska",
       "video/x-matroska", vid, std::nullopt},
      {"ebml unknown size", cat({bytes({0x1A, 0x45, 0xDF, 0xA3, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}),
                                 bytes({0x42, 0x82, 0x84}), str("webm")}),
       "webm", "video/webm", vid, std::nullopt},
      {"asf", asf(), "asf", "video/x-ms-asf", vid, std::nullopt},
      {"flv", bytes({'F', 'L', 'V', 1, 5, 0, 0, 0, 9, 0, 0, 0, 0}), "flv", "video/x-flv", vid, std::nullopt},
      {"mpeg-2 ps", bytes({0, 0, 1, 0xBA, 0x44, 0, 4, 0, 4, 1, 1, 0x89, 0xC3, 0xF8}), "mpeg-ps", "video/mpeg", vid,
       std::nullopt},
      {"mpeg-1 ps", bytes({0, 0, 1, 0xBA, 0x21, 0, 1, 0, 1, 0x80, 0x1B, 0x91}), "mpeg-ps", "video/mpeg", vid,
       std::nullopt},
      {"mpeg video es", bytes({0, 0, 1, 0xB3, 0x14, 0x00, 0xF0, 0x13}), "mpeg-video", "video/mpeg", vid,
       std::nullopt},
      {"mpeg-ts 3 packets", ts_packets(3), "mpeg-ts", "video/mp2t", vid, std::nullopt},
      {"mpeg-ts 8 packets", ts_packets(8), "mpeg-ts", "video/mp2t", vid, std::nullopt},
      {"mpeg-ts 2 packets", ts_packets(2), "mpeg-ts", "video/mp2t", vid, std::nullopt},
      {"m2ts", ts_packets(4, 192, 4), "m2ts", "video/mp2t", vid, std::nullopt},
  };
}

MediaKind sniff(const Buf& b) { return sniff_media(std::span<const std::byte>(b)); }
std::optional<PixelSize> pixels(const MediaKind& k, const Buf& b) {
  return image_pixel_size(k, std::span<const std::byte>(b));
}
Buf prefix(const Buf& b, std::size_t n) { return Buf(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(n)); }

std::string show(const std::optional<PixelSize>& s) {
  return s ? std::to_string(s->width) + "x" + std::to_string(s->height) : std::string("none");
}

}  // namespace

TEST_CASE("sniff_media identifies every handcrafted header") {
  for (const Case& c : cases()) {
    CAPTURE(c.name);
    const MediaKind k = sniff(c.data);
    CHECK(k.format == c.format);
    CHECK(k.mime == c.mime);
    CHECK(k.type == c.type);
    CHECK_FALSE(k.extensions.empty());
    CHECK(show(pixels(k, c.data)) == show(c.size));
  }
}

TEST_CASE("sniff_media looks at the first kSniffBytes only") {
  // An ftyp box claiming to be huge: compatible brands past kSniffBytes are not read.
  Buf far = cat({be32(0x00100000), str("ftypzzzz"), be32(0), zeros(kSniffBytes), str("isom")});
  CHECK(sniff(far).type == MediaType::other);
  Buf near = cat({be32(0x00100000), str("ftypzzzz"), be32(0), str("isom"), zeros(kSniffBytes)});
  CHECK(sniff(near).format == "mp4");
  // Transport stream packets are checked the same way with a long buffer.
  CHECK(sniff(ts_packets(1000)).format == "mpeg-ts");
}

TEST_CASE("sniff_media rejects look-alikes and junk") {
  const auto other = [](const Buf& b) {
    const MediaKind k = sniff(b);
    return k.type == MediaType::other && k.format.empty() && k.mime.empty() && k.extensions.empty();
  };
  CHECK(other({}));
  for (int v = 0; v < 256; ++v) {
    CAPTURE(v);
    CHECK(other(bytes({v})));
  }
  CHECK(other(str("BMW is a car maker, and this is only a text file about it.\n")));
  CHECK(other(str("BM")));
  CHECK(other(cat({str("BM"), le32(54), le32(0), le32(54), le32(32), zeros(36)})));  // DIB size 32
  CHECK(other(cat({str("RIFF"), le32(36), str("WAVEfmt "), le32(16), zeros(16)})));
  CHECK(other(cat({str("RIFF"), le32(36), str("RMIDdata")})));
  CHECK(other(str("RIFX....WEBP")));
  CHECK(other(str("GIF is a file format; this is a text file mentioning it.")));
  CHECK(other(str("The free software foundation, and skip the rest.")));
  CHECK(other(str("Somewide text with moov and mdat words")));
  CHECK(other(str("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n")));
  CHECK(other(cat({bytes({0x50, 0x4B, 3, 4}), zeros(26)})));                  // ZIP
  CHECK(other(cat({bytes({0, 0, 1, 0xBA, 0xFF}), zeros(8)})));                // bad pack marker bits
  CHECK(other(ftyp("M4A ", {"M4A ", "mp42", "isom"})));                        // audio
  CHECK(other(ftyp("crx ", {"crx ", "isom"})));                                // Canon CR3
  CHECK(other(ftyp("zzzz", {"zzzz"})));                                        // unknown brand
  CHECK(other(cat({be32(12), str("ftypisom")})));                              // ftyp box too small
  CHECK(other(ts_packets(1)));                                                 // one packet only
  {
    Buf ts = ts_packets(3);
    ts[376] = std::byte{0x48};
    CHECK(other(ts));  // third sync byte missing
  }
  CHECK(other(str("G")));
  // Deterministic pseudo-random junk (fixed seed): never a media signature.
  std::mt19937 rng(12345);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int i = 0; i < 200; ++i) {
    Buf junk(static_cast<std::size_t>(1 + i * 7));
    for (auto& b : junk) b = static_cast<std::byte>(byte(rng));
    CAPTURE(i);
    CHECK(other(junk));
  }
}

TEST_CASE("every prefix of every header is safe and never gives a wrong answer") {
  std::size_t prefixes = 0;
  for (const Case& c : cases()) {
    CAPTURE(c.name);
    const MediaKind full = sniff(c.data);
    for (std::size_t n = 0; n <= c.data.size(); ++n) {
      CAPTURE(n);
      const Buf p = prefix(c.data, n);
      const MediaKind k = sniff(p);
      const auto s = pixels(full, p);
      // A truncated header gives no size or the full answer, never a half-read value.
      if (s) CHECK(show(s) == show(c.size));
      if (k.type != MediaType::other) (void)pixels(k, p);
      ++prefixes;
    }
  }
  MESSAGE("prefixes checked: " << prefixes);
}

TEST_CASE("mutated headers never crash image_pixel_size or sniff_media") {
  std::mt19937 rng(2024);
  std::uniform_int_distribution<int> byte(0, 255);
  std::size_t runs = 0;
  for (const Case& c : cases()) {
    const MediaKind full = sniff(c.data);
    std::uniform_int_distribution<std::size_t> where(0, c.data.size() - 1);
    for (int i = 0; i < 400; ++i) {
      Buf m = c.data;
      const int flips = 1 + i % 4;
      for (int f = 0; f < flips; ++f) m[where(rng)] = static_cast<std::byte>(byte(rng));
      (void)pixels(full, m);
      (void)pixels(sniff(m), m);
      ++runs;
    }
  }
  MESSAGE("mutations run: " << runs);
}

TEST_CASE("image_pixel_size on hostile values") {
  const MediaKind jpeg = sniff(jpeg_baseline());
  // SOS before any SOF.
  CHECK_FALSE(pixels(jpeg, cat({bytes({0xFF, 0xD8, 0xFF, 0xDA}), be16(8), zeros(6)})));
  // Segment length below 2, and a length running past the end.
  CHECK_FALSE(pixels(jpeg, cat({bytes({0xFF, 0xD8, 0xFF, 0xE0}), be16(1), zeros(40)})));
  CHECK_FALSE(pixels(jpeg, cat({bytes({0xFF, 0xD8, 0xFF, 0xE0}), be16(0xFFFF), zeros(40)})));
  // SOF with a zero height (defined later by DNL): not reported.
  CHECK_FALSE(pixels(jpeg, cat({bytes({0xFF, 0xD8, 0xFF, 0xC0}), be16(11), bytes({8}), be16(0), be16(8), zeros(6)})));
  // A kind the header does not match.
  CHECK_FALSE(pixels(jpeg, png()));
  CHECK_FALSE(pixels(sniff(png()), jpeg_baseline()));
  // Video and unknown kinds have no pixel size here.
  CHECK_FALSE(pixels(sniff(ftyp("isom", {"isom"})), ftyp("isom", {"isom"})));
  CHECK_FALSE(pixels(MediaKind{}, jpeg_baseline()));

  const MediaKind bmp = sniff(bmp_info(1, 1));
  CHECK(show(pixels(bmp, bmp_info(3, INT32_MIN))) == "3x2147483648");
  CHECK_FALSE(pixels(bmp, bmp_info(-3, 4)));  // negative width is invalid
  CHECK_FALSE(pixels(bmp, bmp_info(0, 4)));

  const MediaKind tiff = sniff(tiff_le());
  CHECK_FALSE(pixels(tiff, cat({str("II*"), bytes({0}), le32(0xFFFFFFF0)})));   // IFD past the end
  CHECK_FALSE(pixels(tiff, cat({str("II*"), bytes({0}), le32(8), le16(0xFFFF), zeros(24)})));  // count lies
  CHECK_FALSE(pixels(tiff, cat({str("II+"), bytes({0}), le16(8), le16(0), le64(~0ULL)})));
  CHECK_FALSE(pixels(tiff, cat({str("II+"), bytes({0}), le16(8), le16(0), le64(16), le64(~0ULL), zeros(40)})));
  // Width as RATIONAL (type 5) is not understood.
  CHECK_FALSE(pixels(tiff, cat({str("II*"), bytes({0}), le32(8), le16(2), le16(256), le16(5), le32(1), le32(0),
                                le16(257), le16(3), le32(1), le32(5), le32(0)})));

  const MediaKind heif = sniff(heic());
  // Box sizes: below the header size, 64-bit largesize, and 0 (to the end).
  CHECK_FALSE(pixels(heif, cat({ftyp("heic", {"mif1"}), be32(4), str("meta"), zeros(64)})));
  CHECK_FALSE(pixels(heif, cat({ftyp("heic", {"mif1"}), be32(1), str("meta"), be32(0xFFFFFFFF), be32(0xFFFFFFFF)})));
  {
    Buf meta = heif_meta(true, false);
    Buf large = cat({be32(1), str("meta"), be32(0), be32(static_cast<std::uint32_t>(meta.size() + 8)),
                     Buf(meta.begin() + 8, meta.end())});
    CHECK(show(pixels(heif, cat({ftyp("heic", {"mif1"}), large}))) == "640x426");
    Buf to_end = cat({be32(0), Buf(meta.begin() + 4, meta.end())});
    CHECK(show(pixels(heif, cat({ftyp("heic", {"mif1"}), to_end}))) == "640x426");
  }
  // ipma entry count far beyond the box.
  CHECK_FALSE(pixels(heif, cat({ftyp("heic", {"mif1"}),
                                fullbox("meta", 0, 0, box("iprp", fullbox("ipma", 1, 1, cat({be32(0xFFFFFFFF)}))))})));
}

TEST_CASE("extension_mismatch") {
  const MediaKind jpeg = sniff(jpeg_baseline());
  CHECK_FALSE(extension_mismatch(jpeg, "photo.jpg"));
  CHECK_FALSE(extension_mismatch(jpeg, "PHOTO.JPG"));
  CHECK_FALSE(extension_mismatch(jpeg, "x.JpEg"));
  CHECK_FALSE(extension_mismatch(jpeg, "x.jpe"));
  CHECK_FALSE(extension_mismatch(jpeg, "x.jfif"));
  CHECK_FALSE(extension_mismatch(jpeg, "/evidence/dir.png/photo.jpg"));
  CHECK_FALSE(extension_mismatch(jpeg, "C:\\Users\\x\\IMG_0001.JPG"));
  CHECK_FALSE(extension_mismatch(jpeg, "archive.tar.jpg"));
  CHECK(extension_mismatch(jpeg, "photo.png"));
  CHECK(extension_mismatch(jpeg, "photo"));
  CHECK(extension_mismatch(jpeg, "photo."));
  CHECK(extension_mismatch(jpeg, "/evidence/dir.jpg/photo"));
  CHECK(extension_mismatch(jpeg, "photo.jpg.txt"));
  CHECK(extension_mismatch(jpeg, ""));

  CHECK_FALSE(extension_mismatch(sniff(tiff_le()), "IMG.NEF"));
  CHECK_FALSE(extension_mismatch(sniff(tiff_le()), "scan.tif"));
  CHECK_FALSE(extension_mismatch(sniff(heic()), "IMG_0001.HEIC"));
  CHECK_FALSE(extension_mismatch(sniff(heic()), "x.heif"));
  CHECK(extension_mismatch(sniff(heic()), "x.jpg"));
  const MediaKind mp4 = sniff(ftyp("isom", {"isom"}));
  CHECK_FALSE(extension_mismatch(mp4, "clip.mp4"));
  CHECK_FALSE(extension_mismatch(mp4, "clip.MOV"));
  CHECK_FALSE(extension_mismatch(mp4, "clip.m4v"));
  CHECK_FALSE(extension_mismatch(mp4, "clip.3gp"));
  CHECK(extension_mismatch(mp4, "clip.avi"));
  CHECK(extension_mismatch(mp4, "clip.txt"));
  CHECK_FALSE(extension_mismatch(sniff(ts_packets(3)), "00001.ts"));
  CHECK_FALSE(extension_mismatch(sniff(ts_packets(4, 192, 4)), "00001.MTS"));
  CHECK_FALSE(extension_mismatch(sniff(bytes({0, 0, 1, 0xBA, 0x44})), "VTS_01_1.VOB"));
  CHECK_FALSE(extension_mismatch(sniff(ebml("webm")), "x.webm"));
  CHECK_FALSE(extension_mismatch(sniff(asf()), "x.wmv"));

  const MediaKind other{};
  CHECK_FALSE(extension_mismatch(other, "notes.txt"));
  CHECK_FALSE(extension_mismatch(other, "notes"));
  CHECK_FALSE(extension_mismatch(other, "notes."));
  CHECK_FALSE(extension_mismatch(other, "dir.jpg/notes"));
  CHECK(extension_mismatch(other, "notes.jpg"));
  CHECK(extension_mismatch(other, "x.JPEG"));
  CHECK(extension_mismatch(other, "x.mp4"));
  CHECK(extension_mismatch(other, "x.heic"));
  CHECK(extension_mismatch(other, "x.avi"));
  CHECK(extension_mismatch(other, "x.mkv"));
  // Ambiguous extensions: TypeScript, go.mod, audio-only containers.
  CHECK_FALSE(extension_mismatch(other, "app.ts"));
  CHECK_FALSE(extension_mismatch(other, "go.mod"));
  CHECK_FALSE(extension_mismatch(other, "song.m4a"));
  CHECK_FALSE(extension_mismatch(other, "song.wma"));
}

// Real camera files: the JPEG, TIFF and HEIF samples of ianare/exif-samples, against exiftool's
// ImageWidth/ImageHeight in expected-exif-summary.tsv (see that folder's README.md).
TEST_CASE("corpus: exif-samples sniff and pixel size match exiftool") {
  const auto dir = test::require_corpus("exif-samples");
  if (!dir) return;
  std::ifstream tsv(*dir / "expected-exif-summary.tsv");
  REQUIRE(tsv);
  std::string line;
  std::getline(tsv, line);
  std::vector<std::string> header;
  {
    std::stringstream ss(line);
    std::string col;
    while (std::getline(ss, col, '\t')) header.push_back(col);
  }
  std::size_t col_file = header.size(), col_w = header.size(), col_h = header.size();
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == "filename") col_file = i;
    if (header[i] == "ImageWidth") col_w = i;
    if (header[i] == "ImageHeight") col_h = i;
  }
  REQUIRE(col_file < header.size());
  REQUIRE(col_w < header.size());
  REQUIRE(col_h < header.size());

  std::size_t files = 0, sniffed = 0, sized = 0, matched = 0;
  while (std::getline(tsv, line)) {
    if (line.empty()) continue;
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, '\t')) cells.push_back(cell);
    cells.resize(header.size());
    const std::string& name = cells[col_file];
    CAPTURE(name);
    ++files;
    const Buf content = test::read_bytes(*dir / name);
    const Buf head = prefix(content, std::min(content.size(), kSniffBytes));
    const MediaKind k = sniff(head);
    const std::string_view want = name.rfind("jpg/", 0) == 0 ? "jpeg" : name.rfind("tiff/", 0) == 0 ? "tiff" : "heic";
    CHECK(k.type == MediaType::image);
    CHECK(k.format == want);
    CHECK_FALSE(extension_mismatch(k, name));
    if (k.format == want) ++sniffed;
    if (cells[col_w].empty() || cells[col_h].empty()) continue;
    ++sized;
    const auto s = pixels(k, content);
    const std::string expected = cells[col_w] + "x" + cells[col_h];
    CHECK(show(s) == expected);
    if (show(s) == expected) ++matched;
  }
  MESSAGE("exif-samples: " << files << " files, " << sniffed << " sniffed as expected, " << matched << "/"
                           << sized << " pixel sizes equal exiftool's");
  CHECK(files > 0);
}

}  // namespace triage

TEST_CASE("usual_extension: the file's own when its format lists it, else the format's first") {
  using namespace triage;
  const MediaKind kJpeg{MediaType::image, "jpeg", "image/jpeg", "jpg jpeg jpe jfif"};
  const MediaKind kPng{MediaType::image, "png", "image/png", "png apng"};
  CHECK(usual_extension(kJpeg, "DCIM/IMG_0001.JPEG") == "jpeg");
  CHECK(usual_extension(kJpeg, "C:\\Users\\a\\photo.Jpg") == "jpg");
  CHECK(usual_extension(kJpeg, "Downloads/invoice.txt") == "jpg");
  CHECK(usual_extension(kJpeg, "no-extension") == "jpg");
  CHECK(usual_extension(kPng, "a.dir/picture") == "png");
  CHECK(usual_extension(MediaKind{}, "notes.txt") == "bin");
}
