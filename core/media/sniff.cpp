// Media identification by content. Every read goes through the bounds-checked helpers of
// byte_reader.h: the input is hostile (carved, truncated or crafted files), so no offset is trusted.
#include "core/media/sniff.h"

#include <algorithm>
#include <array>
#include <bit>
#include <string>
#include <utility>
#include <vector>

#include "core/media/byte_reader.h"
#include "core/media/iso_bmff.h"
#include "core/media/media_kinds.h"

namespace triage {

using namespace triage::bytes;
using namespace triage::media_kinds;

// BMP: "BM" then BITMAPFILEHEADER (14 bytes) and a DIB header whose first field is its own
// size: 12 (BITMAPCOREHEADER / OS/2 1.x), 16 or 64 (OS/2 2.x), 40 (BITMAPINFOHEADER), 52, 56
// (V2/V3 info headers), 108 (V4), 124 (V5). Text that starts with "BM" fails this.
bool media_kinds::bmp_header(Bytes head) {
  const auto dib = le32(head, 14);
  if (!dib) return false;
  switch (*dib) {
    case 12: case 16: case 40: case 52: case 56: case 64: case 108: case 124: return true;
    default: return false;
  }
}

namespace {

using namespace std::string_view_literals;

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

const MediaKind* decide_bmp(Bytes head) { return bmp_header(head) ? &kBmp : nullptr; }

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

namespace {

// The lower-case extension of a path's final component (both separators: evidence paths may be
// Windows paths); empty when there is none.
std::string extension_of(std::string_view file_name) {
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
  return ext;
}

}  // namespace

std::string usual_extension(const MediaKind& kind, std::string_view file_name) {
  const std::string ext = extension_of(file_name);
  if (!ext.empty() && in_list(kind.extensions, ext)) return ext;
  const std::string_view first = kind.extensions.substr(0, kind.extensions.find(' '));
  return first.empty() ? "bin" : std::string(first);
}

bool extension_mismatch(const MediaKind& kind, std::string_view file_name) {
  const std::string ext = extension_of(file_name);
  if (kind.type != MediaType::other) {
    return ext.empty() || !in_list(kind.extensions, ext);
  }
  if (ext.empty() || in_list(kAmbiguousExt, ext)) return false;
  return std::any_of(kAllKinds.begin(), kAllKinds.end(),
                     [&](const MediaKind* k) { return in_list(k->extensions, ext); });
}

}  // namespace triage
