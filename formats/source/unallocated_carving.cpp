#include "formats/source/unallocated_carving.h"

#include <vector>

#include <fmt/format.h>

#include "formats/source/carve_runs.h"

namespace triage {
namespace {

struct RunCollector {
  std::vector<ByteRun> runs;
  std::uint64_t block_size = 0;
  StageWatch* watch = nullptr;
  static TSK_WALK_RET_ENUM visit(const TSK_FS_BLOCK* block, void* self_ptr) {
    auto* self = static_cast<RunCollector*>(self_ptr);
    if (self->watch->expired()) return TSK_WALK_STOP;
    self->watch->progress();  // a block of the evidence listed
    const std::uint64_t start = static_cast<std::uint64_t>(block->addr) * self->block_size;
    if (!self->runs.empty() && self->runs.back().end == start) self->runs.back().end += self->block_size;
    else self->runs.push_back({start, start + self->block_size});
    return TSK_WALK_CONT;
  }
};

}  // namespace

void carve_unallocated(TSK_FS_INFO* fs, TSK_DADDR_T last_block, const EvidencePath& file_system, const ContentPolicy& policy,
                       const CarvedImageCheck& decodes, WalkSink& sink, StageWatch& watch) {
  RunCollector collector;
  collector.block_size = fs->block_size;
  collector.watch = &watch;
  const auto flags = static_cast<TSK_FS_BLOCK_WALK_FLAG_ENUM>(TSK_FS_BLOCK_WALK_FLAG_UNALLOC |
                                                              TSK_FS_BLOCK_WALK_FLAG_AONLY);
  if (last_block < fs->first_block) return;
  if (tsk_fs_block_walk(fs, fs->first_block, last_block, flags, &RunCollector::visit, &collector) != 0 &&
      !watch.expired()) {
    report_problem(sink, file_system.to_string(), "carving_incomplete",
                   fmt::format("unallocated blocks not fully listed: {}", tsk::take_error()), false);
  }
  const RunReader read = [fs](std::uint64_t offset, std::span<std::byte> out) -> std::optional<std::string> {
    const ssize_t got = tsk_fs_read(fs, static_cast<TSK_OFF_T>(offset), reinterpret_cast<char*>(out.data()), out.size());
    if (got == static_cast<ssize_t>(out.size())) return std::nullopt;
    return tsk::take_error();
  };
  if (watch.expired()) return;  // a stop, or a spent budget the caller reports
  carve_runs(collector.runs, read, file_system, static_cast<std::uint64_t>(fs->offset), policy, sink, decodes,
             CarveLimits(), [&watch] { return watch.expired(); });
}

}  // namespace triage
