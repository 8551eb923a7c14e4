#include "core/match/video_matcher.h"

#include <algorithm>
#include <unordered_set>

#include "core/match/mih_index.h"
#include "core/match/pdq_matcher.h"

namespace triage {
namespace {

struct Hash256Hasher {
  std::size_t operator()(const match::Hash256& h) const noexcept {
    return static_cast<std::size_t>(h.w[0] ^ (h.w[1] * 0x9e3779b97f4a7c15ULL) ^ (h.w[2] << 1) ^ h.w[3]);
  }
};

double percent(std::size_t part, std::size_t whole) {
  return whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

}  // namespace

std::vector<match::Hash256> distinct_good_frames(std::span<const VideoFrameHash> frames, int min_quality) {
  std::vector<match::Hash256> out;
  std::unordered_set<match::Hash256, Hash256Hasher> seen;
  for (const auto& f : frames) {
    if (f.pdq.quality < min_quality) continue;
    const auto h = to_hash256(f.pdq.hash);
    if (seen.insert(h).second) out.push_back(h);
  }
  return out;
}

VideoCoverage frame_coverage(std::span<const match::Hash256> seized, std::span<const match::Hash256> known,
                             int max_distance) {
  std::vector<bool> known_hit(known.size(), false);
  std::size_t seized_hits = 0;
  for (const auto& s : seized) {
    bool hit = false;
    for (std::size_t k = 0; k < known.size(); ++k) {
      if (match::popcount_distance(s, known[k]) <= max_distance) {
        hit = true;
        known_hit[k] = true;
      }
    }
    seized_hits += hit ? 1 : 0;
  }
  VideoCoverage c;
  c.seized_frames = seized.size();
  c.known_frames = known.size();
  c.seized_percent = percent(seized_hits, seized.size());
  c.known_percent = percent(static_cast<std::size_t>(std::count(known_hit.begin(), known_hit.end(), true)),
                            known.size());
  return c;
}

VideoMatcher::VideoMatcher() = default;
VideoMatcher::~VideoMatcher() = default;
VideoMatcher::VideoMatcher(VideoMatcher&&) noexcept = default;
VideoMatcher& VideoMatcher::operator=(VideoMatcher&&) noexcept = default;

std::uint32_t VideoMatcher::add_set(HashSetRef set) {
  sets_.push_back(std::move(set));
  return static_cast<std::uint32_t>(sets_.size() - 1);
}

bool VideoMatcher::add_video(std::uint32_t set, std::string_view media_id, std::string_view category,
                             std::span<const VideoFrameHash> frames, int min_quality) {
  auto distinct = distinct_good_frames(frames, min_quality);
  if (distinct.empty()) return false;
  const auto video = static_cast<std::uint32_t>(videos_.size());
  videos_.push_back({set, texts_.intern(media_id), texts_.intern(category), static_cast<std::uint32_t>(pending_.size()),
                     static_cast<std::uint32_t>(distinct.size())});
  pending_.insert(pending_.end(), distinct.begin(), distinct.end());
  video_of_frame_.insert(video_of_frame_.end(), distinct.size(), video);
  return true;
}

void VideoMatcher::build() {
  texts_.shrink_to_fit();
  if (pending_.empty()) return;
  index_ = std::make_unique<match::MihIndex>(std::move(pending_));
  pending_ = {};
}

std::vector<ItemMatch> VideoMatcher::match(std::span<const VideoFrameHash> frames,
                                           const VideoMatchOptions& options) const {
  if (!index_ || options.max_distance < 0) return {};
  const auto seized = distinct_good_frames(frames, options.min_quality);
  if (seized.empty()) return {};
  // Per known video: how many seized frames hit it; the known frames hit (ids, duplicates
  // removed below). Only videos with a hit are touched, so the cost follows the hits.
  std::vector<std::uint32_t> seized_hits(videos_.size(), 0);
  std::vector<std::uint32_t> known_hit_ids;
  std::vector<std::uint32_t> videos_of_query;
  for (const auto& s : seized) {
    videos_of_query.clear();
    for (const auto& m : index_->search(s, options.max_distance)) {
      known_hit_ids.push_back(m.id);
      videos_of_query.push_back(video_of_frame_[m.id]);
    }
    std::sort(videos_of_query.begin(), videos_of_query.end());
    videos_of_query.erase(std::unique(videos_of_query.begin(), videos_of_query.end()), videos_of_query.end());
    for (const auto v : videos_of_query) ++seized_hits[v];
  }
  std::sort(known_hit_ids.begin(), known_hit_ids.end());
  known_hit_ids.erase(std::unique(known_hit_ids.begin(), known_hit_ids.end()), known_hit_ids.end());
  std::vector<std::uint32_t> known_hits(videos_.size(), 0);
  for (const auto id : known_hit_ids) ++known_hits[video_of_frame_[id]];

  std::vector<ItemMatch> out;
  for (std::size_t v = 0; v < videos_.size(); ++v) {
    if (known_hits[v] == 0) continue;
    const Video& video = videos_[v];
    const double known = percent(known_hits[v], video.frame_count);
    if (known < options.min_known_percent) continue;
    ItemMatch m;
    m.set = sets_[video.set].name;
    m.role = sets_[video.set].role;
    m.hash_type = HashType::vpdq;
    m.media_id = texts_.view(video.media_id);
    m.category = texts_.view(video.category);
    m.seized_percent = percent(seized_hits[v], seized.size());
    m.known_percent = known;
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace triage
