#pragma once
// The item model: one file (or walk error) found in a source, with everything the stages add.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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
};

// A problem with one item; the item is kept, the problem recorded.
struct ItemProblem {
  std::string stage;
  std::string message;
};

// One hash-set hit for an item: exact (a digest is equal) or probable (a PDQ hash is near).
struct ItemMatch {
  std::string set;        // hash-set name
  std::string role;       // "alert", "known" or "ignore"
  std::string hash_type;  // "md5", "sha1", "sha256" (exact) or "pdq" (probable)
  std::string media_id;   // the set's record id (VICS MediaID), may be empty
  std::string category;   // the set's own category code, may be empty
  // PDQ only: Hamming distance to the record's hash, the dihedral variant of the item that came
  // closest ("orig", "rot90", ...), and the item's hash quality.
  std::optional<int> distance;
  std::string variant;
  std::optional<int> quality;

  bool probable() const { return hash_type == "pdq"; }
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

struct ItemRecord {
  std::uint64_t seq = 0;       // walk order across all sources; the primary key of the run
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
  ExifFields exif;
  std::vector<ItemMatch> matches;
  std::optional<ItemCategory> category;  // set for media and for any matched item
  std::vector<ItemProblem> problems;
};

// Something in a source that could not be examined as an item (special file, unreadable
// directory, link not followed). It keeps its place in walk order.
struct WalkProblem {
  std::uint64_t seq = 0;
  std::uint32_t source_index = 0;
  std::string path;
  std::string kind;     // "special_file", "unreadable", "symlink_not_followed", ...
  std::string message;
  bool is_error = true;  // false for notices that do not make the run exit 1
};

}  // namespace triage
