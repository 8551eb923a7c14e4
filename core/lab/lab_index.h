#pragma once
// The lab index (issue 23): what every case of a forensic unit found, in one database, so that
// the same content or the same camera is seen across cases and exhibits. The model and the
// interface here; formats/labdb/ keeps it in SQLite. A case is a case directory (one exhibit);
// adding one again replaces it, atomically.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/item.h"

namespace triage {

// One case directory as the lab knows it.
struct LabCase {
  std::string uid;          // stable identity of the case (app/lab_job.h: its first run), whatever its folder
  std::string case_ref, exhibit_ref, examiner;
  std::string case_dir;     // where it was added from
  std::string added_utc;
  std::uint64_t items = 0;
};

// One item of a case, as much as searching and linking needs.
struct LabItem {
  std::uint64_t seq = 0;    // the item's walk position in its case (report.json's seq)
  std::string path;         // its evidence path
  std::uint64_t size = 0;
  std::string media_type;   // image, video, other
  std::string md5, sha1, sha256;
  std::string pdq;          // 64 hex digits; empty when none
  std::optional<int> pdq_quality;
  std::string category;     // the case's category label
  std::string basis;        // how hash sets decided it: the hash types of its matches ("sha1", "pdq"...), or empty
  std::string camera_id;    // provenance camera id, when the case has one
  std::string indicator;    // provenance indicator, when the case has one
};

// A sampled video frame's PDQ hash.
struct LabFrame {
  std::uint64_t seq = 0;    // the video item's seq
  std::int64_t frame = 0;
  std::string pdq;
  int quality = 0;
};

// A search answer: an item of a case.
struct LabHit {
  LabCase lab_case;
  LabItem item;
  std::optional<int> distance;        // PDQ searches
  std::optional<std::int64_t> frame;  // a video frame's hash came closest
};

// What `triage lab links` finds: the same content, or the same camera, in more than one case.
struct LabLink {
  std::string kind;  // "content" (exact copies: one SHA-1), "near_duplicate" (PDQ), "camera_id"
  std::string key;   // the SHA-1; the first member's SHA-256 (or path); the camera id
  std::vector<LabHit> members;  // in case uid then seq order
  std::size_t cases = 0;        // distinct cases among the members
};

class LabIndex {
 public:
  virtual ~LabIndex() = default;
  // What put_case's filler hands its rows to.
  class CaseRows {
   public:
    virtual ~CaseRows() = default;
    virtual void item(const LabItem& item) = 0;
    virtual void frame(const LabFrame& frame) = 0;
  };
  // Replaces the case of the same uid (or adds it) with the rows `fill` gives: all of it or
  // nothing (an exception from `fill` leaves the lab as it was). lab_case.items is counted here.
  virtual void put_case(const LabCase& lab_case, const std::function<void(CaseRows&)>& fill) = 0;
  virtual std::vector<LabCase> cases() const = 0;
  // Items whose digest of `type` (md5, sha1, sha256) is `hex` (lower case), or whose camera id is
  // `camera_id`, in the order of the cases' uids then seq.
  virtual std::vector<LabHit> find_digest(HashType type, const std::string& hex) const = 0;
  virtual std::vector<LabHit> find_camera(const std::string& camera_id) const = 0;
  // The item `seq` of the case `uid`, with its case; nullopt when the lab holds none.
  virtual std::optional<LabHit> find_item(const std::string& uid, std::uint64_t seq) const = 0;
  // Every item, and every video frame hash, with the uid of its case: cases by uid, items by seq.
  virtual void for_each_item(const std::function<void(const std::string& uid, const LabItem&)>& visit) const = 0;
  virtual void for_each_frame(const std::function<void(const std::string& uid, const LabFrame&)>& visit) const = 0;
};

}  // namespace triage
