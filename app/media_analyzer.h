#pragma once
// The worker stages for one item: identification, digests, EXIF. One analyzer per worker
// (it owns a libmagic handle, which is not thread-safe).
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/match/pdq_matcher.h"
#include "core/match/video_matcher.h"
#include "core/pipeline/random_access_reader.h"
#include "core/pipeline/scan_pipeline.h"
#include "core/provenance/provenance.h"
#include "formats/image/face_counter.h"
#include "formats/video/video_decoder.h"

namespace triage {

class AlertLog;
class ContentMemo;
class ItemBudget;
class MagicMime;
class OriginRuleSet;
class OwnCameras;
class DigestMatcher;
class PdqMatcher;
class ThumbnailStore;
class ParallelMultiDigest;
struct CategoryProfile;

// Shared, read-only state for every worker of a scan.
struct AnalysisContext {
  bool all_files = false;                    // digest every file, not only media
  const DigestMatcher* matcher = nullptr;    // hash sets; null when none were given
  const PdqMatcher* pdq_matcher = nullptr;   // their PDQ hashes; null or empty when none
  PdqMatchOptions pdq_options;
  const CategoryProfile* profile = nullptr;  // null: items get no category
  bool perceptual = true;                    // PDQ for still images
  std::uint64_t max_pixels = 64'000'000;     // larger images are not decoded (decompression bombs)
  // Per-item wall-clock budget (--item-timeout; zero: none). Checked between stages: when it is
  // spent the remaining stages are skipped and the item gets a "time_budget" problem. A video's
  // decoding is bounded by it too (VideoOptions::max_time); one image decode by max_pixels.
  std::chrono::microseconds item_budget{0};
  bool video = false;                        // video metadata and sampled frame PDQ hashes
  VideoOptions video_options;                // sampling rate and per-video budgets
  // Known videos' frame hashes (vPDQ); null or empty when none. Sampled frames are also matched
  // against pdq_matcher (a known still image inside a video).
  const VideoMatcher* video_matcher = nullptr;
  VideoMatchOptions video_match_options;
  // Provenance of still images and videos (core/provenance): the origin rules in force (null:
  // none assessed), the examiner's own cameras (null or none named: the indicator is decided again
  // after the walk, from the camera roll), and each source's path as its items are written.
  const OriginRuleSet* origin_rules = nullptr;
  const OwnCameras* own_cameras = nullptr;
  std::vector<SourceRoot> source_roots;  // by source index
  // Frontal faces of still images (--faces), with this OpenCV cascade; recorded in provenance.
  bool faces = false;
  std::filesystem::path face_model;
  // Thumbnails of still images, one per distinct content (null: none).
  ThumbnailStore* thumbnails = nullptr;
  // Matches against alert sets are raised here the moment they are found (null: not raised).
  // Streamed files' exact matches are raised by the walker (ContentPolicy::streamed_digested).
  AlertLog* alerts = nullptr;
  // Decoded results of each content, for its other copies (null: every copy decoded).
  ContentMemo* memo = nullptr;
};

// The walkers' hook for large files' digests (ContentPolicy::streamed_digested): their exact
// matches against alert sets raised before anything of them is decoded.
std::function<void(const ItemRecord&, const Digests&)> walker_alert_check(const DigestMatcher& matcher,
                                                                           AlertLog& alerts);

// The walkers' hook for videos too large to be handed over in memory (ContentPolicy::large_video):
// their frames are hashed through the walker's reader, on the walker's thread.
std::function<void(RandomAccessReader&, ItemRecord&)> walker_video_hasher(const VideoOptions& options);

class MediaAnalyzer final : public ItemProcessor {
 public:
  explicit MediaAnalyzer(const AnalysisContext& context);
  ~MediaAnalyzer() override;
  void process(WalkedItem& item) override;
  void scout(WalkedItem& item) override;  // digests, and the alerts their exact matches raise

 private:
  // The decoding stages (PDQ, faces, video frames, thumbnails), or a copy's results reused.
  void decode(WalkedItem& item, const MediaKind& kind, ItemBudget& budget, std::vector<ItemMatch>& probable,
              std::optional<FaceCount>& faces);
  bool memo_applies(const WalkedItem& item, const MediaKind& kind) const;
  void hash_video(WalkedItem& item);
  std::vector<ItemMatch> hash_still(const GreyImage& grey, ItemRecord& record) const;  // probable matches
  std::optional<FaceCount> count_faces(const GreyImage& grey, const MediaKind& kind, ItemRecord& record);
  void write_thumbnail(const GreyImage& grey, const MediaKind& kind, ItemRecord& record) const;
  void write_video_strip(ItemRecord& record) const;
  std::vector<ItemMatch> match_frames(const ItemRecord& record) const;
  void assess_provenance(ItemRecord& record) const;
  std::string location_of(const ItemRecord& record) const;  // what the origin rules read
  void read_device_database(WalkedItem& item) const;

  const AnalysisContext& context_;
  std::unique_ptr<MagicMime> magic_;
  std::unique_ptr<ParallelMultiDigest> two_thread_digest_;  // made on first large file
  std::unique_ptr<FaceCounter> face_counter_;                // loaded on the first still image
};

}  // namespace triage
