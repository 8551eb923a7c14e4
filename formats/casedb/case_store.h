#pragma once
// The case database CASE_DIR/case.db (SQLite, WAL): the one record every report is rendered
// from. Only the writer thread touches a CaseStore during a scan.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/case/case_model.h"
#include "core/item.h"
#include "formats/sqlite/sqlite_handle.h"

namespace triage {

struct LabItem;
struct LabFrame;

class CaseStore final : public CaseReader {
 public:
  // Creates a new case database; throws sqlite::Error if one with a run already exists.
  static std::unique_ptr<CaseStore> create(const std::filesystem::path& file);
  // Opens a case database for writing, creating its schema when the file is new or empty
  // (--resume: a scan killed before its run was recorded left such a file).
  static std::unique_ptr<CaseStore> open_or_create(const std::filesystem::path& file);
  // Opens an existing case read-only (for reports). Throws sqlite::SchemaVersionError for a file
  // that is not a case of this schema version.
  static std::unique_ptr<CaseStore> open_read_only(const std::filesystem::path& file);

  std::int64_t begin_run(const RunInfo& run, const std::vector<SourceInfo>& sources);
  // --resume: the last run continues (status back to running, source verification rows
  // dropped to be made again); `resumed` is recorded in the resumes table.
  void resume_run(const RunInfo& resumed, std::uint64_t committed);
  std::optional<RunSummary> last_run() const;
  // What a batch's status table shows of a case: items, items with an alert-set match, errors.
  struct Tally {
    std::uint64_t items = 0, alert_items = 0, errors = 0;
  };
  Tally tally() const;
  // Every walk position the case holds (items and walk problems), with its source, walk key and
  // path; returns how many. Throws sqlite::Error for a case that records no walk keys.
  std::uint64_t for_each_committed_position(
      const std::function<void(std::uint32_t source, WalkKey key, const std::string& path)>& visit) const;
  // Renumbers the positions (items.id, errors.seq and every reference to them) so that they
  // follow the walk keys: what a prioritised scan examined out of order, back in walk order.
  // Returns whether anything moved.
  bool restore_walk_order();
  void add_hash_set(const CaseHashSet& set);                        // after begin_run
  void add_profile(const std::string& name, const std::string& json);  // the profile in force
  void add_origin_rules(const std::string& name, const std::string& json);  // origin rules in force
  // Provenance decided after the walk (app/case_provenance): the items that have one, in walk
  // order, a slice at a time (so that rewriting them never races an open read), and the rewrite
  // of one item's own_camera, indicator and signals.
  // `located` holds the item's path and device_path only. `with_camera_id`: only the items whose
  // EXIF names a camera (the only ones own cameras can change).
  void for_each_provenance(const std::function<void(std::uint64_t id, std::uint32_t source_index,
                                                   const ItemRecord& located, const Provenance&)>& visit,
                           bool with_camera_id = false) const;
  void update_provenance(std::uint64_t id, const Provenance& provenance);
  // The case as the lab index reads it (case_lab_rows.cpp): every item in walk order, and every
  // sampled video frame's PDQ hash.
  void for_each_lab_item(const std::function<void(const LabItem&)>& visit) const;
  void for_each_frame(const std::function<void(const LabFrame&)>& visit) const;
  // Own camera, indicator and signals of every item with a provenance and a camera id decided
  // again by `decide`, inside one UPDATE (no row goes out to C++ and back: a per-row round trip
  // cost more than the rest of provenance on a tree of small pictures). `decide` reads origin,
  // camera_id, front_camera and signals, and may change own_camera, indicator and signals only.
  // Returns the number of items it changed.
  std::uint64_t redecide_camera_items(const std::function<void(Provenance&)>& decide);
  // The camera ids of the camera-roll items (origin camera) as recorded, with their item counts.
  std::vector<std::pair<std::string, std::uint64_t>> camera_roll_counts() const;
  // The rows of the device media databases the walk read (Photos.sqlite, external.db), in walk order.
  void for_each_device_media(const std::function<void(std::uint32_t source_index, DeviceDatabase kind,
                                                      const std::string& media_root, const DeviceMediaRow& row)>& visit) const;
  // Near-duplicate clusters decided after the walk (app/case_clusters): every still image and
  // video in walk order with its digests and PDQ hashes (empty when none; a video's are its
  // frames', visited before it by for_each_frame_pdq), then each item's cluster written.
  void for_each_cluster_member(const std::function<void(std::uint64_t id, const std::string& sha1,
                                                        const std::string& sha256, const std::string& pdq,
                                                        std::optional<int> quality, const std::string& pdq_mirror)>&
                                   visit) const;
  void for_each_frame_pdq(const std::function<void(std::uint64_t item_id, const std::string& pdq, int quality)>& visit) const;
  void set_cluster(std::uint64_t id, const std::string& cluster, std::uint64_t size);
  void set_case_details(const CaseDetails& details);                   // case_info keys; empty ones skipped
  void add_item(const ItemRecord& item);
  void add_problem(const WalkProblem& problem);  // a source_integrity row is no walk position
  void commit();  // ends the open batch transaction, if any
  void end_run(const std::string& status, const std::string& ended_utc);
  // Seconds from the run's start to its first alert (app/alert_log.h); a resumed run keeps the
  // first run's figure when it had one.
  void record_first_alert(double seconds);
  // The re-read after the walk: its digests and the verdict (see SourceInfo::integrity).
  // A disk image's first media digests, read beside the walk or after it (SourceInfo::media_read).
  void record_source_digests(const SourceInfo& source);
  void record_source_verification(std::uint32_t index, const Digests& after, Integrity integrity,
                                  const std::string& note);

  // Reading back (CaseReader), in walk order; for_each_item_of throws sqlite::Error for a position
  // the case does not hold.
  void for_each_item(const std::function<void(const ItemRecord&)>& visit) const override;
  void for_each_item_of(const std::vector<std::uint64_t>& seqs,
                        const std::function<void(const ItemRecord&)>& visit) const override;
  void for_each_problem(const std::function<void(const WalkProblem&)>& visit) const override;
  void for_each_walk_problem(const std::function<void(const WalkProblem&)>& visit) const;  // no item's
  std::vector<RunSummary> runs() const override;
  std::vector<CaseHashSet> hash_sets() const override;
  CaseDetails case_details() const override;  // (a case made before case_info reads as not recorded)
  std::vector<SourceInfo> sources() const override;
  std::vector<CaseProfileText> profiles() const override;
  std::vector<AnalystGrade> grades() const override;  // empty when `triage grade` never ran

 private:
  explicit CaseStore(sqlite::Db db);
  void begin_batch();
  void add_device_media(const ItemRecord& item);  // its device_media rows, in the open batch
  void prepare_writes();  // the insert statements of a run being written
  std::string item_select() const;  // the items select list, NULL for columns an older case lacks

  sqlite::Db db_;
  std::int64_t run_id_ = 0;
  bool in_batch_ = false;
  void add_position(std::uint64_t seq, std::uint32_t source, WalkKey key);
  std::unique_ptr<sqlite::Statement> insert_item_, insert_match_, insert_error_, insert_position_;
  std::unique_ptr<sqlite::Statement> update_provenance_;  // made at the first update
  std::unique_ptr<sqlite::Statement> update_cluster_;     // made at the first update
  std::unique_ptr<sqlite::Statement> insert_video_, insert_frame_;  // video items with --video-fps
};

}  // namespace triage
