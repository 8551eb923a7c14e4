#pragma once
// The case as a record: who it is for, the runs of `triage scan` that made it, their sources and
// hash sets, the analyst grades given after it. formats/casedb stores it in case.db; the reports
// read it through CaseReader, never from SQLite themselves.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/item.h"

namespace triage {

// Who the case is for: given on the command line, kept in case.db (table case_info), printed
// in every report. Empty means "not recorded".
struct CaseDetails {
  std::string case_ref, exhibit_ref, examiner, organisation;
  std::string time_zone;  // the examiner's machine's local time zone at the scan (local_time_zone())
};

// What a source given to `triage scan` is: a folder is walked as it is; a regular file or a
// block device is a disk image read through libtsk.
// archive: an archive given as the source itself (a phone extraction's ZIP): walked as its one
// file, its members inside, like a folder's files.
enum class SourceKind { directory, disk_image, block_device, archive };
const char* to_string(SourceKind kind);  // "directory", "disk_image", "block_device", "archive"
// A folder, or an archive given as the source: walked file by file, each file digested; no
// whole-media digest, re-read file by file by triage verify.
inline bool walked_as_files(SourceKind kind) { return kind == SourceKind::directory || kind == SourceKind::archive; }
std::optional<SourceKind> parse_source_kind(std::string_view text);

// A disk image's integrity verdict (ACPO principle 1): its media digests before and after the walk.
enum class Integrity {
  not_applicable,        // a folder: its files' digests are the record
  skipped,               // --no-source-hash
  pending,               // hashed before the walk, the re-read after it not done yet
  verified,              // the same digests after the walk (and an E01's acquisition MD5)
  changed,               // different digests after the walk, or unreadable then
  unreadable,            // the image could not be hashed before the walk
  not_verified,          // the scan was interrupted before the re-read
  acquisition_mismatch,  // an E01's media MD5 differs from the MD5 stored at acquisition
};
const char* to_string(Integrity integrity);  // the names above, as case.db and report.json spell them
std::optional<Integrity> parse_integrity(std::string_view text);
bool integrity_failed(Integrity integrity);  // changed, unreadable, acquisition_mismatch

// A library the running triage uses, and its version (libtsk, OpenCV...): what a court may ask.
struct LibraryVersion {
  std::string name, version;
};

struct RunInfo {
  std::string started_utc;
  std::string command_line;
  std::string options_json;  // the options in force, for reproduction
  unsigned jobs = 1;
  std::vector<LibraryVersion> libraries;  // those of the triage that runs
};

struct SourceInfo {
  std::uint32_t index = 0;
  std::string path;  // as given
  SourceKind kind = SourceKind::directory;
  // Disk images and devices only:
  std::string image_format;            // libtsk's type: raw, ewf, vhdi, vmdk...
  std::vector<std::string> segments;   // every file the image was read from
  std::optional<std::uint64_t> media_size;
  Digests media;                       // whole-media digests before the walk (empty when not hashed)
  // When `media` was read: "before_walk", "beside_walk" (the default: the walk did not wait for
  // it) or "after_walk" (--budget: after the triage work); empty when not hashed.
  std::string media_read;
  Digests verified;                    // the re-read after the walk (read back from case.db only)
  std::optional<std::string> stored_md5;  // E01: MD5 recorded at acquisition
  Integrity integrity = Integrity::not_applicable;
  std::string integrity_note;          // one line for the report
};

// A hash set used by a run, with its provenance.
struct CaseHashSet {
  std::string name;
  HashSetRole role = HashSetRole::alert;
  std::string format, version, source_file, source_sha256;
  std::uint64_t record_count = 0;
  std::string imported_utc;
};

struct RunSummary {
  std::int64_t id = 0;
  std::string started_utc, ended_utc, status, command_line, tool_version, git_commit;
  std::string options_json;  // RunInfo::options_json as recorded
  std::int64_t jobs = 0;
  std::vector<LibraryVersion> libraries;  // empty for a case made before they were recorded
  std::optional<double> first_alert_s;    // seconds from the start to the first alert; none: no alert
};

// The profile a run used, as its JSON text was kept.
struct CaseProfileText {
  std::string name, json;
};

// An analyst grade (`triage grade`): table grades of case.db, added after the scan and never
// changing what the scan recorded.
struct AnalystGrade {
  std::int64_t id = 0;          // order of recording: a later grade of the same hash wins
  HashType hash_type = HashType::sha1;  // sha1 or md5
  std::string hash;             // lower-case hex
  std::string code;             // a category code of the case's profile
  std::string grader, note;     // note may be empty
  std::string graded_utc;       // when `triage grade` recorded it
  std::string source_file;      // the GRADES.csv it came from, as given
  std::uint64_t source_line = 0;
};

// The case as the reports read it, in walk order where there is one. Implemented by
// formats/casedb's CaseStore over case.db.
class CaseReader {
 public:
  virtual ~CaseReader() = default;
  virtual CaseDetails case_details() const = 0;  // empty fields when not recorded
  virtual std::vector<RunSummary> runs() const = 0;
  virtual std::vector<SourceInfo> sources() const = 0;        // in source order
  virtual std::vector<CaseHashSet> hash_sets() const = 0;
  virtual std::vector<CaseProfileText> profiles() const = 0;  // in run order
  virtual std::vector<AnalystGrade> grades() const = 0;       // in the order recorded
  virtual void for_each_item(const std::function<void(const ItemRecord&)>& visit) const = 0;
  // The items of the given walk positions, in the order given; throws for a position the case
  // does not hold.
  virtual void for_each_item_of(const std::vector<std::uint64_t>& seqs,
                                const std::function<void(const ItemRecord&)>& visit) const = 0;
  // Every error and notice row (an item's problems and the walk's), in walk order.
  virtual void for_each_problem(const std::function<void(const WalkProblem&)>& visit) const = 0;
};

}  // namespace triage
