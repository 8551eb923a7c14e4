#include "formats/source/unallocated_carving.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "core/carve/image_carver.h"
#include "core/media/sniff.h"
#include "formats/image/image_decoder.h"

namespace triage {
namespace {

constexpr std::size_t kMaxCarve = 16u << 20;  // largest image carved
constexpr std::size_t kWindow = 32u << 20;    // bytes read at a time; windows overlap by kMaxCarve
constexpr std::uint64_t kMaxPixels = 100'000'000;

struct Run {
  std::uint64_t first = 0, end = 0;  // byte offsets within the file system
};

struct RunCollector {
  std::vector<Run> runs;
  std::uint64_t block_size = 0;
  static TSK_WALK_RET_ENUM visit(const TSK_FS_BLOCK* block, void* self_ptr) {
    auto* self = static_cast<RunCollector*>(self_ptr);
    const std::uint64_t start = static_cast<std::uint64_t>(block->addr) * self->block_size;
    if (!self->runs.empty() && self->runs.back().end == start) self->runs.back().end += self->block_size;
    else self->runs.push_back({start, start + self->block_size});
    return TSK_WALK_CONT;
  }
};

class MemoryReader final : public RandomAccessReader {
 public:
  explicit MemoryReader(std::span<const std::byte> bytes) : bytes_(bytes) {}
  Result<std::size_t> read_at(std::uint64_t offset, std::span<std::byte> out) override {
    if (offset >= bytes_.size()) return std::size_t{0};
    const std::size_t n = std::min(out.size(), bytes_.size() - static_cast<std::size_t>(offset));
    std::copy_n(bytes_.begin() + static_cast<std::ptrdiff_t>(offset), n, out.begin());
    return n;
  }

 private:
  std::span<const std::byte> bytes_;
};

void notice(WalkSink& sink, std::string path, std::string kind, std::string message) {
  WalkProblem p;
  p.path = std::move(path);
  p.kind = std::move(kind);
  p.message = std::move(message);
  p.is_error = false;
  sink.problem(std::move(p));
}

}  // namespace

void carve_unallocated(TSK_FS_INFO* fs, const std::string& prefix, const ContentPolicy& policy, WalkSink& sink) {
  RunCollector collector;
  collector.block_size = fs->block_size;
  const auto flags = static_cast<TSK_FS_BLOCK_WALK_FLAG_ENUM>(TSK_FS_BLOCK_WALK_FLAG_UNALLOC |
                                                              TSK_FS_BLOCK_WALK_FLAG_AONLY);
  if (tsk_fs_block_walk(fs, fs->first_block, fs->last_block, flags, &RunCollector::visit, &collector) != 0) {
    notice(sink, prefix, "carving_incomplete",
           fmt::format("unallocated blocks not fully listed: {}", tsk::take_error()));
  }
  std::vector<std::byte> window;
  for (const Run& run : collector.runs) {
    std::uint64_t pos = run.first;
    std::uint64_t skip_until = run.first;  // inside an image already carved
    while (pos < run.end && !sink.stopping()) {
      const std::size_t length = static_cast<std::size_t>(std::min<std::uint64_t>(kWindow, run.end - pos));
      window.resize(length);
      const ssize_t got = tsk_fs_read(fs, static_cast<TSK_OFF_T>(pos), reinterpret_cast<char*>(window.data()), length);
      if (got != static_cast<ssize_t>(length)) {
        notice(sink, fmt::format("{}/unalloc@{}", prefix, static_cast<std::uint64_t>(fs->offset) + pos),
               "carving_incomplete", fmt::format("unallocated bytes unreadable: {}", tsk::take_error()));
        break;
      }
      const bool last = pos + length == run.end;
      const std::size_t limit = last ? length : length - std::min(length, kMaxCarve);
      const std::size_t skip = skip_until > pos ? static_cast<std::size_t>(skip_until - pos) : 0;
      for (const CarvedImage& hit : carve_images(std::span(window).subspan(std::min(skip, length)),
                                                 limit > skip ? limit - skip : 0, kMaxCarve)) {
        const std::uint64_t at = pos + skip + hit.offset;  // within the file system
        skip_until = at + hit.length;
        const auto bytes = std::span<const std::byte>(window).subspan(skip + hit.offset, hit.length);
        // Image byte offset: what `dd skip=... count=...` on the image gives back.
        const std::string path = fmt::format("{}/unalloc@{}", prefix, static_cast<std::uint64_t>(fs->offset) + at);
        const MediaKind kind = sniff_media(bytes);
        if (auto decoded = decode_grey(kind, bytes, kMaxPixels); !decoded) {
          notice(sink, path, "carve_rejected",
                 fmt::format("{} structure of {} bytes that does not decode: not kept ({})", hit.format, hit.length,
                             decoded.error().message));
          continue;
        }
        if (sink.skip_committed(path)) continue;  // --resume: committed before the interruption
        WalkedItem walked;
        walked.record.path = path;
        walked.record.size = hit.length;
        walked.record.mime = "application/octet-stream";
        walked.record.fs.deleted = true;  // unallocated space: what remains of a deleted file
        walked.record.fs.carved = true;
        MemoryReader reader(bytes);
        auto content = load_content(reader, walked.record, policy);
        if (content) walked.content = std::move(*content);
        else walked.record.problems.push_back({content.error().stage, content.error().message});
        sink.item(std::move(walked));
      }
      if (last) break;
      pos += limit;
    }
  }
}

}  // namespace triage
