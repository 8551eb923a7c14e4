#pragma once
// Video-to-video matching by frame coverage (vPDQ): a seized video's sampled frame hashes against
// known videos' frame hashes. As the vPDQ reference (facebook/ThreatExchange vpdq, README
// "Matching" and cpp/hashing/matchTwoHash.cpp): frames with quality below the threshold are
// dropped, equal hashes kept once, and each side's share of frames that have a frame of the other
// side within the Hamming distance is a percentage. A seized video "is" a known one when enough
// of the known video's distinct frames are found in it, so a clip cut from a longer known video
// is found too, while the reverse share says how much of the seized video is the known one.
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "core/item.h"
#include "core/match/digest_matcher.h"
#include "core/match/hash256.h"
#include "core/match/text_pool.h"

namespace triage {

namespace match {
class MihIndex;
}

struct VideoMatchOptions {
  int max_distance = 31;            // frames within this Hamming distance (inclusive) are the same
  int min_quality = 50;             // frames with a lower PDQ quality are left out on both sides
  double min_known_percent = 80.0;  // the rule: this share of the known video's frames found
};

struct VideoCoverage {
  double seized_percent = 0;  // of the seized video's distinct good frames, near a known frame
  double known_percent = 0;   // of the known video's distinct good frames, near a seized frame
  std::size_t seized_frames = 0, known_frames = 0;  // distinct good frames on each side
};

// The frames with quality >= min_quality, each distinct hash once, in first-seen order.
std::vector<match::Hash256> distinct_good_frames(std::span<const VideoFrameHash> frames, int min_quality);

// Both shares by brute force over two distinct frame lists (0 for an empty side).
VideoCoverage frame_coverage(std::span<const match::Hash256> seized, std::span<const match::Hash256> known,
                             int max_distance);

// Known videos of the loaded hash sets, indexed frame by frame (one multi-index over every known
// frame); built once, then shared read-only by the workers.
class VideoMatcher {
 public:
  VideoMatcher();
  ~VideoMatcher();
  VideoMatcher(VideoMatcher&&) noexcept;
  VideoMatcher& operator=(VideoMatcher&&) noexcept;

  std::uint32_t add_set(HashSetRef set);
  // One known video: its frames are filtered and de-duplicated with options.min_quality here.
  // Returns false (and adds nothing) when no frame is left.
  bool add_video(std::uint32_t set, std::string_view media_id, std::string_view category,
                 std::span<const VideoFrameHash> frames, int min_quality);
  void build();

  // One "vpdq" match per known video whose share of frames found reaches min_known_percent, in
  // load order, with both percentages.
  std::vector<ItemMatch> match(std::span<const VideoFrameHash> frames, const VideoMatchOptions& options) const;

  std::size_t video_count() const { return videos_.size(); }
  bool empty() const { return videos_.empty(); }

 private:
  struct Video {
    std::uint32_t set;
    std::uint32_t media_id, category;  // TextPool ids
    std::uint32_t first_frame, frame_count;  // its distinct frames in the index
  };
  std::vector<HashSetRef> sets_;
  std::vector<Video> videos_;
  std::vector<std::uint32_t> video_of_frame_;
  std::vector<match::Hash256> pending_;
  TextPool texts_;
  std::unique_ptr<match::MihIndex> index_;
};

}  // namespace triage
