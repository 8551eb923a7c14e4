#include "formats/source/tsk_image.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string_view>
#include <thread>
#include <type_traits>
#include <vector>

#include <fmt/format.h>

#include "core/digest/digests.h"
#include "core/pipeline/lane_ring.h"
#include "formats/source/tsk_allocation_cap.h"
#include "formats/vmdisk/virtual_disk.h"

namespace triage {

namespace {

// tsk_img_open_external (tsk/img/img_open.cpp): the caller allocates a structure whose first
// member is a TSK_IMG_INFO, and its close callback frees it (tsk_img_close calls it last).
struct ReaderSource {
  std::unique_ptr<RandomAccessReader> reader;
  std::string name;
};
struct ReaderImage {
  TSK_IMG_INFO info;  // first: libtsk gets a pointer to it and hands it back to the callbacks
  ReaderSource* source;  // owned; a pointer keeps the struct standard-layout (std::string is not, in clang's view)
};
static_assert(std::is_standard_layout_v<ReaderImage>, "libtsk casts between ReaderImage* and TSK_IMG_INFO*");

// libtsk hands a short count back to its caller as is (a carving read of 8 MiB would see 1 MiB
// and call it a failure), so the reader is asked until the request is filled or the data ends.
ssize_t reader_image_read(TSK_IMG_INFO* img, TSK_OFF_T offset, char* buffer, size_t length) {
  auto* self = reinterpret_cast<ReaderImage*>(img);
  const auto out = std::span(reinterpret_cast<std::byte*>(buffer), length);
  std::size_t done = 0;
  while (done < length) {
    auto got = self->source->reader->read_at(static_cast<std::uint64_t>(offset) + done, out.subspan(done));
    if (!got) {
      tsk_error_reset();
      tsk_error_set_errno(TSK_ERR_IMG_READ);
      tsk_error_set_errstr("%s", got.error().message.c_str());
      return -1;
    }
    if (*got == 0) break;
    done += *got;
  }
  return static_cast<ssize_t>(done);
}

void reader_image_close(TSK_IMG_INFO* img) {
  auto* self = reinterpret_cast<ReaderImage*>(img);
  delete self->source;
  delete self;
}

void reader_image_stat(TSK_IMG_INFO* img, FILE* out) {
  const auto* self = reinterpret_cast<const ReaderImage*>(img);
  std::fprintf(out, "IMAGE FILE INFORMATION\nType: %s\nSize: %lld\n", self->source->name.c_str(),
               static_cast<long long>(img->size));
}

// A disk libtsk does not open itself (QCOW2, a differential VHD/VHDX).
Result<OpenedImage> open_virtual_image(std::unique_ptr<VirtualDisk> disk) {
  OpenedImage out;
  out.format = disk->format();
  out.segments = disk->files();
  out.media_size = disk->media_size();
  out.img = open_reader_image(std::move(disk), out.media_size, out.format);
  if (!out.img) return Error{"open", fmt::format("'{}' not opened: {}", out.segments.front(), tsk::take_error())};
  out.sector_size = out.img->sector_size;
  return out;
}

}  // namespace

tsk::ImgPtr open_reader_image(std::unique_ptr<RandomAccessReader> reader, std::uint64_t size, std::string name) {
  auto* image = new ReaderImage();  // value-initialised: libtsk's read cache starts zeroed
  image->source = new ReaderSource{std::move(reader), std::move(name)};
  TSK_IMG_INFO* img = tsk_img_open_external(image, static_cast<TSK_OFF_T>(size), 512, reader_image_read,
                                            reader_image_close, reader_image_stat);
  if (img == nullptr) {
    delete image->source;
    delete image;
  }
  return tsk::ImgPtr(img);
}

Result<OpenedImage> open_disk_image(const std::string& path, const ParentSearch& parents) {
  (void)tsk_allocations_refused();  // links the allocation ceiling in (formats/source/tsk_allocation_cap.h)
  if (auto disk = open_virtual_disk(path, parents)) {
    if (!*disk) return disk->error();
    return open_virtual_image(std::move(**disk));
  }
  // TSK_IMG_TYPE_DETECT: the type comes from the content, never from the name. Given one
  // segment, libtsk finds the rest itself (raw: .000/.001/..., .aa/.ab; EWF: libewf_glob).
  // raw opens with O_RDONLY, libewf with LIBEWF_OPEN_READ: the evidence is never written.
  TSK_IMG_INFO* raw = tsk_img_open_utf8_sing(path.c_str(), TSK_IMG_TYPE_DETECT, 0);
  if (raw == nullptr)
    return Error{"open", fmt::format("'{}' is not a disk image libtsk can read: {}", path, tsk::take_error())};
  OpenedImage out;
  out.img.reset(raw);
  out.format = tsk_img_type_toname(raw->itype);
  out.media_size = static_cast<std::uint64_t>(raw->size);
  out.sector_size = raw->sector_size;
  for (int i = 0; i < raw->num_img; ++i) out.segments.emplace_back(raw->images[i]);
  return out;
}

namespace {

// tsk_img_open_external (tsk/img/img_open.cpp): the caller allocates a structure whose first
// member is a TSK_IMG_INFO, and its close callback frees it (tsk_img_close calls it last).
struct MemoryImage {
  TSK_IMG_INFO info;  // first: libtsk gets a pointer to it and hands it back to the callbacks
  const std::byte* data;
  std::size_t size;
};
static_assert(std::is_standard_layout_v<MemoryImage>, "libtsk casts between MemoryImage* and TSK_IMG_INFO*");

ssize_t memory_image_read(TSK_IMG_INFO* img, TSK_OFF_T offset, char* buffer, size_t length) {
  const auto* self = reinterpret_cast<const MemoryImage*>(img);
  if (offset < 0 || static_cast<std::uint64_t>(offset) > self->size) {
    tsk_error_reset();
    tsk_error_set_errno(TSK_ERR_IMG_READ_OFF);
    tsk_error_set_errstr("memory image: offset %lld past the end", static_cast<long long>(offset));
    return -1;
  }
  const std::size_t n = std::min(length, self->size - static_cast<std::size_t>(offset));
  if (n > 0) std::memcpy(buffer, self->data + offset, n);
  return static_cast<ssize_t>(n);
}

void memory_image_close(TSK_IMG_INFO* img) { delete reinterpret_cast<MemoryImage*>(img); }

void memory_image_stat(TSK_IMG_INFO* img, FILE* out) {
  std::fprintf(out, "IMAGE FILE INFORMATION\nType: memory\nSize: %lld\n", static_cast<long long>(img->size));
}

}  // namespace

Result<OpenedImage> open_memory_image(std::span<const std::byte> bytes) {
  // Value-initialised: libtsk's read cache (2 MiB, inside TSK_IMG_INFO) starts zeroed, as
  // tsk_img_malloc gives it.
  auto* image = new MemoryImage();
  image->data = bytes.data();
  image->size = bytes.size();
  TSK_IMG_INFO* img = tsk_img_open_external(image, static_cast<TSK_OFF_T>(bytes.size()), 512, memory_image_read,
                                            memory_image_close, memory_image_stat);
  if (img == nullptr) {
    delete image;
    return Error{"open", fmt::format("memory image not opened: {}", tsk::take_error())};
  }
  OpenedImage out;
  out.img.reset(img);
  out.format = "memory";
  out.media_size = bytes.size();
  out.sector_size = img->sector_size;
  return out;
}

namespace {

struct ChunkRead {
  ssize_t got = 0;
  std::string error;  // libtsk's error text when got < 0 (its error state is per thread)
};

ChunkRead read_chunk(TSK_IMG_INFO* img, std::uint64_t offset, std::uint64_t size, std::vector<char>& buffer) {
  const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), size - offset));
  ChunkRead r;
  r.got = tsk_img_read(img, static_cast<TSK_OFF_T>(offset), buffer.data(), want);
  if (r.got < 0) r.error = tsk::take_error();
  return r;
}

// The image read for its source hash. A reader thread keeps up to kDepth chunks ahead in a
// LaneRing; MD5 runs on a thread of its own and SHA-1 + SHA-256 on the caller's, each through the
// ring at its own pace. In lock step (one chunk read ahead, both digests waiting for each other at
// every chunk) a cold 3 GB image took 8.2 s here against 5.7 s warm and dd's 3.6 s: the disk, the
// kernel's copies and the two digests now overlap instead of waiting on the slowest at each step,
// as ewfverify's read and hash stages do. Only the reader thread reads the image.
class MediaReader {
 public:
  static constexpr std::size_t kChunk = 8u << 20, kDepth = 6;

  MediaReader(TSK_IMG_INFO* img, LaneRing& ring, StopToken stop) : img_(img), ring_(ring), stop_(stop) {
    for (auto& slot : slots_) slot.resize(kChunk);
  }

  // The reader thread's loop.
  void read_all() {
    const auto size = static_cast<std::uint64_t>(img_->size);
    for (std::uint64_t offset = 0; offset < size;) {
      if (!ring_.wait_for_slot()) break;
      if (stop_.requested()) {
        interrupted_ = true;
        break;
      }
      std::vector<char>& slot = slots_[ring_.produced() % kDepth];
      const ChunkRead chunk = read_chunk(img_, offset, size, slot);
      if (chunk.got <= 0) {
        error_ = Error{"source_hash", fmt::format("media unreadable at byte {}: {}", offset,
                                                  chunk.got < 0 ? chunk.error : std::string("no data"))};
        break;
      }
      ring_.publish(std::as_bytes(std::span(slot.data(), static_cast<std::size_t>(chunk.got))));
      offset += static_cast<std::uint64_t>(chunk.got);
    }
    ring_.finish();
  }

  // Read after the reader thread is joined.
  std::optional<Error> error() const { return error_; }
  bool interrupted() const { return interrupted_; }

 private:
  TSK_IMG_INFO* img_;
  LaneRing& ring_;
  StopToken stop_;
  std::array<std::vector<char>, kDepth> slots_;
  bool interrupted_ = false;
  std::optional<Error> error_;
};

// One lane's loop: every chunk in order through `digest`.
void digest_lane(LaneRing& ring, unsigned lane, DigestSubset& digest) {
  while (auto chunk = ring.next(lane)) {
    digest.update(*chunk);
    ring.finished(lane);
  }
}

}  // namespace

Result<Digests> digest_media(TSK_IMG_INFO* img, MediaDigests which, StopToken stop) {
  const bool all = which == MediaDigests::all;
  LaneRing ring(all ? 2 : 1, MediaReader::kDepth);
  MediaReader media(img, ring, stop);
  DigestSubset sha(false, all, true), md5(true, false, false);
  std::thread reader([&] { media.read_all(); });
  std::thread md5_lane;
  try {
    if (all) md5_lane = std::thread([&] { digest_lane(ring, 1, md5); });
    digest_lane(ring, 0, sha);
  } catch (...) {
    ring.abandon();
    if (md5_lane.joinable()) md5_lane.join();
    reader.join();
    throw;
  }
  if (md5_lane.joinable()) md5_lane.join();
  reader.join();
  if (media.interrupted()) throw Interrupted();
  if (auto error = media.error()) return *error;
  Digests out = sha.finish();
  if (all) out.md5 = md5.finish().md5;
  return out;
}

std::optional<std::string> ewf_stored_md5(TSK_IMG_INFO* img) {
  if (!TSK_IMG_TYPE_ISEWF(img->itype) || img->imgstat == nullptr) return std::nullopt;
  char* text = nullptr;
  std::size_t length = 0;
  FILE* stream = open_memstream(&text, &length);
  if (stream == nullptr) return std::nullopt;
  img->imgstat(img, stream);
  std::fclose(stream);
  const std::string stat(text, length);
  std::free(text);
  // tsk/img/ewf.c, ewf_image_imgstat: "MD5 hash of data:\t<32 hex>"
  constexpr std::string_view key = "MD5 hash of data:";
  const auto at = stat.find(key);
  if (at == std::string::npos) return std::nullopt;
  auto begin = stat.find_first_not_of(" \t", at + key.size());
  if (begin == std::string::npos) return std::nullopt;
  std::string md5 = stat.substr(begin, 32);
  if (md5.size() != 32 || md5.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) return std::nullopt;
  for (char& c : md5) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return md5;
}

}  // namespace triage
