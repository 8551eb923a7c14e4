#include "formats/source/tsk_source.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "formats/crypt/luks_volume.h"
#include "formats/source/tsk_fs_walk.h"
#include "formats/source/tsk_image.h"
#include "formats/source/tsk_stage_watch.h"
#include "formats/source/unallocated_carving.h"
#include "formats/source/volume_signatures.h"

namespace triage {
namespace {

// `length` bytes of an image from `offset`: an encrypted volume's ciphertext.
class ImageRangeReader final : public RandomAccessReader {
 public:
  ImageRangeReader(TSK_IMG_INFO* img, std::uint64_t offset, std::uint64_t length)
      : img_(img), offset_(offset), length_(length) {}
  std::uint64_t size() const { return length_; }
  Result<std::size_t> read_at(std::uint64_t offset, std::span<std::byte> out) override {
    if (offset >= length_) return std::size_t{0};
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), length_ - offset));
    const ssize_t got = tsk_img_read(img_, static_cast<TSK_OFF_T>(offset_ + offset), reinterpret_cast<char*>(out.data()), want);
    if (got < 0) return Error{"read", tsk::take_error()};
    return static_cast<std::size_t>(got);
  }

 private:
  TSK_IMG_INFO* img_;
  std::uint64_t offset_, length_;
};

// A decrypted volume owning the reader of its ciphertext.
class DecryptedReader final : public RandomAccessReader {
 public:
  DecryptedReader(std::unique_ptr<ImageRangeReader> raw, std::unique_ptr<LuksVolume> plain)
      : raw_(std::move(raw)), plain_(std::move(plain)) {}
  Result<std::size_t> read_at(std::uint64_t offset, std::span<std::byte> out) override {
    return plain_->read_at(offset, out);
  }

 private:
  std::unique_ptr<ImageRangeReader> raw_;  // read by plain_
  std::unique_ptr<LuksVolume> plain_;
};

// One volume: the whole image (part == nullptr) or a partition.
struct Volume {
  std::string name;  // "p2"; "" for the whole image
  std::uint64_t offset = 0;
  const TSK_VS_PART_INFO* part = nullptr;
};

class ImageWalker {
 public:
  // With `totals`, only counts (see walk_file_system): no problem rows, no carving.
  ImageWalker(TSK_IMG_INFO* img, const std::string& image, const ContentPolicy& policy, const TskWalkOptions& options,
              WalkSink& sink, StageWatch& watch, WalkTotals* totals = nullptr)
      : img_(img),
        image_(image),
        base_(image),
        policy_(policy),
        carve_(options.carve && totals == nullptr),
        carved_image_decodes_(options.carved_image_decodes),
        keys_(options.keys),
        sink_(sink),
        watch_(watch),
        totals_(totals) {}

  void run() {
    watch_.begin("volume system detection");
    tsk::VsPtr vs(tsk_vs_open(img_, 0, TSK_VS_TYPE_DETECT));
    if (watch_.expired()) {
      if (watch_.budget_spent()) problem(image_, "stage_timeout", watch_.spent_message());
      return;
    }
    if (!vs) {
      tsk_error_reset();  // no partition table: a file system (or pool) at offset 0, or nothing
      walk_volume({"", 0, nullptr});
      return;
    }
    unsigned ordinal = 0;
    for (TSK_PNUM_T i = 0; i < vs->part_count && !sink_.stopping(); ++i) {
      const TSK_VS_PART_INFO* part = tsk_vs_part_get(vs.get(), i);
      if (part == nullptr) continue;
      const std::uint64_t offset = static_cast<std::uint64_t>(part->start) * vs->block_size;
      const std::uint64_t bytes = static_cast<std::uint64_t>(part->len) * vs->block_size;
      if (part->flags & TSK_VS_PART_FLAG_ALLOC) {
        walk_volume({fmt::format("p{}", ++ordinal), offset, part});
      } else if (part->flags & TSK_VS_PART_FLAG_UNALLOC) {
        problem(base_.unpartitioned(offset).to_string(), "unpartitioned_space",
                fmt::format("{} bytes outside any partition (sectors {}-{}); not examined", bytes, part->start,
                            part->start + part->len - 1),
                false);
      }
    }
    // A partition table with no partition in it: never silent, look at the whole image.
    if (ordinal == 0 && !sink_.stopping()) walk_volume({"", 0, nullptr});
  }

 private:
  void walk_volume(const Volume& volume) {
    watch_.begin("file system detection");
    tsk::FsPtr fs(volume.part != nullptr ? tsk_fs_open_vol(volume.part, TSK_FS_TYPE_DETECT)
                                         : tsk_fs_open_img(img_, 0, TSK_FS_TYPE_DETECT));
    if (watch_.expired()) {
      if (watch_.budget_spent()) problem(located(volume, "unknown").to_string(), "stage_timeout", watch_.spent_message());
      return;
    }
    if (fs) {
      walk_found_file_system(fs.get(), located(volume, tsk_fs_type_toname(fs->ftype)), volume);
      return;
    }
    const std::string fs_error = tsk::take_error();
    tsk::PoolPtr pool(volume.part != nullptr ? tsk_pool_open_sing(volume.part, TSK_POOL_TYPE_DETECT)
                                             : tsk_pool_open_img_sing(img_, 0, TSK_POOL_TYPE_DETECT));
    if (pool) {
      walk_pool(volume, pool.get());
      return;
    }
    tsk_error_reset();
    const std::string where = located(volume, "unknown").to_string();
    std::vector<std::byte> head(4096);
    const ssize_t got = tsk_img_read(img_, static_cast<TSK_OFF_T>(volume.offset), reinterpret_cast<char*>(head.data()),
                                     head.size());
    head.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
    tsk_error_reset();
    if (auto luks = read_luks_header(head)) {
      walk_luks(volume, *luks);
      return;
    }
    if (auto kind = encrypted_volume_kind(head)) {
      // BitLocker (libbde) and FileVault (libfvde) decryption is not shipped: no test volume of
      // either can be made here to check it against.
      problem(where, "encrypted_volume",
              keys_.empty() ? fmt::format("{} encrypted volume: not examined, a key is needed", *kind)
                            : fmt::format("{} encrypted volume: not examined: triage decrypts LUKS1 and LUKS2 "
                                          "volumes only",
                                          *kind));
      return;
    }
    std::string message = fmt::format("no file system found (libtsk: {})", fs_error);
    if (auto sampled = sampled_bytes(volume); sampled.size() >= kMinEntropySample) {
      const double bits = byte_entropy(sampled);
      if (bits >= kHighEntropy)
        message += fmt::format("; high entropy ({:.3f} bits/byte over {} KiB sampled): possibly encrypted "
                               "(or compressed or random data), not examined",
                               bits, sampled.size() / 1024);
    }
    problem(where, "no_file_system", std::move(message));
  }

  void walk_found_file_system(TSK_FS_INFO* fs, const EvidencePath& file_system, const Volume& volume) {
    const TSK_DADDR_T last_block = last_block_in_evidence(fs, volume, file_system.to_string());
    watch_.begin("file walk");
    walk_file_system(fs, file_system, policy_, sink_, watch_, totals_);
    if (watch_.budget_spent()) problem(file_system.file_system_root().to_string(), "stage_timeout", watch_.spent_message());
    if (carve_ && !sink_.stopping()) {
      // The region's finds are one scope: carved in the pass that examines the region (a
      // prioritised scan carves once, after the user's files), kept in walk order after it.
      const std::string region = file_system.to_string() + "/unalloc";
      const WalkScope scope(sink_, &region);
      if (scope.entered()) {
        watch_.begin("carving");
        carve_unallocated(fs, last_block, file_system, policy_, carved_image_decodes_, sink_, watch_);
        if (watch_.budget_spent()) problem(file_system.to_string(), "stage_timeout", watch_.spent_message());
      }
    }
  }

  // A LUKS volume: a row saying a key is needed, or (a key given opens it) the file system of its
  // decrypted data area, walked as any other at `.../decrypted(TYPE@OFFSET)`, OFFSET the data
  // area's byte offset in the image. A notice records that the examiner's key opened it.
  void walk_luks(const Volume& volume, const LuksHeader& luks) {
    const EvidencePath at = located(volume, "luks");
    const std::string where = at.to_string();
    const std::string name = fmt::format("LUKS{} encrypted volume (UUID {})", luks.version, luks.uuid);
    const auto keys = keys_for(keys_, volume.name, luks.uuid);
    if (keys.empty()) return problem(where, "encrypted_volume", name + ": not examined, a key is needed (--key)");
    if (totals_ != nullptr) return;  // counting: no key derivation for an estimate
    auto raw = std::make_unique<ImageRangeReader>(img_, volume.offset, volume_length(volume));
    auto unlocked = LuksVolume::unlock(*raw, raw->size(), keys);
    if (!unlocked) {
      const bool wrong_key = unlocked.error().stage == "key";
      return problem(where, wrong_key ? "volume_key_rejected" : "encrypted_volume",
                     fmt::format("{}: not examined: {}", name, unlocked.error().message));
    }
    LuksVolume& plain = **unlocked;
    problem(where, "decrypted_volume", fmt::format("{} opened with a key given by the examiner ({})", name, plain.description()),
            false);
    const std::uint64_t data_offset = volume.offset + plain.data_offset(), size = plain.size();
    tsk::ImgPtr img = open_reader_image(std::make_unique<DecryptedReader>(std::move(raw), std::move(*unlocked)), size,
                                        "luks");
    tsk::FsPtr fs(img ? tsk_fs_open_img(img.get(), 0, TSK_FS_TYPE_DETECT) : nullptr);
    if (!fs)
      return problem(at.volume("decrypted", "unknown", data_offset).to_string(), "no_file_system",
                     fmt::format("no file system found in the decrypted volume (libtsk: {})", tsk::take_error()));
    walk_found_file_system(fs.get(), at.volume("decrypted", tsk_fs_type_toname(fs->ftype), data_offset), {});
  }

  // Bytes of the volume: the partition's, or the image's from the volume's offset.
  std::uint64_t volume_length(const Volume& volume) const {
    const std::uint64_t image_size = static_cast<std::uint64_t>(img_->size);
    std::uint64_t length = image_size > volume.offset ? image_size - volume.offset : 0;
    if (volume.part != nullptr)
      length = std::min<std::uint64_t>(length, static_cast<std::uint64_t>(volume.part->len) * volume.part->vs->block_size);
    return length;
  }

  // The last block of the file system that the evidence holds: a file system claiming more blocks
  // than its image (or partition) holds is damaged or lying (an exFAT VolumeLength of 2^42
  // sectors in a 6 MB image), and the blocks past the end are not in the evidence. Said in an
  // error row with both sizes, as fsstat's "Range" and "Range in Image" give them; the walks stay
  // within the real size.
  TSK_DADDR_T last_block_in_evidence(const TSK_FS_INFO* fs, const Volume& volume, const std::string& prefix) {
    // last_block_act is libtsk's own clamp to the image's end (tsk/fs/*_open); a partition's end
    // bounds a file system inside it as well.
    TSK_DADDR_T last = std::min(fs->last_block, fs->last_block_act);
    if (volume.part != nullptr && fs->block_size > 0) {
      const std::uint64_t part_bytes = static_cast<std::uint64_t>(volume.part->len) * volume.part->vs->block_size;
      const std::uint64_t part_blocks = part_bytes / fs->block_size;
      last = std::min<TSK_DADDR_T>(last, part_blocks > 0 ? part_blocks - 1 : 0);
    }
    if (fs->last_block > last) {
      problem(prefix, "corrupt_file_system",
              fmt::format("the file system claims blocks {}-{} of {} bytes ({} bytes) but the {} holds only blocks "
                          "{}-{} ({} bytes): the blocks past its end are not in the evidence; the walk and carving "
                          "stay within them",
                          fs->first_block, fs->last_block, fs->block_size,
                          (static_cast<std::uint64_t>(fs->last_block) + 1) * fs->block_size,
                          volume.part != nullptr ? "partition" : "image", fs->first_block, last,
                          (static_cast<std::uint64_t>(last) + 1) * fs->block_size));
    }
    return last;
  }

  // Up to 16 pieces of 64 KiB spread evenly over the volume, for its entropy.
  std::vector<std::byte> sampled_bytes(const Volume& volume) const {
    const std::uint64_t length = volume_length(volume);
    constexpr std::uint64_t kPiece = 64u << 10, kPieces = 16;
    std::vector<std::byte> out;
    const std::uint64_t step = std::max<std::uint64_t>(kPiece, length / kPieces);
    for (std::uint64_t at = 0; at < length && out.size() < kPiece * kPieces; at += step) {
      const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(kPiece, length - at));
      const std::size_t old = out.size();
      out.resize(old + want);
      const ssize_t got = tsk_img_read(img_, static_cast<TSK_OFF_T>(volume.offset + at),
                                       reinterpret_cast<char*>(out.data() + old), want);
      out.resize(old + static_cast<std::size_t>(std::max<ssize_t>(got, 0)));
    }
    tsk_error_reset();
    return out;
  }

  // APFS container: each volume is a file system of its own (tsk/pool, tsk_fs_open_pool).
  void walk_pool(const Volume& volume, const TSK_POOL_INFO* pool) {
    const EvidencePath container = located(volume, "apfs-container");
    int ordinal = 0;
    for (const TSK_POOL_VOLUME_INFO* v = pool->vol_list; v != nullptr && !sink_.stopping(); v = v->next) {
      const std::uint64_t offset = volume.offset + v->block * pool->block_size;
      const EvidencePath volume_path = container.volume(fmt::format("v{}", ++ordinal), "apfs", offset);
      const std::string path = volume_path.to_string();
      if (v->flags & TSK_POOL_VOLUME_FLAG_ENCRYPTED) {
        problem(path, "encrypted_volume", "APFS volume is encrypted (FileVault): not examined, a key is needed "
                                          "(triage does not decrypt APFS volumes)");
        continue;
      }
      // As fls -P apfs -B <block>: the pool gives an image of the volume (tsk_fs_open_pool is
      // declared by libtsk 4.11 but not exported).
      TSK_IMG_INFO* volume_img = pool->get_img_info(pool, v->block);
      tsk::FsPtr fs(volume_img != nullptr ? tsk_fs_open_img(volume_img, 0, TSK_FS_TYPE_APFS_DETECT) : nullptr);
      if (!fs && volume_img != nullptr) tsk_img_close(volume_img);
      if (!fs) {
        problem(path, "unsupported_file_system", fmt::format("APFS volume not readable: {}", tsk::take_error()));
        continue;
      }
      watch_.begin("file walk");
      walk_file_system(fs.get(), volume_path, policy_, sink_, watch_, totals_);
      if (watch_.budget_spent())
        problem(volume_path.file_system_root().to_string(), "stage_timeout", watch_.spent_message());
    }
  }

  // The evidence path of a volume holding `type`: the image itself when it is not a partition.
  EvidencePath located(const Volume& volume, std::string type) const {
    return volume.part != nullptr ? base_.volume(volume.name, std::move(type), volume.offset) : base_;
  }

  void problem(std::string path, std::string kind, std::string message, bool is_error = true) {
    if (totals_ == nullptr) report_problem(sink_, std::move(path), std::move(kind), std::move(message), is_error);
  }

  TSK_IMG_INFO* img_;
  const std::string& image_;
  const EvidencePath base_;
  const ContentPolicy& policy_;
  bool carve_;
  const CarvedImageCheck& carved_image_decodes_;
  const std::vector<VolumeKey>& keys_;
  WalkSink& sink_;
  StageWatch& watch_;
  WalkTotals* totals_;
};

}  // namespace

TskSource::TskSource(std::string image, ContentPolicy policy, TskWalkOptions options)
    : image_(std::move(image)), policy_(std::move(policy)), options_(options) {}

TskSource::TskSource(std::string image, std::span<const std::byte> bytes, ContentPolicy policy, TskWalkOptions options)
    : image_(std::move(image)), memory_(bytes), policy_(std::move(policy)), options_(options) {}

namespace {

Result<OpenedImage> open_image(const std::string& image, const std::optional<std::span<const std::byte>>& memory,
                               const ParentSearch& parents) {
  return memory ? open_memory_image(*memory) : open_disk_image(image, parents);
}

}  // namespace

void TskSource::walk(WalkSink& sink) {
  auto opened = open_image(image_, memory_, options_.parents);
  if (!opened) {
    WalkProblem p;
    p.path = image_;
    p.kind = "unreadable_image";
    p.message = opened.error().message;
    sink.problem(std::move(p));
    return;
  }
  // Every read libtsk makes goes through the guard, which ends a stage on a stop request or
  // when it stops making progress (tsk_stage_watch.h).
  StageWatch watch([&sink] { return sink.stopping(); }, options_.stage_budget);
  tsk::ImgPtr guarded = guard_image(opened->img.get(), watch);
  if (!guarded) {
    report_problem(sink, image_, "unreadable_image", fmt::format("image not opened: {}", tsk::take_error()));
    return;
  }
  ImageWalker(guarded.get(), image_, policy_, options_, sink, watch).run();
}

}  // namespace triage

namespace triage {

void TskSource::count(WalkTotals& totals, const std::atomic<bool>& stop) {
  auto opened = open_image(image_, memory_, options_.parents);
  if (!opened) return;
  StopOnlySink sink(stop);
  StageWatch watch([&sink] { return sink.stopping(); }, options_.stage_budget);
  tsk::ImgPtr guarded = guard_image(opened->img.get(), watch);
  if (!guarded) return;
  ImageWalker(guarded.get(), image_, policy_, options_, sink, watch, &totals).run();
}

}  // namespace triage
