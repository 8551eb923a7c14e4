#pragma once
// Reads a device's own media database from its bytes (as the walk read them, never the file on
// the evidence), with SQLite over a private in-memory copy:
//   iOS Photos.sqlite (the Photos framework's Core Data store; iLEAPP's photosMetadata and
//   Photos.sqlite parsers are the public references for the layout): the assets table ZASSET
//   (iOS 14 and later; ZGENERICASSET before) with ZDIRECTORY and ZFILENAME, joined to
//   ZADDITIONALASSETATTRIBUTES (ZASSET) for ZIMPORTEDBY and, where the column exists (iOS 15 and
//   later), ZCREATORBUNDLEID.
//   Android MediaStore external.db (ALEAPP's MediaStore parser): the files table's _data and,
//   where the column exists (Android 10 and later), owner_package_name.
// A database of neither layout, or one SQLite refuses (corrupt, encrypted), is an Error naming
// why. The copy's WAL flag is cleared so that SQLite reads it as a plain file: rows only in a
// -wal file beside it are not read.
#include <cstddef>
#include <span>

#include "core/provenance/device_media.h"
#include "core/result.h"

namespace triage {

// At most this many rows are read from one database (a hostile file cannot exhaust memory).
inline constexpr std::size_t kMaxDeviceMediaRows = 5'000'000;

Result<std::vector<DeviceMediaRow>> read_device_media(DeviceDatabase kind, std::span<const std::byte> bytes);

}  // namespace triage
