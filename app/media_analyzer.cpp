#include "app/media_analyzer.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <iterator>
#include <string_view>

#include "app/alert_log.h"
#include "app/content_memo.h"
#include "app/thumbnail_store.h"
#include "core/category/profile.h"
#include "core/digest/digests.h"
#include "core/evidence/evidence_path.h"
#include "core/match/digest_matcher.h"
#include "core/media/sniff.h"
#include "core/provenance/provenance.h"
#include "formats/devicedb/device_media_reader.h"
#include "formats/exif/exif_reader.h"
#include "formats/filetype/magic_mime.h"
#include "formats/image/face_counter.h"
#include "formats/image/image_pdq.h"
#include "formats/image/thumbnail.h"

namespace triage {

// The item's time budget: spent() records, once, which stage it stopped before.
class ItemBudget {
 public:
  ItemBudget(std::chrono::microseconds budget, ItemRecord& record)
      : budget_(budget), record_(record), start_(std::chrono::steady_clock::now()) {}
  bool spent(const char* next_stage) {
    if (budget_.count() <= 0) return false;
    if (stopped_) return true;
    const auto used = std::chrono::steady_clock::now() - start_;
    if (used <= budget_) return false;
    stopped_ = true;
    record_.problems.push_back(
        {"time_budget", fmt::format("item time budget of {:.3f} s (--item-timeout) spent after {:.3f} s: {} not done",
                                    std::chrono::duration<double>(budget_).count(),
                                    std::chrono::duration<double>(used).count(), next_stage)});
    return true;
  }

 private:
  std::chrono::microseconds budget_;
  ItemRecord& record_;
  std::chrono::steady_clock::time_point start_;
  bool stopped_ = false;
};

namespace {

constexpr std::size_t kTwoThreadDigestBytes = 512u << 10;

// What hashing a video's frames gave, into its record.
void record_video(Result<VideoHashes> hashes, const VideoOptions& options, ItemRecord& record) {
  if (!hashes) {
    record.problems.push_back({hashes.error().stage, hashes.error().message});
    return;
  }
  record.video = VideoFacts{hashes->info, hashes->decoded_frames, options.fps, hashes->frames.size()};
  record.frames = std::move(hashes->frames);
  record.strip = std::move(hashes->strip);
  if (hashes->incomplete) record.problems.push_back({hashes->incomplete->stage, hashes->incomplete->message});
}

// The item's thumbnail, made by `make` only for the first item of its content, and stored; a
// failure is the item's problem, never the scan's.
template <typename Make>
void store_thumbnail(ThumbnailStore& store, ItemRecord& record, Make&& make) {
  if (record.digests.sha256.empty() || !store.claim(record.digests.sha256)) return;  // a copy's is made
  auto jpeg = make();
  if (!jpeg) {
    record.problems.push_back({jpeg.error().stage, jpeg.error().message});
    return;
  }
  try {
    store.write(record.digests.sha256, jpeg.value());
  } catch (const std::exception& e) {
    record.problems.push_back({"thumbnail", e.what()});
  }
}

}  // namespace

std::function<void(RandomAccessReader&, ItemRecord&)> walker_video_hasher(const VideoOptions& options) {
  return [options](RandomAccessReader& reader, ItemRecord& record) {
    record_video(hash_video_reader(reader, record.size, options), options, record);
  };
}

std::function<void(const ItemRecord&, const Digests&)> walker_alert_check(const DigestMatcher& matcher,
                                                                           AlertLog& alerts) {
  return [&matcher, &alerts](const ItemRecord& record, const Digests& digests) {
    alerts.raise(record, matcher.match(digests));
  };
}

MediaAnalyzer::MediaAnalyzer(const AnalysisContext& context)
    : context_(context), magic_(std::make_unique<MagicMime>()) {}
MediaAnalyzer::~MediaAnalyzer() = default;

void MediaAnalyzer::hash_video(WalkedItem& item) {
  ItemRecord& record = item.record;
  if (item.content.video_examined) return;  // a large video: the walker hashed its frames
  if (!item.content.complete) {
    record.problems.push_back({"video", "video larger than the in-memory limit: frames not hashed"});
    return;
  }
  record_video(hash_video_buffer(item.content.bytes, context_.video_options), context_.video_options, record);
}

std::string MediaAnalyzer::location_of(const ItemRecord& record) const {
  if (record.source_index >= context_.source_roots.size()) return {};
  const auto& root = context_.source_roots[record.source_index];
  return rule_location(record, root.path, root.folder);
}

void MediaAnalyzer::read_device_database(WalkedItem& item) const {
  ItemRecord& record = item.record;
  const auto kind = device_database_of(file_name_of(record.path));
  if (!kind) return;
  auto rows = read_device_media(*kind, item.content.bytes);
  if (!rows) {
    record.problems.push_back({rows.error().stage, rows.error().message});
    return;
  }
  record.device_media = DeviceMediaTable{*kind, device_media_root(*kind, location_of(record)), std::move(*rows)};
}

std::vector<ItemMatch> MediaAnalyzer::hash_still(const GreyImage& grey, ItemRecord& record) const {
  // The dihedral set comes from the same DCT: the mirror image's hash joins mirrored copies into
  // one cluster, the other variants match rotated and mirrored copies against the hash sets.
  const ImagePdqVariants pdq = pdq_variants_of(grey);
  record.pdq = pdq.pdq.hash.to_hex();
  record.pdq_quality = pdq.pdq.quality;
  record.pdq_mirror = pdq.variants[static_cast<std::size_t>(PdqDihedral::flip_y)].to_hex();
  if (context_.pdq_matcher == nullptr || context_.pdq_matcher->empty()) return {};
  return context_.pdq_matcher->match(pdq.variants, pdq.pdq.quality, context_.pdq_options);
}

std::optional<FaceCount> MediaAnalyzer::count_faces(const GreyImage& grey, const MediaKind& kind,
                                                    ItemRecord& record) {
  if (!face_counter_) {
    auto loaded = FaceCounter::load(context_.face_model);
    if (!loaded) {  // checked before the walk; only a file changed since would get here
      record.problems.push_back({loaded.error().stage, loaded.error().message});
      return std::nullopt;
    }
    face_counter_ = std::move(loaded.value());
  }
  auto counted = face_counter_->count(grey, kind, record.exif.orientation);
  if (!counted) {
    record.problems.push_back({counted.error().stage, counted.error().message});
    return std::nullopt;
  }
  return counted.value();
}

void MediaAnalyzer::write_thumbnail(const GreyImage& grey, const MediaKind& kind, ItemRecord& record) const {
  store_thumbnail(*context_.thumbnails, record, [&] { return thumbnail_jpeg(grey, kind, record.exif.orientation); });
}

void MediaAnalyzer::write_video_strip(ItemRecord& record) const {
  const std::vector<SmallFrame> strip = std::move(record.strip);
  record.strip.clear();
  store_thumbnail(*context_.thumbnails, record,
                  [&] { return video_strip_jpeg(strip, record.video ? record.video->info.rotation : 0); });
}

void MediaAnalyzer::assess_provenance(ItemRecord& record) const {
  record.provenance = assess_item(context_.origin_rules, location_of(record), record.exif, record.mime);
  static const OwnCameras none{};
  decide_indicator(*record.provenance, context_.own_cameras != nullptr ? *context_.own_cameras : none);
}

std::vector<ItemMatch> MediaAnalyzer::match_frames(const ItemRecord& record) const {
  std::vector<ItemMatch> out;
  if (record.frames.empty()) return out;
  if (context_.pdq_matcher != nullptr && !context_.pdq_matcher->empty()) {
    // Each sampled frame as it is (no dihedral variants: a video shows a still upright); per
    // record the closest frame is kept, ties to the earliest.
    for (const auto& frame : record.frames) {
      std::array<PdqHash, 8> variants;
      variants.fill(frame.pdq.hash);
      for (auto& m : context_.pdq_matcher->match(variants, frame.pdq.quality, context_.pdq_options)) {
        m.frame = frame.frame;
        m.timestamp = frame.timestamp;
        auto same = std::find_if(out.begin(), out.end(), [&](const ItemMatch& o) {
          return o.set == m.set && o.media_id == m.media_id && o.category == m.category;
        });
        if (same == out.end()) {
          out.push_back(std::move(m));
        } else if (m.distance < same->distance) {
          *same = std::move(m);
        }
      }
    }
  }
  if (context_.video_matcher != nullptr && !context_.video_matcher->empty()) {
    auto videos = context_.video_matcher->match(record.frames, context_.video_match_options);
    std::move(videos.begin(), videos.end(), std::back_inserter(out));
  }
  return out;
}

bool MediaAnalyzer::memo_applies(const WalkedItem& item, const MediaKind& kind) const {
  const ItemContent& content = item.content;
  if (context_.memo == nullptr || item.record.digests.sha1.empty() || !content.complete) return false;
  if (kind.type == MediaType::image) return context_.perceptual || context_.faces || context_.thumbnails != nullptr;
  return kind.type == MediaType::video && context_.video && !content.video_examined;
}

void MediaAnalyzer::decode(WalkedItem& item, const MediaKind& kind, ItemBudget& budget,
                           std::vector<ItemMatch>& probable, std::optional<FaceCount>& faces) {
  ItemRecord& record = item.record;
  const ItemContent& content = item.content;
  const bool memo = memo_applies(item, kind);
  if (memo) {
    if (auto seen = context_.memo->find(record.size, record.digests.sha1)) {  // a copy: not decoded again
      record.pdq = std::move(seen->pdq);
      record.pdq_mirror = std::move(seen->pdq_mirror);
      record.pdq_quality = seen->pdq_quality;
      record.video = std::move(seen->video);
      record.frames = std::move(seen->frames);
      std::move(seen->problems.begin(), seen->problems.end(), std::back_inserter(record.problems));
      probable = std::move(seen->probable);
      faces = seen->faces;
      return;
    }
  }
  const std::size_t problems_before = record.problems.size();
  std::optional<GreyImage> grey;
  if (kind.type == MediaType::video && context_.video && !budget.spent("video frames")) hash_video(item);
  if (kind.type == MediaType::image && content.complete &&
      (context_.perceptual || context_.faces || context_.thumbnails != nullptr) && !budget.spent("PDQ")) {
    auto decoded = decode_for_pdq(kind, content.bytes, context_.max_pixels);
    if (!decoded) {
      record.problems.push_back({decoded.error().stage, decoded.error().message});
    } else {
      grey = std::move(decoded.value());
      if (context_.perceptual) probable = hash_still(*grey, record);
      if (context_.faces && !budget.spent("faces")) faces = count_faces(*grey, kind, record);
    }
  }
  if (kind.type == MediaType::video) probable = match_frames(record);
  const bool whole = std::none_of(record.problems.begin() + static_cast<std::ptrdiff_t>(problems_before),
                                  record.problems.end(), [](const ItemProblem& p) { return p.stage == "time_budget"; });
  if (memo && whole)  // cut short by the item's time budget: decoding a copy may get further
    context_.memo->keep(record.size, record.digests.sha1,
                        DecodedContent{record.pdq, record.pdq_mirror, record.pdq_quality, probable, faces,
                                       record.video, record.frames,
                                       {record.problems.begin() + static_cast<std::ptrdiff_t>(problems_before),
                                        record.problems.end()}});
  // Thumbnails last: one per content (ThumbnailStore::claim), so a copy would make none anyway.
  if (grey && context_.thumbnails != nullptr && !budget.spent("thumbnail")) write_thumbnail(*grey, kind, record);
  if (kind.type == MediaType::video && context_.thumbnails != nullptr && !record.strip.empty()) write_video_strip(record);
}

void MediaAnalyzer::scout(WalkedItem& item) {
  if (context_.matcher == nullptr || context_.alerts == nullptr || !item.content.complete) return;
  const MediaKind kind = sniff_media(item.content.bytes);
  if (!context_.all_files && kind.type == MediaType::other && !item.content.container) return;
  // One digest, of the kind most alert records carry (MD5 on a tie: the fastest): a record known
  // only by another kind is raised in its own pass, a little later.
  const DigestMatcher& m = *context_.matcher;
  const std::size_t md5 = m.digest_count(DigestKind::md5), sha1 = m.digest_count(DigestKind::sha1),
                    sha256 = m.digest_count(DigestKind::sha256);
  const bool use_md5 = md5 >= sha1 && md5 >= sha256, use_sha1 = !use_md5 && sha1 >= sha256;
  DigestSubset digest(use_md5, use_sha1, !use_md5 && !use_sha1);
  digest.update(item.content.bytes);
  ItemRecord& record = item.record;
  record.digests = digest.finish();
  context_.alerts->raise(record, m.match(record.digests));
}

void MediaAnalyzer::process(WalkedItem& item) {
  ItemRecord& record = item.record;
  const ItemContent& content = item.content;
  ItemBudget budget(context_.item_budget, record);
  const MediaKind kind = sniff_media(content.bytes);
  record.media_type = kind.type;
  record.mime = kind.type == MediaType::other ? magic_->mime_of(content.bytes) : std::string(kind.mime);
  record.extension_mismatch = !record.fs.carved && extension_mismatch(kind, file_name_of(record.path));

  if (content.streamed_digests) {
    record.digests = *content.streamed_digests;
  } else if (content.complete &&
             (context_.all_files || kind.type != MediaType::other || content.container || content.device_database) &&
             !budget.spent("digests")) {
    // Large buffers are digested over two threads (MD5 beside SHA-1 + SHA-256): one file's
    // three digests then take about the time of its MD5 alone.
    if (content.bytes.size() >= kTwoThreadDigestBytes) {
      if (!two_thread_digest_) two_thread_digest_ = std::make_unique<ParallelMultiDigest>();
      two_thread_digest_->update(content.bytes);
      record.digests = two_thread_digest_->finish();
    } else {
      record.digests = digest_buffer(content.bytes);
    }
  }

  // Exact matches before any decoding: an alert is raised now, not when the item is finished.
  std::vector<ItemMatch> exact;
  if (context_.matcher != nullptr) exact = context_.matcher->match(record.digests);
  if (context_.alerts != nullptr && !content.streamed_digests) context_.alerts->raise(record, exact);

  if (content.device_database && content.complete && !budget.spent("device database")) read_device_database(item);

  if (kind.type == MediaType::image && !content.bytes.empty() && !budget.spent("EXIF")) {
    // A streamed (very large) image still has its head here, which holds a JPEG's EXIF.
    auto exif = read_exif(kind, content.bytes);
    if (exif) {
      record.exif = std::move(*exif);
    } else {
      record.problems.push_back({exif.error().stage, exif.error().message});
    }
    if (auto size = image_pixel_size(kind, content.bytes)) {
      record.exif.width = size->width;
      record.exif.height = size->height;
    }
  }

  std::vector<ItemMatch> probable;
  std::optional<FaceCount> faces;
  if (kind.type == MediaType::image && !content.complete && context_.perceptual && !content.bytes.empty())
    record.problems.push_back({"decode", fmt::format("still image of {} bytes, above the size read whole for its "
                                                     "PDQ hash: not decoded, no PDQ hash",
                                                     record.size)});
  // Known-good content (an exact match against known-good sets only) is not decoded at all.
  const bool known_good_only = !exact.empty() && std::all_of(exact.begin(), exact.end(), [](const ItemMatch& m) {
    return m.role != HashSetRole::alert;
  });
  if (!known_good_only) decode(item, kind, budget, probable, faces);
  // A probable match of an item already raised by its exact digest would only repeat the alert.
  const bool raised = std::any_of(exact.begin(), exact.end(), [](const ItemMatch& m) {
    return m.role == HashSetRole::alert;
  });
  if (context_.alerts != nullptr && !raised) context_.alerts->raise(record, probable);

  if (kind.type != MediaType::other && context_.origin_rules != nullptr) {
    assess_provenance(record);
    if (faces) {  // a signal beside the indicator, never part of it
      record.provenance->faces = faces->faces;
      if (faces->faces > 0) record.provenance->largest_face = faces->largest_share;
    }
  }

  record.matches = std::move(exact);
  // Exact matches first, then the probable ones, each in load order.
  std::move(probable.begin(), probable.end(), std::back_inserter(record.matches));
  if (context_.profile != nullptr) record.category = categorise(*context_.profile, record.matches, record.media_type);
}

}  // namespace triage
