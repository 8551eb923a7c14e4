#pragma once
// The report model: everything report.html and report.json show, computed from the case record
// (a CaseReader over CASE_DIR/case.db, never a live scan), so that `triage report` regenerates
// them byte for byte.
#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/case/case_model.h"
#include "core/category/profile.h"
#include "core/item.h"
#include "core/stop.h"

namespace triage {

// The counting rule, stated once for every report.
inline constexpr const char* kCountingRule =
    "Each still image or video is counted once, in the most severe category of its hash-set matches "
    "(an exact digest match decides over a probable PDQ match); 'unique' counts distinct SHA-1 digests, "
    "'instances' counts every copy found, and known-good or ignored files are excluded from the categories.";

struct Tally {
  std::uint64_t unique = 0, instances = 0;
};

// Index of a tally pair: still images, videos (not core/media's MediaKind, a sniffed format).
enum StillOrMoving : std::size_t { kStill = 0, kMoving = 1 };

// The provenance indicators counted per category (OriginIndicator's five values).
inline constexpr std::size_t kOriginIndicators = 5;

// A camera the case's EXIF names (core/provenance camera id), for the origin section.
struct DeviceCamera {
  std::string camera_id;
  std::optional<bool> own;  // the exhibit's own camera; null when own cameras are unknown
  std::map<std::pair<std::string, bool>, std::uint64_t> items;  // (category label, probable) -> instances
  std::string first_capture, last_capture;  // EXIF DateTimeOriginal as stored; empty when none
  std::set<std::string> locations;          // the folders (evidence paths) holding its pictures
};

// One row of the summary table: a profile label, split still/moving and by source.
struct CategoryRow {
  std::string label;  // profile label
  std::string code;   // profile code; empty for uncategorised / known good / ignored
  int severity = 0;
  bool probable = false;       // decided by PDQ matches only
  bool uncategorised = false;  // needs grading
  bool excluded = false;       // known good or ignored
  std::array<Tally, 2> all{};  // [kStill], [kMoving], over every source
  std::map<std::uint32_t, std::array<Tally, 2>> by_source;
  // Instances by provenance indicator (OriginIndicator, in its order): origin_section.h.
  std::array<std::uint64_t, kOriginIndicators> indicators{};
};

// Capture-date histogram: EXIF DateTimeOriginal where present, else the file's mtime.
struct TimelineBin {
  std::string period;  // "2024-05" (by month) or "2024" (by year)
  std::uint64_t exif = 0, mtime = 0;
};
struct Timeline {
  std::string bin = "month";  // "month", or "year" when the dates span more than 48 months
  std::uint64_t exif_dated = 0, mtime_dated = 0, undated = 0;
  std::vector<TimelineBin> bins;  // contiguous, oldest first
};

struct ScanThresholds {
  bool pdq = true;
  int pdq_max_distance = 31, pdq_min_quality = 50;
  bool all_files = false;
  std::optional<double> video_fps;  // frames hashed per second (0 = every frame); none: not decoded
  bool video_keyframes = false;
  double video_match_percent = 80.0;
};

// One analyst grade (triage grade) and what it did to each item with its hash. A grade is applied
// to an item that no hash set categorised (uncategorised, or probable by PDQ only); it never
// replaces a hash-set category: it agrees or disagrees with it, and that is shown.
struct GradeOutcome {
  AnalystGrade grade;
  std::string label;        // the profile label of grade.code
  bool superseded = false;  // a later grade of the same hash replaced it
  struct ItemOutcome {
    std::uint64_t seq = 0;
    std::string outcome;            // "applied", "agrees" or "disagrees"
    std::string database_category;  // agrees/disagrees: the hash-set category, "Label (code C)"
  };
  std::vector<ItemOutcome> items;
};

// The report of a case: its summary (counts, timeline, grades, findings) computed in one read
// of case.db, and its items read again one at a time as they are rendered, so that a case of a
// million files is never held in memory whole.
struct CaseReport {
  std::shared_ptr<const CaseReader> reader;  // the case, read again for each output
  CaseDetails details;
  RunSummary run;  // the case's (last) run
  std::vector<SourceInfo> sources;
  std::vector<CaseHashSet> hash_sets;
  std::string profile_name, profile_json;
  CategoryProfile profile;
  ScanThresholds thresholds;
  std::uint64_t item_count = 0;
  std::uint64_t error_count = 0;  // error and notice rows (for_each_error)
  std::uint64_t stills = 0, videos = 0, others = 0;
  std::vector<CategoryRow> categories;  // severity order; exact before probable; excluded last
  std::vector<std::uint64_t> findings;  // seq of the items categorised and not excluded, severity order
  Timeline timeline;
  std::uint64_t with_provenance = 0;  // still images and videos with a provenance
  std::vector<DeviceCamera> cameras;  // by camera id
  std::vector<GradeOutcome> grades;  // in the order recorded
  std::set<std::uint64_t> graded;    // seq of items whose category is an analyst grade
  // Hash (SHA-1 or MD5) -> index in `grades` of its grade in force (not superseded).
  std::map<std::string, std::size_t, std::less<>> grade_in_force;
  StopToken stop;  // ends the reads below (Interrupted) when requested

  const CategoryRow* row(std::string_view label, bool probable) const;
  // The exact (not probable) row of uncategorised, known-good or ignored items; nullptr if none.
  const CategoryRow* row(CategoryKind kind) const;

  // The case's items in walk order, each with the analyst grades applied as in the summary.
  void for_each_item(const std::function<void(const ItemRecord&)>& visit) const;
  // The items at the given walk positions (such as `findings`), in the order given, graded.
  void for_each_item_of(const std::vector<std::uint64_t>& seqs,
                        const std::function<void(const ItemRecord&)>& visit) const;
  // Every error and notice row (an item's problems and the walk's), in walk order.
  void for_each_error(const std::function<void(const WalkProblem&)>& visit) const;
};

// Whether an item was carved from unallocated space. case.db keeps no carved flag, so it is read
// from the evidence path the carver gives ("<volume>/unalloc@<byte offset>"), in disk-image
// sources only (a folder may hold a file of that name).
bool item_carved(const CaseReport& report, const ItemRecord& item);

// The profile a case recorded, from its JSON text and name (formats/profile parses it).
using ProfileParser = std::function<CategoryProfile(const std::string& json, const std::string& name)>;

// The report of the case `reader` holds, its summary computed in one read; `name` names the case
// in messages (its case.db). Throws std::runtime_error when the case holds no run or no profile,
// Interrupted when `stop` is requested (here or in the reads of the returned report).
CaseReport build_case_report(std::shared_ptr<const CaseReader> reader, const std::string& name,
                             const ProfileParser& parse_profile, StopToken stop = {});

// The capture time shown for an item and where it came from ("exif" or "mtime"); nullopt when
// neither is known. EXIF times are camera local time as stored ("2024:05:01 10:20:30").
struct CaptureTime {
  std::string text, source;
};
std::optional<CaptureTime> capture_time(const ItemRecord& item);

}  // namespace triage
