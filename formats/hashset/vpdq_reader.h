#pragma once
// vPDQ frame-hash files: known videos as lists of per-frame PDQ hashes, one line per frame as the
// vPDQ reference writes them (facebook/ThreatExchange vpdq, `vpdq-hash-video` output and
// vpdq/sample-hashes): `FRAME_NUMBER,QUALITY,PDQ_HEX64,TIMESTAMP_SECONDS`. A file without headers
// is one video named by the file's stem. Comment lines may name videos, so that one file holds
// several (as `triage hash --format vpdq` writes):
//   # video: MEDIA_ID      starts a new video (its frames follow)
//   # category: CODE       the current video's category code in the set
// Other lines starting with '#' and blank lines are ignored.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/item.h"

namespace triage::hashset {

struct KnownVideo {
  std::string media_id;
  std::string category;
  std::vector<VideoFrameHash> frames;  // in file order
};

// True when the first line that is not blank or a comment is a vPDQ frame line.
bool is_vpdq_file(const std::filesystem::path& file);

// Every video of the file. Throws ImportError (file, line, reason) for a malformed frame line.
std::vector<KnownVideo> read_vpdq_file(const std::filesystem::path& file);

// Parses one frame line; false when it is not `int,int(0..100),64 hex,number`.
bool parse_vpdq_line(std::string_view line, VideoFrameHash& frame);

// One frame line as the reference writes it (timestamp with 3 decimals), without the newline.
std::string format_vpdq_line(const VideoFrameHash& frame);

}  // namespace triage::hashset
