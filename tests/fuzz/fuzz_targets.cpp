#include "tests/fuzz/fuzz_targets.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <span>
#include <optional>
#include <string>
#include <vector>

#include "core/evidence/evidence_path.h"
#include "core/media/sniff.h"
#include "formats/archive/archive_opener.h"
#include "formats/devicedb/device_media_reader.h"
#include "formats/exif/exif_reader.h"
#include "formats/hashset/hashset_reader.h"
#include "formats/hashset/vpdq_reader.h"
#include "formats/image/image_decoder.h"
#include "formats/image/image_pdq.h"
#include "formats/image/thumbnail.h"
#include "formats/source/carve_runs.h"
#include "formats/source/tsk_source.h"
#include "formats/video/video_decoder.h"

namespace triage::fuzz {
namespace {

std::span<const std::byte> bytes_of(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const std::byte*>(data), size};
}

// Readers take a path: the input goes to a private temporary file, removed afterwards.
class TempInput {
 public:
  TempInput(const std::uint8_t* data, std::size_t size) {
    // /dev/shm when there is one: millions of runs should not wait on a disk.
    const std::filesystem::path shm = "/dev/shm";
    const auto dir = std::filesystem::is_directory(shm) ? shm : std::filesystem::temp_directory_path();
    path_ = dir / ("triage-fuzz-" + std::to_string(::getpid()) + ".in");
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  ~TempInput() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  TempInput(const TempInput&) = delete;
  TempInput& operator=(const TempInput&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Counts what a reader hands over and touches every field, so that a bad record is read.
class CountingSink : public hashset::ImportSink {
 public:
  void add(ImportRecord& r, hashset::SourcePosition) override {
    chars_ += r.record.md5.size() + r.record.sha1.size() + r.record.sha256.size() + r.record.pdq.size() +
              r.record.media_id.size() + r.record.category.size() + r.detail.file_name.size();
  }
  void reject(hashset::SourcePosition where, std::string_view reason) override {
    chars_ += hashset::describe(where).size() + reason.size();
  }
  void set_version(std::string_view version) override { chars_ += version.size(); }

 private:
  std::size_t chars_ = 0;
};

// Takes what a walk hands over and touches it; asks the walk to stop after `max_entries` items
// and problems, so that one input's work stays bounded (libFuzzer's -timeout is 10 s).
class BoundedSink final : public WalkSink {
 public:
  explicit BoundedSink(std::size_t max_entries) : max_entries_(max_entries) {}
  void item(WalkedItem&& walked) override {
    ++entries_;
    chars_ += walked.record.path.size() + walked.record.mime.size() + walked.content.bytes.size();
    for (const auto& p : walked.record.problems) chars_ += p.stage.size() + p.message.size();
  }
  void problem(WalkProblem&& p) override {
    ++entries_;
    chars_ += p.path.size() + p.kind.size() + p.message.size();
  }
  bool stopping() const override { return entries_ >= max_entries_; }

 private:
  std::size_t max_entries_;
  std::size_t entries_ = 0;
  std::size_t chars_ = 0;
};

// What the walks read of each file: small, so that a file system claiming huge files costs little.
ContentPolicy bounded_policy() {
  ContentPolicy policy;
  policy.all_files = true;  // every file's content is read, not only media
  policy.whole_read_limit = 256u << 10;
  policy.chunk_size = 64u << 10;
  policy.head_size = 4u << 10;
  policy.max_streamed = 2u << 20;
  return policy;
}

template <typename Reader>
void read_quietly(Reader&& reader) {
  CountingSink sink;
  try {
    reader(sink);
  } catch (const ImportError&) {
    // A malformed file is reported, not a fault.
  }
}

}  // namespace

void sniff(const std::uint8_t* data, std::size_t size) {
  const auto content = bytes_of(data, size);
  const MediaKind kind = sniff_media(content);
  (void)image_pixel_size(kind, content);
  (void)extension_mismatch(kind, "x.jpg");
}

void exif(const std::uint8_t* data, std::size_t size) {
  const auto content = bytes_of(data, size);
  (void)read_exif(sniff_media(content), content);
}

void image_pdq(const std::uint8_t* data, std::size_t size) {
  const auto content = bytes_of(data, size);
  const MediaKind kind = sniff_media(content);
  if (kind.type != MediaType::image) return;
  // A small pixel limit: bombs are refused before decoding, as in a scan with --max-pixels.
  (void)triage::image_pdq(kind, content, 4'000'000);
  if (auto grey = decode_for_pdq(kind, content, 4'000'000)) {
    (void)pdq_variants_of(grey.value());
    (void)thumbnail_jpeg(grey.value(), kind, static_cast<int>(size % 10));  // every orientation, and nonsense
  }
}

void hashset_text(const std::uint8_t* data, std::size_t size) {
  TempInput in(data, size);
  const auto& p = in.path();
  read_quietly([&](auto& sink) { hashset::read_vics_json(p, sink, 4096); });  // small: streaming path too
  read_quietly([&](auto& sink) { hashset::read_vics_json(p, sink); });
  read_quietly([&](auto& sink) { hashset::read_nsrl_rds2(p, sink); });
  read_quietly([&](auto& sink) { hashset::read_icse_csv(p, sink); });
  read_quietly([&](auto& sink) { hashset::read_md5sum(p, sink); });
  read_quietly([&](auto& sink) { hashset::read_hashdeep(p, sink); });
  read_quietly([&](auto& sink) { hashset::read_hashkeeper(p, sink); });
  read_quietly([&](auto& sink) { hashset::read_plain_list(p, sink); });
  read_quietly([&](auto& sink) { hashset::read_pdq_list(p, sink); });
  if (hashset::is_vpdq_file(p)) {
    try {
      (void)hashset::read_vpdq_file(p);
    } catch (const ImportError&) {
    }
  }
  try {
    (void)hashset::detect_format(p);
  } catch (const ImportError&) {
  }
}

void hashset_binary(const std::uint8_t* data, std::size_t size) {
  TempInput in(data, size);
  const auto& p = in.path();
  read_quietly([&](auto& sink) { hashset::read_encase_hash(p, sink); });
  try {
    (void)hashset::read_encase_hash_name(p);
  } catch (const ImportError&) {
  }
  read_quietly([&](auto& sink) { hashset::read_nsrl_rds3(p, sink); });
  read_quietly([&](auto& sink) { hashset::read_kdb(p, sink); });
}

void carver(const std::uint8_t* data, std::size_t size) {
  const auto content = bytes_of(data, size);
  const RunReader read = [content](std::uint64_t offset, std::span<std::byte> out) -> std::optional<std::string> {
    if (offset > content.size() || out.size() > content.size() - offset) return "past the end of the input";
    std::copy_n(content.begin() + static_cast<std::ptrdiff_t>(offset), out.size(), out.begin());
    return std::nullopt;
  };
  const ContentPolicy policy;
  {
    // The whole input as one run, with the scan's limits.
    BoundedSink sink(256);
    carve_runs({ByteRun{0, size}}, read, EvidencePath("fuzz"), 0, policy, sink, image_decode_failure);
  }
  // 512-byte blocks, every eighth allocated (left out), through small windows: the window
  // overlap, the skip past an image carved and the run edges are exercised by small inputs too.
  // An input of odd size also has its last run reach one block past its end (unreadable).
  std::vector<ByteRun> runs;
  for (std::uint64_t block = 0; block * 512 < size; ++block) {
    if (block % 8 == 7) continue;
    const std::uint64_t start = block * 512;
    if (!runs.empty() && runs.back().end == start) runs.back().end += 512;
    else runs.push_back(ByteRun{start, start + 512});
  }
  if (!runs.empty())
    runs.back().end = size % 2 != 0 ? runs.back().end + 512 : std::min<std::uint64_t>(runs.back().end, size);
  BoundedSink sink(256);
  carve_runs(runs, read, EvidencePath("fuzz"), 1u << 20, policy, sink, image_decode_failure, CarveLimits{1024, 4096, 1'000'000});
}

void tsk_source(const std::uint8_t* data, std::size_t size) {
  // Through the project's own adapter (volume systems, file systems, APFS pools, every file's
  // content, carving of unallocated blocks), libtsk reading the bytes as an image in memory.
  // Carving costs most of an input's time (every unallocated byte searched) and has a harness of
  // its own (carver): here only inputs whose last byte is odd are carved too, the fuzzer's choice.
  const auto image = bytes_of(data, size);
  // A stage without progress for 300 ms is ended, as --stage-timeout ends it in a scan: an input
  // that loops inside libtsk costs 0.3 s per stage, not the whole run's time.
  TskWalkOptions options;
  options.carve = size > 0 && (data[size - 1] & 1u) != 0;
  options.stage_budget = std::chrono::milliseconds(300);
  options.carved_image_decodes = image_decode_failure;
  {
    BoundedSink sink(64);
    TskSource("fuzz.img", image, bounded_policy(), options).walk(sink);
  }
  WalkTotals totals;
  const std::atomic<bool> stop{false};
  TskSource("fuzz.img", image, bounded_policy(), options).count(totals, stop);
}

void video(const std::uint8_t* data, std::size_t size) {
  // What a scan with --video-fps does with an item sniffed as a video (the buffer path and, for
  // a large file, the reader path share one custom I/O), every frame decoded and hashed, within
  // small budgets so that one input stays well under libFuzzer's 10 s.
  const auto content = bytes_of(data, size);
  if (sniff_media(content).type != MediaType::video) return;
  VideoOptions options;
  options.fps = 0;
  options.max_frames = 120;
  options.max_time = std::chrono::milliseconds(2000);
  options.max_pixels = 1'000'000;
  options.strip_frames = 4;  // and the thumbnail strip's frames, as a scan keeps them
  (void)probe_video_buffer(content, options);
  SpanReader reader(content);
  if (auto hashes = hash_video_reader(reader, content.size(), options))
    (void)video_strip_jpeg(hashes.value().strip, hashes.value().info.rotation);
  options.keyframes_only = true;
  (void)hash_video_buffer(content, options);
}

void archive(const std::uint8_t* data, std::size_t size) {
  // Through the project's own opener (libarchive over the bytes, members loaded, archives inside
  // opened, spooling when a member outgrows memory), as a scan walks an archive in a folder;
  // limits small, so that a bomb costs one input little.
  ArchiveOptions options;
  options.max_depth = 4;
  options.ratio_floor = 4u << 20;
  options.max_ratio = 10;
  options.passwords = {"password"};
  const std::filesystem::path shm = "/dev/shm";
  options.spool_dir = std::filesystem::is_directory(shm) ? shm : std::filesystem::temp_directory_path();
  ContentPolicy policy = bounded_policy();
  policy.containers = std::make_shared<ArchiveOpener>(options);
  ItemRecord container;
  container.path = "fuzz.zip";
  container.size = size;
  SpanReader reader(bytes_of(data, size));
  BoundedSink sink(256);
  if (policy.containers->opens(bytes_of(data, size))) policy.containers->walk_members(reader, container, policy, sink);
}

void device_db(const std::uint8_t* data, std::size_t size) {
  // The first byte picks the layout (even: Photos.sqlite, odd: external.db); the rest is the file.
  if (size == 0) return;
  const auto kind = (data[0] & 1u) != 0 ? DeviceDatabase::mediastore_external : DeviceDatabase::photos_sqlite;
  (void)read_device_media(kind, bytes_of(data + 1, size - 1));
}

void evidence_path(const std::uint8_t* data, std::size_t size) {
  // The first byte picks how much of the rest is the source (and whether it is a folder); the
  // remainder is the path text. Whatever parses must write back to text that parses to the same
  // path, and a name's escape must read back to the name.
  if (size == 0) return;
  const std::string_view all(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::size_t source_size = std::min<std::size_t>(data[0] & 0x7Fu, all.size());
  const bool folder = (data[0] & 0x80u) != 0;
  const std::string_view source = all.substr(0, source_size);
  if (const auto path = EvidencePath::parse(all, source, folder)) {
    const auto again = EvidencePath::parse(path->to_string(), source, folder);
    if (!again || !(*again == *path)) std::abort();
  }
  const std::string_view name = all.substr(source_size);
  if (unescape_path_name(escape_path_name(name)) != name) std::abort();
}

Target find_target(std::string_view name) {
  if (name == "sniff") return sniff;
  if (name == "exif") return exif;
  if (name == "image_pdq") return image_pdq;
  if (name == "hashset_text") return hashset_text;
  if (name == "hashset_binary") return hashset_binary;
  if (name == "carver") return carver;
  if (name == "tsk_source") return tsk_source;
  if (name == "video") return video;
  if (name == "evidence_path") return evidence_path;
  if (name == "archive") return archive;
  if (name == "device_db") return device_db;
  return nullptr;
}

}  // namespace triage::fuzz
