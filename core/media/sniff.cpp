// Media identification by content. Every read goes through the bounds-checked helpers below:
// the input is hostile (carved, truncated or crafted files), so no offset is trusted.
#include "core/media/sniff.h"

#include <algorithm>
#include <array>
#include <bit>
#include <string>
#include <utility>
#include <vector>

namespace triage {
namespace {

using namespace std::string_view_literals;
using Bytes = std::span<const std::byte>;

// ---------------------------------------------------------------------------------------------
// Bounds-checked readers. `off` may be any value (taken from the file); none of them reads
// outside `b`, and all return nullopt instead.

bool in_bounds(Bytes b, std::size_t off, std::size_t n) {
  return off <= b.size() && n <= b.size() - off;
}

std::optional<std::uint8_t> u8(Bytes b, std::size_t off) {
  if (!in_bounds(b, off, 1)) return std::nullopt;
  return std::to_integer<std::uint8_t>(b[off]);
}

// n bytes (n <= 8) as an unsigned integer, big or little endian.
std::optional<std::uint64_t> read_uint(Bytes b, std::size_t off, std::size_t n, bool big_endian) {
  if (n > 8 || !in_bounds(b, off, n)) return std::nullopt;
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t at = big_endian ? off + i : off + n - 1 - i;
    v = (v << 8) | std::to_integer<std::uint64_t>(b[at]);
  }
  return v;
}

std::optional<std::uint16_t> rd16(Bytes b, std::size_t off, bool big_endian) {
  auto v = read_uint(b, off, 2, big_endian);
  if (!v) return std::nullopt;
  return static_cast<std::uint16_t>(*v);
}
std::optional<std::uint32_t> rd32(Bytes b, std::size_t off, bool big_endian) {
  auto v = read_uint(b, off, 4, big_endian);
  if (!v) return std::nullopt;
  return static_cast<std::uint32_t>(*v);
}
std::optional<std::uint64_t> rd64(Bytes b, std::size_t off, bool big_endian) {
  return read_uint(b, off, 8, big_endian);
}
std::optional<std::uint16_t> be16(Bytes b, std::size_t off) { return rd16(b, off, true); }
std::optional<std::uint16_t> le16(Bytes b, std::size_t off) { return rd16(b, off, false); }
std::optional<std::uint32_t> be32(Bytes b, std::size_t off) { return rd32(b, off, true); }
std::optional<std::uint32_t> le32(Bytes b, std::size_t off) { return rd32(b, off, false); }
std::optional<std::uint64_t> be64(Bytes b, std::size_t off) { return rd64(b, off, true); }
std::optional<std::uint32_t> le24(Bytes b, std::size_t off) {
  auto v = read_uint(b, off, 3, false);
  if (!v) return std::nullopt;
  return static_cast<std::uint32_t>(*v);
}
std::optional<std::uint32_t> be24(Bytes b, std::size_t off) {
  auto v = read_uint(b, off, 3, true);
  if (!v) return std::nullopt;
  return static_cast<std::uint32_t>(*v);
}

// True when `magic` (raw bytes, may contain NULs) is at `off`.
bool has(Bytes b, std::size_t off, std::string_view magic) {
  if (!in_bounds(b, off, magic.size())) return false;
  for (std::size_t i = 0; i < magic.size(); ++i) {
    if (std::to_integer<unsigned char>(b[off + i]) != static_cast<unsigned char>(magic[i])) {
      return false;
    }
  }
  return true;
}

// A four-character code as a big-endian integer, for switch-free comparisons.
constexpr std::uint32_t fourcc(std::string_view s) {
  return (static_cast<std::uint32_t>(static_cast<unsigned char>(s[0])) << 24) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(s[1])) << 16) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(s[2])) << 8) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[3]));
}

bool printable_fourcc(Bytes b, std::size_t off) {
  if (!in_bounds(b, off, 4)) return false;
  for (std::size_t i = 0; i < 4; ++i) {
    const auto c = std::to_integer<unsigned char>(b[off + i]);
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

std::optional<PixelSize> nonzero(std::uint64_t w, std::uint64_t h) {
  if (w == 0 || h == 0 || w > UINT32_MAX || h > UINT32_MAX) return std::nullopt;
  return PixelSize{static_cast<std::uint32_t>(w), static_cast<std::uint32_t>(h)};
}

// ---------------------------------------------------------------------------------------------
// The media kinds. Extension lists are generous: any usual spelling of the format counts.

constexpr std::string_view kIsoVideoExt =
    "mp4 m4v m4p mov qt 3gp 3gpp 3g2 3gp2 f4v f4p lrv mqv m4a";
constexpr std::string_view kHeifExt = "heic heif hif heics heifs avci";
constexpr std::string_view kJp2Ext = "jp2 jpg2 jpf jpx jpm j2c j2k jpc";

constexpr MediaKind kJpeg{MediaType::image, "jpeg", "image/jpeg", "jpg jpeg jpe jfif jfi jif"};
constexpr MediaKind kPng{MediaType::image, "png", "image/png", "png apng"};
constexpr MediaKind kGif{MediaType::image, "gif", "image/gif", "gif"};
constexpr MediaKind kBmp{MediaType::image, "bmp", "image/bmp", "bmp dib"};
// TIFF-structured camera raw files (DNG, NEF, CR2, ARW, PEF, ...) carry a plain TIFF header,
// so their extensions are listed here: naming them so is not a mismatch.
constexpr MediaKind kTiff{MediaType::image, "tiff", "image/tiff",
                          "tif tiff btf tf8 dng nef nrw cr2 arw srf sr2 pef 3fr erf mef mos kdc "
                          "dcr iiq srw"};
constexpr MediaKind kWebp{MediaType::image, "webp", "image/webp", "webp"};
constexpr MediaKind kHeic{MediaType::image, "heic", "image/heic", kHeifExt};
// Image sequences keep the container's short name (readers of "heic"/"heif" handle them too);
// the MIME type tells them apart (ISO/IEC 23008-12 Annex C registrations).
constexpr MediaKind kHeicSeq{MediaType::image, "heic", "image/heic-sequence", kHeifExt};
constexpr MediaKind kHeif{MediaType::image, "heif", "image/heif", kHeifExt};
constexpr MediaKind kHeifSeq{MediaType::image, "heif", "image/heif-sequence", kHeifExt};
constexpr MediaKind kAvif{MediaType::image, "avif", "image/avif", "avif avifs"};
constexpr MediaKind kJp2{MediaType::image, "jp2", "image/jp2", kJp2Ext};
constexpr MediaKind kJpx{MediaType::image, "jpx", "image/jpx", kJp2Ext};
constexpr MediaKind kJpm{MediaType::image, "jpm", "image/jpm", kJp2Ext};
constexpr MediaKind kJ2c{MediaType::image, "j2c", "image/j2c", "j2c j2k jpc"};

constexpr MediaKind kMp4{MediaType::video, "mp4", "video/mp4", kIsoVideoExt};
constexpr MediaKind kM4v{MediaType::video, "m4v", "video/x-m4v", kIsoVideoExt};
constexpr MediaKind kMov{MediaType::video, "mov", "video/quicktime", kIsoVideoExt};
constexpr MediaKind k3gp{MediaType::video, "3gp", "video/3gpp", kIsoVideoExt};
constexpr MediaKind k3g2{MediaType::video, "3g2", "video/3gpp2", kIsoVideoExt};
constexpr MediaKind kMj2{MediaType::video, "mj2", "video/mj2", "mj2 mjp2"};
constexpr MediaKind kAvi{MediaType::video, "avi", "video/x-msvideo", "avi divx"};
constexpr MediaKind kMatroska{MediaType::video, "matroska", "video/x-matroska", "mkv mk3d mka mks"};
constexpr MediaKind kWebm{MediaType::video, "webm", "video/webm", "webm mkv"};
constexpr MediaKind kAsf{MediaType::video, "asf", "video/x-ms-asf", "asf wmv wma dvr-ms"};
constexpr MediaKind kFlv{MediaType::video, "flv", "video/x-flv", "flv"};
constexpr MediaKind kMpegPs{MediaType::video, "mpeg-ps", "video/mpeg",
                            "mpg mpeg mpe m1v m2v m2p vob mod tod vro"};
constexpr MediaKind kMpegVideo{MediaType::video, "mpeg-video", "video/mpeg",
                               "m1v m2v mpv mpg mpeg mpe"};
constexpr MediaKind kMpegTs{MediaType::video, "mpeg-ts", "video/mp2t", "ts m2ts mts m2t tsv trp"};
constexpr MediaKind kM2ts{MediaType::video, "m2ts", "video/mp2t", "m2ts mts m2t ts"};

constexpr std::array kAllKinds{
    &kJpeg, &kPng,  &kGif,  &kBmp,  &kTiff, &kWebp, &kHeic,     &kHeicSeq, &kHeif,     &kHeifSeq,
    &kAvif, &kJp2,  &kJpx,  &kJpm,  &kJ2c,  &kMp4,  &kM4v,      &kMov,     &k3gp,      &k3g2,
    &kMj2,  &kAvi,  &kMatroska, &kWebm, &kAsf, &kFlv, &kMpegPs, &kMpegVideo, &kMpegTs, &kM2ts};

// Extensions listed above that also commonly name non-media or audio-only files (TypeScript
// sources, Go's go.mod and tracker music, M4A/MKA/WMA audio). A non-media file carrying one of
// them is not reported as a mismatch.
constexpr std::string_view kAmbiguousExt = "ts mod m4a mka wma";

// ---------------------------------------------------------------------------------------------
// ISO base media file format (ISO/IEC 14496-12 §4.3): the first box is normally 'ftyp':
// size(4) 'ftyp' major_brand(4) minor_version(4) compatible_brands(4 each, to the box end).
// Brands are registered with the MP4 registration authority (mp4ra.org).

struct Brand {
  std::string_view code;
  const MediaKind* kind;
  bool generic;  // says only "ISO BMFF" / "HEIF": a compatible brand may be more specific
};

constexpr std::array kBrands{
    // HEIF (ISO/IEC 23008-12 Annex B): HEVC images / sequences, and the generic brands.
    Brand{"heic", &kHeic, false},     Brand{"heix", &kHeic, false},
    Brand{"heim", &kHeic, false},     Brand{"heis", &kHeic, false},
    Brand{"hevc", &kHeicSeq, false},  Brand{"hevx", &kHeicSeq, false},
    Brand{"hevm", &kHeicSeq, false},  Brand{"hevs", &kHeicSeq, false},
    Brand{"mif1", &kHeif, true},      Brand{"msf1", &kHeifSeq, true},
    // AVIF (AV1 Image File Format, AOM): still image and image sequence.
    Brand{"avif", &kAvif, false},     Brand{"avis", &kAvif, false},
    // MPEG-4 / ISO BMFF video.
    Brand{"isom", &kMp4, true},       Brand{"iso2", &kMp4, true},
    Brand{"iso3", &kMp4, true},       Brand{"iso4", &kMp4, true},
    Brand{"iso5", &kMp4, true},       Brand{"iso6", &kMp4, true},
    Brand{"iso7", &kMp4, true},       Brand{"iso8", &kMp4, true},
    Brand{"iso9", &kMp4, true},       Brand{"mp41", &kMp4, true},
    Brand{"mp42", &kMp4, true},       Brand{"avc1", &kMp4, false},
    Brand{"dash", &kMp4, false},      Brand{"MSNV", &kMp4, false},
    Brand{"f4v ", &kMp4, false},      Brand{"M4V ", &kM4v, false},
    Brand{"M4VH", &kM4v, false},      Brand{"M4VP", &kM4v, false},
    Brand{"qt  ", &kMov, false},
    // 3GPP TS 26.244 / 3GPP2 C.S0050.
    Brand{"3gp4", &k3gp, false},      Brand{"3gp5", &k3gp, false},
    Brand{"3gp6", &k3gp, false},      Brand{"3gp7", &k3gp, false},
    Brand{"3gs7", &k3gp, false},      Brand{"3ge6", &k3gp, false},
    Brand{"3ge7", &k3gp, false},      Brand{"3gg6", &k3gp, false},
    Brand{"3g2a", &k3g2, false},      Brand{"3g2b", &k3g2, false},
    Brand{"3g2c", &k3g2, false},
    // ISO BMFF files that are neither still images nor video here: MPEG-4 audio and audio
    // books, Flash audio, Canon CR3 raw. A null kind stops the search: the file stays "other"
    // even though it lists generic brands such as 'isom'.
    Brand{"M4A ", nullptr, false},    Brand{"M4B ", nullptr, false},
    Brand{"M4P ", nullptr, false},    Brand{"F4A ", nullptr, false},
    Brand{"F4B ", nullptr, false},    Brand{"crx ", nullptr, false},
};

const Brand* find_brand(Bytes b, std::size_t off) {
  for (const Brand& brand : kBrands) {
    if (has(b, off, brand.code)) return &brand;
  }
  return nullptr;
}

// Major brand first, unless it is generic and a compatible brand says more (an 'mif1' file
// listing 'heic'). An unknown major brand (Sony 'XAVC', ...) falls back to the compatible
// brands; a major brand known not to be image or video ('M4A ', 'crx ') leaves the file
// unidentified.
const MediaKind* decide_ftyp(Bytes head) {
  const auto box_size = be32(head, 0);
  if (!box_size || *box_size < 16) return nullptr;
  const std::size_t end = std::min<std::size_t>(*box_size, head.size());
  const Brand* major = find_brand(head, 8);
  if (major && !major->generic) return major->kind;
  const Brand* first_known = major;
  for (std::size_t off = 16; off + 4 <= end; off += 4) {
    const Brand* compat = find_brand(head, off);
    if (!compat || !compat->kind) continue;
    if (!compat->generic) return compat->kind;
    if (!first_known) first_known = compat;
  }
  return first_known ? first_known->kind : nullptr;
}

// QuickTime files older than 'ftyp' (QuickTime File Format, "Atoms"): the first atom is
// 'moov', 'mdat', 'wide', 'free', 'skip' or 'pnot'. An atom size made of four printable
// characters is text ("The free ..."), not an atom; sizes 0 (to end) and 1 (64-bit) are valid.
const MediaKind* decide_old_quicktime(Bytes head) {
  const auto size = be32(head, 0);
  if (!size || (*size > 1 && *size < 8) || printable_fourcc(head, 0)) return nullptr;
  if (has(head, 4, "moov") || has(head, 4, "mdat")) return &kMov;
  // free/skip/wide/pnot: the next atom, when in view, must look like an atom too.
  if (*size >= 8 && in_bounds(head, *size, 8) && !printable_fourcc(head, *size + 4)) {
    return nullptr;
  }
  return &kMov;
}

// JPEG 2000 (ISO/IEC 15444-1 Annex I): the 12-byte signature box 0000000C 'jP  ' 0D0A870A is
// followed by an 'ftyp' box whose brand tells JP2, JPX (15444-2), JPM (15444-6) or Motion
// JPEG 2000 (15444-3).
const MediaKind* decide_jp2(Bytes head) {
  if (!has(head, 16, "ftyp")) return &kJp2;
  if (has(head, 20, "jpx ")) return &kJpx;
  if (has(head, 20, "jpm ")) return &kJpm;
  if (has(head, 20, "mjp2")) return &kMj2;
  return &kJp2;
}

// BMP: "BM" then BITMAPFILEHEADER (14 bytes) and a DIB header whose first field is its own
// size: 12 (BITMAPCOREHEADER / OS/2 1.x), 16 or 64 (OS/2 2.x), 40 (BITMAPINFOHEADER), 52, 56
// (V2/V3 info headers), 108 (V4), 124 (V5). Text that starts with "BM" fails this.
const MediaKind* decide_bmp(Bytes head) {
  const auto dib = le32(head, 14);
  if (!dib) return nullptr;
  switch (*dib) {
    case 12: case 16: case 40: case 52: case 56: case 64: case 108: case 124: return &kBmp;
    default: return nullptr;
  }
}

// EBML variable-size integer (RFC 8794 §4): the count of leading zero bits of the first byte
// gives the length. IDs keep their marker bits; sizes drop them.
struct Vint {
  std::uint64_t value = 0;
  std::size_t length = 0;
  bool unknown = false;  // all value bits set: "unknown size"
};

std::optional<Vint> read_vint(Bytes b, std::size_t off, bool keep_marker) {
  const auto first = u8(b, off);
  if (!first || *first == 0) return std::nullopt;
  const std::size_t len = static_cast<std::size_t>(std::countl_zero(*first)) + 1;
  auto raw = read_uint(b, off, len, true);
  if (!raw) return std::nullopt;
  Vint v;
  v.length = len;
  const std::uint64_t value_bits = 7 * len;
  const std::uint64_t mask = (std::uint64_t{1} << value_bits) - 1;
  v.value = keep_marker ? *raw : (*raw & mask);
  v.unknown = !keep_marker && (*raw & mask) == mask;
  return v;
}

// Matroska / WebM (RFC 8794 EBML, RFC 9559 Matroska): the EBML header element 0x1A45DFA3 holds
// a DocType element (ID 0x4282) naming "matroska" or "webm".
const MediaKind* decide_ebml(Bytes head) {
  const auto header_size = read_vint(head, 4, false);
  if (!header_size) return &kMatroska;
  std::size_t pos = 4 + header_size->length;
  std::size_t end = head.size();
  if (!header_size->unknown && header_size->value < head.size()) {
    end = std::min(end, pos + static_cast<std::size_t>(header_size->value));
  }
  while (pos < end) {
    const auto id = read_vint(head, pos, true);
    if (!id) break;
    const auto size = read_vint(head, pos + id->length, false);
    if (!size || size->unknown) break;
    const std::size_t body = pos + id->length + size->length;
    if (size->value > head.size()) break;
    const auto len = static_cast<std::size_t>(size->value);
    if (id->value == 0x4282) {
      return len >= 4 && has(head, body, "webm") ? &kWebm : &kMatroska;
    }
    pos = body + len;
  }
  return &kMatroska;
}

// MPEG-2 transport stream (ISO/IEC 13818-1 §2.4.3.2): 188-byte packets, each starting with the
// sync byte 0x47. M2TS (Blu-ray/AVCHD) prefixes each packet with a 4-byte timestamp: 192-byte
// units, sync byte at offset 4. Every packet start in view is checked (up to five), and at
// least two must be in view; three when the head is long enough.
bool sync_bytes(Bytes head, std::size_t first, std::size_t stride) {
  std::size_t seen = 0;
  for (std::size_t k = 0; k < 5; ++k) {
    const std::size_t off = first + k * stride;
    if (off >= head.size()) break;
    if (std::to_integer<unsigned char>(head[off]) != 0x47) return false;
    ++seen;
  }
  return seen >= 2;
}
const MediaKind* decide_ts(Bytes head) { return sync_bytes(head, 0, 188) ? &kMpegTs : nullptr; }
const MediaKind* decide_m2ts(Bytes head) { return sync_bytes(head, 4, 192) ? &kM2ts : nullptr; }

// MPEG program stream pack header (ISO/IEC 11172-1 / 13818-1 §2.5.3.3): 000001BA, then '0010'
// marker bits for MPEG-1 or '01' for MPEG-2.
const MediaKind* decide_mpeg_ps(Bytes head) {
  const auto b = u8(head, 4);
  if (!b) return &kMpegPs;
  return ((*b & 0xF0) == 0x20 || (*b & 0xC0) == 0x40) ? &kMpegPs : nullptr;
}

// ---------------------------------------------------------------------------------------------
// The signature table, tried in order; the first entry whose magic matches and whose `decide`
// (if any) agrees wins. `decide` may also refine the kind (WebM vs Matroska, ftyp brands).

struct Signature {
  std::size_t offset;
  std::string_view magic;
  const MediaKind* kind;                          // result when `decide` is null
  const MediaKind* (*decide)(Bytes head) = nullptr;  // extra check / refinement; null = reject
};

constexpr std::array kSignatures{
    // JPEG (ITU-T T.81 Annex B): SOI FFD8 followed by another marker's FF.
    Signature{0, "\xFF\xD8\xFF"sv, &kJpeg},
    // PNG (ISO/IEC 15948 §5.2 / RFC 2083).
    Signature{0, "\x89PNG\r\n\x1A\n"sv, &kPng},
    // GIF (GIF89a specification §17).
    Signature{0, "GIF87a"sv, &kGif},
    Signature{0, "GIF89a"sv, &kGif},
    Signature{0, "BM"sv, nullptr, decide_bmp},
    // TIFF 6.0 §2 byte order + 42; BigTIFF uses 43.
    Signature{0, "II*\0"sv, &kTiff},
    Signature{0, "MM\0*"sv, &kTiff},
    Signature{0, "II+\0"sv, &kTiff},
    Signature{0, "MM\0+"sv, &kTiff},
    // RIFF (Microsoft Multimedia Programming Interface, RIFF chunks): 'RIFF' size form-type.
    Signature{8, "WEBP"sv, nullptr, [](Bytes h) { return has(h, 0, "RIFF") ? &kWebp : nullptr; }},
    Signature{8, "AVI "sv, nullptr, [](Bytes h) { return has(h, 0, "RIFF") ? &kAvi : nullptr; }},
    Signature{0, "\0\0\0\x0CjP  \r\n\x87\n"sv, nullptr, decide_jp2},
    // JPEG 2000 codestream: SOC FF4F then SIZ FF51 (ISO/IEC 15444-1 Annex A).
    Signature{0, "\xFF\x4F\xFF\x51"sv, &kJ2c},
    Signature{4, "ftyp"sv, nullptr, decide_ftyp},
    Signature{4, "moov"sv, nullptr, decide_old_quicktime},
    Signature{4, "mdat"sv, nullptr, decide_old_quicktime},
    Signature{4, "wide"sv, nullptr, decide_old_quicktime},
    Signature{4, "free"sv, nullptr, decide_old_quicktime},
    Signature{4, "skip"sv, nullptr, decide_old_quicktime},
    Signature{4, "pnot"sv, nullptr, decide_old_quicktime},
    Signature{0, "\x1A\x45\xDF\xA3"sv, nullptr, decide_ebml},
    // ASF Header Object GUID 75B22630-668E-11CF-A6D9-00AA0062CE6C, stored little-endian
    // fields first (ASF specification §3.1, §10.1).
    Signature{0, "\x30\x26\xB2\x75\x8E\x66\xCF\x11\xA6\xD9\x00\xAA\x00\x62\xCE\x6C"sv, &kAsf},
    // FLV (Adobe Flash Video File Format Specification v10.1, E.2): "FLV" version 1.
    Signature{0, "FLV\x01"sv, &kFlv},
    Signature{0, "\0\0\x01\xBA"sv, nullptr, decide_mpeg_ps},
    // MPEG-1/2 video elementary stream: sequence_header_code 000001B3 (ISO/IEC 13818-2 §6.2.2.1).
    Signature{0, "\0\0\x01\xB3"sv, &kMpegVideo},
    Signature{0, "\x47"sv, nullptr, decide_ts},
    Signature{4, "\x47"sv, nullptr, decide_m2ts},
};

// ---------------------------------------------------------------------------------------------
// Pixel sizes.

// JPEG (ITU-T T.81 §B.1.1.2, B.2.2): markers FFxx; standalone markers (SOI, RSTn, TEM) have no
// length; others carry a 2-byte length that includes itself. The frame header (SOFn) holds
// P(1) Y(2) X(2). SOS or EOI before any SOF means no frame header.
bool is_sof(std::uint8_t m) {
  return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
}

std::optional<PixelSize> jpeg_size(Bytes b) {
  if (!has(b, 0, "\xFF\xD8"sv)) return std::nullopt;
  std::size_t pos = 2;
  while (true) {
    const auto ff = u8(b, pos);
    if (!ff || *ff != 0xFF) return std::nullopt;
    std::optional<std::uint8_t> m;
    do {  // fill bytes: any number of FF before the marker code (B.1.1.2)
      m = u8(b, ++pos);
    } while (m && *m == 0xFF);
    if (!m) return std::nullopt;
    ++pos;
    if (*m == 0xD8 || *m == 0x01 || (*m >= 0xD0 && *m <= 0xD7)) continue;
    if (*m == 0xD9 || *m == 0xDA || *m == 0x00) return std::nullopt;
    const auto len = be16(b, pos);
    if (!len || *len < 2) return std::nullopt;
    if (is_sof(*m)) {
      const auto h = be16(b, pos + 3);
      const auto w = be16(b, pos + 5);
      if (!h || !w) return std::nullopt;
      return nonzero(*w, *h);
    }
    pos += *len;
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
  if (!has(b, 0, "BM") || !decide_bmp(b)) return std::nullopt;
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

struct Box {
  std::uint32_t type = 0;
  std::size_t body = 0;  // first byte after the header
  std::size_t end = 0;   // one past the last byte, clamped to the enclosing limit
  bool truncated = false;  // the declared size runs past the limit
};

// A box header at pos within [pos, limit). Size 1 = 64-bit largesize follows; size 0 = to the
// end of the enclosing box (14496-12 §4.2).
std::optional<Box> read_box(Bytes b, std::size_t pos, std::size_t limit) {
  if (pos >= limit) return std::nullopt;
  const auto size32 = be32(b, pos);
  const auto type = be32(b, pos + 4);
  if (!size32 || !type) return std::nullopt;
  Box box;
  box.type = *type;
  std::uint64_t size = *size32;
  std::size_t header = 8;
  if (size == 1) {
    const auto large = be64(b, pos + 8);
    if (!large) return std::nullopt;
    size = *large;
    header = 16;
  } else if (size == 0) {
    size = limit - pos;
  }
  if (size < header) return std::nullopt;
  box.body = pos + header;
  box.truncated = size > limit - pos;
  box.end = box.truncated ? limit : pos + static_cast<std::size_t>(size);
  if (box.body > box.end) return std::nullopt;
  return box;
}

// Calls fn(box) for each child box in [begin, end) until fn returns false or the boxes end.
template <typename Fn>
void for_each_box(Bytes b, std::size_t begin, std::size_t end, Fn&& fn) {
  std::size_t pos = begin;
  while (pos < end) {
    const auto box = read_box(b, pos, end);
    if (!box || box->end <= pos) return;
    if (!fn(*box)) return;
    pos = box->end;
  }
}

std::optional<PixelSize> heif_size(Bytes b) {
  const std::size_t limit = b.size();
  std::optional<std::uint32_t> primary;
  std::vector<std::pair<std::uint32_t, PixelSize>> ispes;   // property index -> size
  std::vector<std::uint32_t> primary_props;                 // property indexes of the primary
  std::vector<std::pair<std::uint32_t, std::vector<std::uint32_t>>> associations;
  bool seen_meta = false, meta_truncated = false;

  auto parse_ipco = [&](const Box& ipco) {
    std::uint32_t index = 0;
    for_each_box(b, ipco.body, ipco.end, [&](const Box& prop) {
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
  auto parse_ipma = [&](const Box& ipma) {
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
  auto parse_meta = [&](const Box& meta) {
    // FullBox: version(1) flags(3) before the children.
    for_each_box(b, meta.body + 4, meta.end, [&](const Box& child) {
      if (child.type == fourcc("pitm")) {
        const auto version = u8(b, child.body);
        if (version == std::uint8_t{0}) {
          if (auto id = be16(b, child.body + 4)) primary = *id;
        } else if (version) {
          primary = be32(b, child.body + 4);
        }
      } else if (child.type == fourcc("iprp")) {
        for_each_box(b, child.body, child.end, [&](const Box& grandchild) {
          if (grandchild.type == fourcc("ipco")) parse_ipco(grandchild);
          if (grandchild.type == fourcc("ipma")) parse_ipma(grandchild);
          return true;
        });
      }
      return true;
    });
  };

  for_each_box(b, 0, limit, [&](const Box& box) {
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

bool in_list(std::string_view list, std::string_view word) {
  while (!list.empty()) {
    const std::size_t space = list.find(' ');
    const std::string_view item = list.substr(0, space);
    if (!item.empty() && item == word) return true;
    if (space == std::string_view::npos) break;
    list.remove_prefix(space + 1);
  }
  return false;
}

}  // namespace

MediaKind sniff_media(std::span<const std::byte> head) {
  // Only the first kSniffBytes count, so the answer (and the cost) is the same whether the
  // caller passes the head or the whole file.
  head = head.first(std::min(head.size(), kSniffBytes));
  for (const Signature& sig : kSignatures) {
    if (!has(head, sig.offset, sig.magic)) continue;
    const MediaKind* kind = sig.decide ? sig.decide(head) : sig.kind;
    if (kind) return *kind;
  }
  return MediaKind{};
}

bool extension_mismatch(const MediaKind& kind, std::string_view file_name) {
  // The final path component; both separators, since evidence paths may be Windows paths.
  if (const auto slash = file_name.find_last_of("/\\"); slash != std::string_view::npos) {
    file_name.remove_prefix(slash + 1);
  }
  std::string ext;
  if (const auto dot = file_name.rfind('.'); dot != std::string_view::npos) {
    ext.assign(file_name.substr(dot + 1));
    for (char& c : ext) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
  }
  if (kind.type != MediaType::other) {
    return ext.empty() || !in_list(kind.extensions, ext);
  }
  if (ext.empty() || in_list(kAmbiguousExt, ext)) return false;
  return std::any_of(kAllKinds.begin(), kAllKinds.end(),
                     [&](const MediaKind* k) { return in_list(k->extensions, ext); });
}

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
