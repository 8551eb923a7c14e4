#include "app/library_versions.h"

#include "core/digest/digests.h"
#include "formats/archive/archive_opener.h"
#include "formats/exif/exif_reader.h"
#include "formats/filetype/magic_mime.h"
#include "formats/hashset/hashset_reader.h"
#include "formats/image/image_decoder.h"
#include "formats/source/source_kind.h"
#include "formats/sqlite/sqlite_handle.h"
#include "formats/video/video_decoder.h"

namespace triage {

std::vector<LibraryVersion> library_versions() {
  std::vector<LibraryVersion> out;
  for (auto&& part : {source_library_versions(), image_library_versions(), exif_library_versions(),
                      video_library_versions()})
    out.insert(out.end(), part.begin(), part.end());
  out.push_back({"libarchive", libarchive_version()});
  out.push_back({"libmagic", magic_library_version()});
  out.push_back({"SQLite", sqlite::library_version()});
  out.push_back({"OpenSSL", openssl_version()});
  out.push_back({"simdjson", hashset::simdjson_library_version()});
  return out;
}

}  // namespace triage
