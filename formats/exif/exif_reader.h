#pragma once
// EXIF through libexif (the only folder that includes libexif).
#include <vector>
#include <cstddef>
#include <span>

#include "core/case/case_model.h"
#include "core/item.h"
#include "core/media/sniff.h"
#include "core/result.h"

namespace triage {

// Reads the examiner's EXIF fields from a whole image file: JPEG (APP1 "Exif"), TIFF (the file
// is itself a TIFF structure) and HEIF/HEIC (the Exif item). A file with no EXIF gives empty
// fields; a corrupt EXIF block gives an Error (recorded as an item problem), never a crash.
Result<ExifFields> read_exif(const MediaKind& kind, std::span<const std::byte> content);

// The libexif built against (libexif has no run-time version call).
std::vector<LibraryVersion> exif_library_versions();
}  // namespace triage
