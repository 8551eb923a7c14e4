#pragma once
// Archives and compressed streams by their first bytes, so that a walk opens them whatever
// their names say. The signatures are those libarchive's bidders look for
// (libarchive/archive_read_support_format_{zip,7zip,rar,rar5,tar,cpio,ar}.c and
// archive_read_support_filter_{gzip,bzip2,xz,zstd,lz4}.c): ZIP local header "PK\3\4" (and the
// empty archive "PK\5\6"), 7z "7z\xBC\xAF\x27\x1C", RAR 1.5-4 "Rar!\x1A\x07\x00" and RAR 5
// "Rar!\x1A\x07\x01\x00", POSIX tar "ustar" at byte 257, cpio "070701"/"070702"/"070707" (the
// two-byte binary cpio magic is left out: too weak, it would open random files), ar "!<arch>\n"; gzip 1F 8B, bzip2 "BZh1".."BZh9",
// xz FD "7zXZ" 00, zstd 28 B5 2F FD, lz4 04 22 4D 18.
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

namespace triage {

// What the bytes start: an archive ("zip", "7z", "rar", "rar5", "tar", "cpio", "ar") or a
// compressed stream ("gzip", "bzip2", "xz", "zstd", "lz4": a compressed tar or a single
// compressed file); nullopt for anything else. Needs up to 512 bytes (tar's magic is at 257).
std::optional<std::string_view> archive_signature(std::span<const std::byte> head);

// True for the compressed-stream names above: one compressed file, unless a tar is inside.
bool is_compressed_stream(std::string_view signature);

inline constexpr std::size_t kArchiveSignatureBytes = 512;

}  // namespace triage
