#pragma once
// What decoding a content gave, kept for the other copies of the same content in the scan: the
// PDQ hashes and their probable matches, faces, a video's facts and frame hashes, and the
// problems decoding met. A copy (same size and SHA-1) is then not decoded again; it is still its
// own item, with its own path, file-system facts, EXIF and provenance. The results are those
// decoding would give again (each stage is deterministic), so outputs do not depend on which
// copy a worker met first; two copies met at the same moment are both decoded.
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/item.h"
#include "formats/image/face_counter.h"

namespace triage {

struct DecodedContent {
  std::string pdq, pdq_mirror;
  std::optional<int> pdq_quality;
  std::vector<ItemMatch> probable;  // against the hash sets' PDQ and video hashes
  std::optional<FaceCount> faces;
  std::optional<VideoFacts> video;
  std::vector<VideoFrameHash> frames;
  std::vector<ItemProblem> problems;  // what decoding the content met (each copy gets them too)
};

class ContentMemo {
 public:
  // The decoded results of content of this size and SHA-1, when a copy was decoded before.
  std::optional<DecodedContent> find(std::uint64_t size, const std::string& sha1) const;
  void keep(std::uint64_t size, const std::string& sha1, DecodedContent decoded);
  std::uint64_t reused() const;  // copies that were not decoded again

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, DecodedContent> by_key_;
  mutable std::uint64_t reused_ = 0;
};

}  // namespace triage
