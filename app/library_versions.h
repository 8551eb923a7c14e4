#pragma once
// Every library triage runs with and its version (`triage --version`, the runs table of case.db,
// the report's method section): a court may ask which libtsk read the image.
#include <vector>

#include "core/case/case_model.h"

namespace triage {

// In a fixed order: file systems (libtsk, libewf), images (OpenCV, libheif, giflib), EXIF
// (libexif), video (FFmpeg), file types (libmagic), databases (SQLite), digests (OpenSSL),
// hash-set JSON (simdjson).
std::vector<LibraryVersion> library_versions();

}  // namespace triage
