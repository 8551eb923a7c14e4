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

#include "core/item.h"
#include "formats/casedb/case_details.h"
#include "formats/casedb/sqlite_handle.h"

namespace triage {

inline constexpr int kCaseSchemaVersion = 3;  // 2: disk-image item facts, source integrity; 3: NTFS $FILE_NAME times, overwritten

struct RunInfo {
  std::string started_utc;
  std::string command_line;
  std::string options_json;  // the options in force, for reproduction
  unsigned jobs = 1;
};

struct SourceInfo {
  std::uint32_t index = 0;
  std::string path;  // as given
  std::string kind;  // "directory", "disk_image", "block_device"
  // Disk images and devices only:
  std::string image_format;            // libtsk's type: raw, ewf, vhdi, vmdk...
  std::vector<std::string> segments;   // every file the image was read from
  std::optional<std::uint64_t> media_size;
  Digests media;                       // whole-media digests before the walk (empty when not hashed)
  Digests verified;                    // the re-read after the walk (read back from case.db only)
  std::optional<std::string> stored_md5;  // E01: MD5 recorded at acquisition
  // "not_applicable" (folders), "skipped" (--no-source-hash), "verified", "changed", "unreadable"
  std::string integrity = "not_applicable";
  std::string integrity_note;          // one line for the report
};

// A hash set used by a run, with its provenance.
struct CaseHashSet {
  std::string name, role, format, version, source_file, source_sha256;
  std::uint64_t record_count = 0;
  std::string imported_utc;
};

struct RunSummary {
  std::int64_t id = 0;
  std::string started_utc, ended_utc, status, command_line, tool_version, git_commit;
  std::string options_json;  // RunInfo::options_json as recorded
  std::int64_t jobs = 0;
};

// The profile a run used, as its JSON text was kept.
struct CaseProfileText {
  std::string name, json;
};

class CaseStore {
 public:
  // Creates a new case database; throws sqlite::Error if one with a run already exists.
  static std::unique_ptr<CaseStore> create(const std::filesystem::path& file);
  // Opens a case database for writing, creating its schema when the file is new or empty
  // (--resume: a scan killed before its run was recorded left such a file).
  static std::unique_ptr<CaseStore> open_or_create(const std::filesystem::path& file);
  // Opens an existing case read-only (for reports).
  static std::unique_ptr<CaseStore> open_read_only(const std::filesystem::path& file);

  std::int64_t begin_run(const RunInfo& run, const std::vector<SourceInfo>& sources);
  // --resume: the last run continues (status back to running, source verification rows
  // dropped to be made again); `resumed` is recorded in the resumes table.
  void resume_run(const RunInfo& resumed, std::uint64_t committed);
  std::optional<RunSummary> last_run() const;
  // Visits the path at each walk position committed so far, in walk order, and returns their
  // count; throws sqlite::Error when they are not a prefix [0, n) (no case a triage writer left).
  std::uint64_t for_each_committed_position(const std::function<void(const std::string&)>& visit) const;
  void add_hash_set(const CaseHashSet& set);                        // after begin_run
  void add_profile(const std::string& name, const std::string& json);  // the profile in force
  void set_case_details(const CaseDetails& details);                   // case_info keys; empty ones skipped
  void add_item(const ItemRecord& item);
  void add_problem(const WalkProblem& problem);
  void commit();  // ends the open batch transaction, if any
  void end_run(const std::string& status, const std::string& ended_utc);
  // The re-read after the walk: its digests and the verdict (see SourceInfo::integrity).
  void record_source_verification(std::uint32_t index, const Digests& after, const std::string& integrity,
                                  const std::string& note);

  // Reading back, in walk order.
  void for_each_item(const std::function<void(const ItemRecord&)>& visit) const;
  // The items of the given walk positions, in the order given; throws sqlite::Error for a
  // position the case does not hold.
  void for_each_item_of(const std::vector<std::uint64_t>& seqs,
                        const std::function<void(const ItemRecord&)>& visit) const;
  void for_each_problem(const std::function<void(const WalkProblem&)>& visit) const;
  void for_each_walk_problem(const std::function<void(const WalkProblem&)>& visit) const;  // no item's
  std::vector<RunSummary> runs() const;
  std::vector<CaseHashSet> hash_sets() const;
  CaseDetails case_details() const;  // empty fields when not recorded (or a case made before case_info)
  std::vector<SourceInfo> sources() const;        // in source order
  std::vector<CaseProfileText> profiles() const;  // in run order

 private:
  explicit CaseStore(sqlite::Db db);
  void begin_batch();
  void prepare_writes();  // the insert statements of a run being written

  sqlite::Db db_;
  std::int64_t run_id_ = 0;
  bool in_batch_ = false;
  std::unique_ptr<sqlite::Statement> insert_item_, insert_match_, insert_error_;
  std::unique_ptr<sqlite::Statement> insert_video_, insert_frame_;  // video items with --video-fps
};

}  // namespace triage
