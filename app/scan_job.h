#pragma once
// One `triage scan`: sources -> pipeline -> case database (+ JSON Lines on a stream), then the
// case directory's derived outputs (items.csv, SHA256SUMS). The CLI only parses and reports.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/extract_job.h"
#include "core/pipeline/scan_pipeline.h"
#include "formats/casedb/case_details.h"
#include "formats/crypt/volume_key.h"

namespace triage {

// vpdq: `triage hash` only, videos' frame hashes as a vPDQ file (formats/hashset/vpdq_reader.h).
enum class StreamFormat { summary, jsonl, csv, vpdq };

struct ScanJobOptions {
  std::vector<std::string> sources;
  std::filesystem::path case_dir;
  bool all_files = false;
  unsigned jobs = 0;                  // 0: the number of cores (resolved before the run: recorded as a number)
  StreamFormat format = StreamFormat::summary;
  std::string command_line;
  std::vector<std::string> hashsets;        // imported HASHSET.db files or raw exports
  std::vector<std::string> known_hashsets;  // raw exports to use as known-good (NSRL is by default)
  std::string profile = "uk";         // built-in name or profile JSON file
  bool perceptual = true;             // PDQ for still images (--no-pdq turns it off)
  int pdq_max_distance = 31;          // probable match: Hamming distance at most this
  int pdq_min_quality = 50;           // and the item's PDQ quality at least this
  int cluster_distance = 31;          // --cluster-distance: near-duplicate clusters join hashes this close
  CaseDetails case_details;           // --case-ref, --exhibit-ref, --examiner, --organisation
  bool carve = true;                  // carve still images from disk images' unallocated space (--no-carve)
  bool source_hash = true;            // digest disk images before and after the walk (--no-source-hash)
  std::optional<double> video_fps;    // --video-fps: video metadata and frame PDQ hashes (0 = every frame)
  // --resume: continue the interrupted run of case_dir/case.db (same sources and options),
  // passing over the walk positions it committed; a new scan when there is none yet.
  bool resume = false;
  std::uint64_t max_pixels = 64'000'000;  // --max-pixels: larger images and video frames are not decoded
  std::optional<double> item_timeout;     // --item-timeout: seconds of work per item
  double video_match_percent = 80.0;  // --video-match-percent: share of a known video's frames found
  bool video_keyframes = false;       // --video-keyframes: decode and hash key frames only
  double stage_timeout = 30;          // --stage-timeout: seconds a disk-image stage may go without progress
  bool archives = true;               // open archives and walk their members (--no-archives)
  int archive_depth = 8;              // --archive-depth: archives inside archives opened down to this
  std::uint64_t max_expand_ratio = 100;  // --max-expand-ratio: an archive expands to this many times its size
  std::uint64_t max_expand = 0;       // --max-expand: and to this many bytes in all (0: no such cap)
  // --archive-password: tried on encrypted members; never recorded (the case keeps their number).
  std::vector<std::string> archive_passwords;
  std::string extraction_root;        // --extraction-root: a phone extraction's root inside an archive source
  bool provenance = true;             // provenance of pictures (--no-provenance turns it off)
  std::string origin_rules;           // --origin-rules: the examiner's origin rules file; empty: built-in only
  std::vector<std::string> own_cameras;  // --own-camera: the exhibit's own cameras; empty: from the camera roll
  bool faces = false;                 // --faces: count frontal faces in still images (a provenance signal)
  bool thumbnails = true;             // thumbs/<sha256>.jpg for review (--no-thumbnails turns it off)
  // --extract: media copied into extracted/ once the walk is over (app/extract_job.h); none: no extraction.
  std::vector<ExtractWhich> extract;
  std::string face_model;             // --face-model: the OpenCV cascade; empty: kDefaultFaceModel
  // --parent: parent (backing) disks of differential QCOW2/VHD/VHDX sources, by the name the child records.
  std::vector<std::string> parents;
  // --key: keys for encrypted volumes; never recorded (the case keeps their number).
  std::vector<VolumeKey> keys;
  // --alerts: alerts appended here as JSON Lines the moment they are found (app/alert_log.h).
  // Not among the recorded options: where alerts go changes no result.
  std::filesystem::path alerts_file;
  // --budget: the walk ends cleanly this long after the scan started; the run is then recorded
  // as partial (budget) and --resume continues it. Not recorded either: a resumed run may have
  // another budget or none.
  std::optional<std::chrono::milliseconds> budget;
  // Prioritised work (--no-priorities turns it off): user media first, system areas last
  // (core/provenance/priority_areas.h); the outputs are those of a scan in walk order. Not
  // recorded: it changes no result.
  bool priorities = true;
};

struct ScanCounts {
  std::uint64_t items = 0, images = 0, videos = 0, others = 0, digested = 0, bytes = 0;
  std::uint64_t with_exif = 0, with_gps = 0, extension_mismatches = 0;
  std::uint64_t item_errors = 0;   // items with at least one problem
  std::uint64_t walk_errors = 0;   // special files, unreadable entries
  std::uint64_t notices = 0;       // links not followed
  std::uint64_t matched = 0;       // items with at least one hash-set match
  std::uint64_t probable = 0;      // items with a PDQ (probable) match and no exact one
  // (severity, label) -> {still images, videos}, in severity order
  std::map<std::pair<int, std::string>, std::pair<std::uint64_t, std::uint64_t>> categories;
};

struct ScanOutcome {
  ScanCounts counts;
  bool interrupted = false;
  bool budget_spent = false;        // --budget ended the walk: the run is partial, --resume continues it
  std::optional<double> first_alert;  // seconds from the start to this run's first alert
  std::uint64_t alerts = 0;         // alerts raised by this run
  std::uint64_t copies_not_decoded = 0;  // copies of a content decoded before: its results reused
  std::optional<Coverage> coverage;      // a prioritised scan: what it listed and examined, by class
  std::uint64_t resumed_from = 0;   // --resume: walk positions the interrupted run had committed
  bool already_complete = false;    // --resume of a case whose run had completed: outputs rewritten
  double seconds = 0;
  std::vector<std::string> first_errors;  // a few, for the summary
  std::vector<std::string> integrity;     // one line per disk image: its digests and the verdict
  bool source_changed = false;            // a disk image's digests differ after the walk
  bool key_rejected = false;              // no key given opened an encrypted volume (volume_key_rejected)
  std::optional<ExtractOutcome> extracted;  // --extract: what the extraction did
};

// A hash set or profile given to the scan cannot be used (named in the message).
class ScanInputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// --resume cannot continue the case's run: other sources or options, another tool version, or
// sources whose walk no longer matches what was committed (the reason is in the message).
class ScanResumeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws ScanInputError for unusable inputs (a source that is no folder or readable disk image
// included), ScanResumeError when --resume cannot continue the case, std::runtime_error (with
// the path and reason) when the case cannot be written, Interrupted when `interrupted` is set
// while a hash set is imported, a disk image is hashed before the walk (no run is recorded yet)
// or the outputs are written (the run is recorded complete; --resume writes them again). Set
// during the walk, it ends the run as interrupted and returns.
ScanOutcome run_scan_job(const ScanJobOptions& options, std::ostream& results, std::ostream& diagnostics,
                         bool progress, const std::atomic<bool>& interrupted);

}  // namespace triage
