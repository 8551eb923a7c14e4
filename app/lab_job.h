#pragma once
// `triage lab`: finished case directories loaded into a lab index (core/lab), searched by digest,
// PDQ hash or camera id, and linked: the same content, or the same camera, in more than one case.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/lab/lab_index.h"
#include "core/match/hash256.h"
#include "core/match/mih_index.h"

namespace triage {

// A case directory the lab cannot take (missing, damaged, another schema, not finished): named
// with the reason; the lab is left as it was for it.
class LabCaseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct LabAdded {
  std::string case_dir, uid;
  std::uint64_t items = 0, frames = 0;
  bool replaced = false;  // the lab held it already
};

// Reads the finished case in `case_dir` and puts it in `lab` (replacing the same case).
LabAdded add_case_to_lab(LabIndex& lab, const std::filesystem::path& case_dir);

// PDQ search over every hash of the lab (still images and video frames), through the
// multi-index hash search: built once, then any number of queries.
class LabPdqSearch {
 public:
  // `lab` must outlive the search (the hits' items are read from it).
  explicit LabPdqSearch(const LabIndex& lab, int min_quality = 0);
  // Items with a hash within `distance` of `query`, closest first (then case uid, seq); a video
  // once, by its closest frame.
  std::vector<LabHit> search(const match::Hash256& query, int distance) const;
  std::size_t size() const { return refs_.size(); }
  // The index's arrays and the hashes' references (the items are read from the lab per hit).
  std::size_t memory_bytes() const {
    return (index_ ? index_->memory_bytes() : 0) + refs_.capacity() * sizeof(Ref);
  }

 private:
  // A hash's item, in 16 bytes (ten million lab hashes once held their whole items: gigabytes).
  struct Ref {
    std::uint64_t seq;
    std::uint32_t case_index;  // into uids_
    std::int32_t frame;        // a video frame's number, or kStill
  };
  static constexpr std::int32_t kStill = -1;
  const LabIndex& lab_;
  std::vector<std::string> uids_;
  std::vector<Ref> refs_;
  std::unique_ptr<match::MihIndex> index_;
};

// Content in more than one case and camera ids seen in more than one case, the most widespread
// first (core/lab/lab_index.h, LabLink).
std::vector<LabLink> lab_links(const LabIndex& lab, int pdq_distance, int min_quality);

}  // namespace triage
