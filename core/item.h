#pragma once
// The item model: one file (or walk error) found in a source, with everything the stages add.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/pdq/pdq.h"
#include "core/provenance/device_media.h"
#include "core/provenance/provenance_record.h"
#include "core/result.h"

namespace triage {

enum class MediaType { image, video, other };
const char* to_string(MediaType type);

// Lower-case hex digests; all empty when the item was not digested.
struct Digests {
  std::string md5, sha1, sha256;
  bool empty() const { return md5.empty(); }
};

// EXIF fields the examiner needs; absent fields stay nullopt.
struct ExifFields {
  std::optional<std::string> make, model, serial, lens_model, software;
  std::optional<std::string> datetime_original, offset_time_original, datetime_digitized;
  std::optional<std::string> gps_datetime;  // "YYYY:MM:DD HH:MM:SS" UTC, from GPSDateStamp+GPSTimeStamp
  std::optional<int> orientation;           // 1..8
  std::optional<double> gps_lat, gps_lon;   // signed decimal degrees (S and W negative)
  std::optional<double> gps_alt;            // metres, negative below sea level
  std::optional<std::uint32_t> width, height;  // pixel dimensions of the image
  bool empty() const;
};

// A timestamp in nanoseconds since the Unix epoch, UTC.
using UnixNanos = std::int64_t;

// How much of a deleted file's content lies in blocks the file system now allocates again
// (to another file or to metadata): the content read there is no longer the deleted file's.
enum class Overwritten { none, partial, full };
const char* to_string(Overwritten state);
std::optional<Overwritten> overwritten_from(std::string_view text);  // nullopt when not a state name

// File-system facts as the source reports them.
struct FsFacts {
  std::optional<std::uint64_t> inode;
  std::optional<UnixNanos> mtime, atime, ctime, btime;  // MACB
  bool deleted = false;
  // Disk images only (empty/false for folders):
  std::string address;      // the entry's address as TSK's fls prints it: 13, or 64-128-4 (NTFS attribute)
  bool orphan = false;      // found through TSK's $OrphanFiles: no directory names it any more
  bool reallocated = false; // deleted name whose metadata entry now belongs to another file
  bool carved = false;      // carved from unallocated space: no name, so no extension to contradict
  // NTFS only: the $FILE_NAME attribute's MACB. Windows sets them from $STANDARD_INFORMATION
  // (mtime..btime above) on create, rename and move only, and tools that back-date files
  // ("timestomping") usually rewrite the latter alone, so an earlier one is worth a look.
  std::optional<UnixNanos> fn_mtime, fn_atime, fn_ctime, fn_btime;
  // Deleted disk-image items whose block map libtsk gives: nullopt when not checked.
  std::optional<Overwritten> overwritten;
  // Members of a phone's file-system extraction (core/evidence/device_layout.h): the path on the
  // device, "/private/var/mobile/Media/DCIM/100APPLE/IMG_0001.JPG"; empty otherwise.
  std::string device_path;
};

// True when any $FILE_NAME time is recorded and differs from the $STANDARD_INFORMATION one.
bool fn_times_differ(const FsFacts& fs);
// True when a $STANDARD_INFORMATION time is earlier than its $FILE_NAME counterpart: later is
// normal (content or metadata changed since the name was written), earlier is what back-dating
// leaves behind.
bool si_time_precedes_fn(const FsFacts& fs);

// A problem with one item (a stage's Error); the item is kept, the problem recorded.
using ItemProblem = Error;

// What a hash set is for: alert (the material to find), known (known good: NSRL), ignore.
enum class HashSetRole { alert, known, ignore };
const char* to_string(HashSetRole role);  // "alert", "known", "ignore": the text in case.db, JSON, CSV
std::optional<HashSetRole> parse_hash_set_role(std::string_view text);

// The hash a match compared: a digest (exact) or a perceptual hash (probable: PDQ of an image or
// of a video frame, vPDQ frame coverage of a known video).
enum class HashType { md5, sha1, sha256, pdq, vpdq };
const char* to_string(HashType type);  // "md5", "sha1", "sha256", "pdq", "vpdq"
std::optional<HashType> parse_hash_type(std::string_view text);

// One hash-set hit for an item: exact (a digest is equal) or probable (a PDQ hash is near).
struct ItemMatch {
  std::string set;        // hash-set name
  HashSetRole role = HashSetRole::alert;
  HashType hash_type = HashType::md5;
  std::string media_id;   // the set's record id (VICS MediaID), may be empty
  std::string category;   // the set's own category code, may be empty
  // PDQ only: Hamming distance to the record's hash, the dihedral variant of the item that came
  // closest ("orig", "rot90", ...), and the item's hash quality.
  std::optional<int> distance;
  std::string variant;
  std::optional<int> quality;
  // A still-image record seen in a video (hash_type "pdq"): the sampled frame that came closest
  // (ties: the earliest) and its timestamp in seconds.
  std::optional<std::int64_t> frame;
  std::optional<double> timestamp;
  // A known video (hash_type "vpdq", vPDQ frame coverage): the share (percent) of this video's
  // distinct good frames that are near a frame of the known video, and the reverse share.
  std::optional<double> seized_percent;
  std::optional<double> known_percent;

  // PDQ and vPDQ hits say "looks like" and need a human to confirm them.
  bool probable() const { return hash_type == HashType::pdq || hash_type == HashType::vpdq; }
};

// The category the profile gives an item, and why.
struct ItemCategory {
  std::string label;   // profile label, e.g. "Category A", "Known good", "Uncategorised"
  std::string code;    // the set's code that decided it; empty when no set did
  int severity = 0;    // profile order: 1 is the most severe; 0 when not applicable
  std::string reason;  // which set, which hash, which record
  bool known_good = false;
  bool conflict = false;  // sets disagreed; the most severe won
  bool probable = false;  // decided by a perceptual (PDQ) match only: needs confirmation
};

// Container and stream facts of a video (formats/video/ fills them from FFmpeg); absent facts
// stay nullopt.
struct VideoInfo {
  std::string container;      // demuxer name, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
  std::string codec;          // e.g. "h264"
  int width = 0, height = 0;  // stored frame size, before rotation
  double frame_rate = 0;      // frames per second (average, else base rate); 0 when unknown
  std::optional<double> duration;            // seconds (container, else stream)
  std::optional<std::int64_t> frame_count;   // the container's own count; not decoded
  std::optional<std::string> creation_time;  // the creation_time tag as stored (ISO 8601)
  int rotation = 0;  // degrees clockwise to turn the picture for display (0, 90, 180, 270)
};

// The PDQ hash of one sampled video frame.
struct VideoFrameHash {
  std::int64_t frame = 0;  // decode-order number from 0
  double timestamp = 0;    // seconds from the start
  PdqResult pdq;
};

// A small grey copy of a sampled video frame (stored orientation), for the review thumbnail strip.
struct SmallFrame {
  int rows = 0, cols = 0;
  std::vector<std::uint8_t> grey;  // rows x cols bytes
};

// What frame hashing of a video item did.
struct VideoFacts {
  VideoInfo info;
  std::uint64_t decoded_frames = 0;  // 0 when the frames were not decoded
  double sample_fps = 0;             // sampled frames per second asked for; 0 = every frame
  std::uint64_t hashed_frames = 0;   // sampled frames whose PDQ hash was taken (ItemRecord::frames)
};

// Where a walk position lies, whatever order it was examined in: its ordinal among its source's
// top-level positions (a source walked several times in a prioritised scan gives every position
// the same one), then its ordinal inside the scope it belongs to (a container's members, a carving
// region's finds: 1, 2, ...; 0 for the top-level position itself). Source, then top, then sub is
// walk order.
struct WalkKey {
  std::uint64_t top = 0, sub = 0;
  friend auto operator<=>(const WalkKey&, const WalkKey&) = default;
};

struct ItemRecord {
  std::uint64_t seq = 0;       // walk order across all sources; the primary key of the run
  WalkKey key;                 // its walk position (the source is source_index)
  std::uint32_t source_index = 0;
  std::string path;            // evidence path, raw bytes (may be invalid UTF-8)
  std::uint64_t size = 0;
  FsFacts fs;
  MediaType media_type = MediaType::other;
  std::string mime;            // "application/octet-stream" when unknown
  bool extension_mismatch = false;
  Digests digests;             // empty unless processed (media, or --all-files)
  std::string pdq;             // PDQ hash of a still image, 64 hex digits; empty when none
  std::optional<int> pdq_quality;  // 0..100
  std::string pdq_mirror;      // PDQ hash of its mirror image (left and right swapped), for clustering
  ExifFields exif;
  std::optional<VideoFacts> video;         // video items whose metadata was read
  std::vector<VideoFrameHash> frames;      // sampled video frames, in frame order (not read back from case.db)
  std::vector<SmallFrame> strip;           // a few evenly spaced sampled frames, for the thumbnail (not stored)
  std::vector<ItemMatch> matches;
  std::optional<ItemCategory> category;  // set for media and for any matched item
  std::optional<Provenance> provenance;  // still images and videos: where they came from (indicators)
  std::optional<DeviceMediaTable> device_media;  // a device's media database (Photos.sqlite, external.db) read
  // Near-duplicate cluster (core/cluster), decided after the walk: the SHA-256 of the cluster's
  // first member in walk order, and how many items it holds. Absent until then, and for items
  // that are not still images or videos.
  std::optional<std::string> cluster;
  std::optional<std::uint64_t> cluster_size;
  std::vector<ItemProblem> problems;
};

// Something in a source that could not be examined as an item (special file, unreadable
// directory, link not followed). It keeps its place in walk order.
struct WalkProblem {
  std::uint64_t seq = 0;
  WalkKey key;
  std::uint32_t source_index = 0;
  std::string path;
  std::string kind;     // "special_file", "unreadable", "symlink_not_followed", ...
  std::string message;
  bool is_error = true;  // false for notices that do not make the run exit 1
};

}  // namespace triage
