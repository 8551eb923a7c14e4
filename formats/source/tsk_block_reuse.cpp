#include "formats/source/tsk_block_reuse.h"

#include <algorithm>

namespace triage {
namespace {

struct BlockTally {
  StageWatch* watch = nullptr;
  std::uint64_t limit = 0;   // more blocks than this: a damaged entry, left unchecked
  std::uint64_t mapped = 0;  // blocks with an address on the media
  std::uint64_t reused = 0;  // of those, the ones the file system allocates now
  std::uint64_t sparse = 0;  // blocks that are zeros by definition (sparse or lost runs)
};

// tsk_fs_attr_walk callback: with TSK_FS_FILE_WALK_FLAG_AONLY libtsk passes each block's
// address and its current allocation state (tsk/fs/fs_attr.c, tsk_fs_attr_walk_nonres asks
// the file system's block flags), without reading the content.
TSK_WALK_RET_ENUM count_block(TSK_FS_FILE*, TSK_OFF_T, TSK_DADDR_T, char*, size_t, TSK_FS_BLOCK_FLAG_ENUM flags,
                              void* tally_ptr) {
  auto& tally = *static_cast<BlockTally*>(tally_ptr);
  if (tally.watch->expired() || tally.mapped + tally.sparse >= tally.limit) return TSK_WALK_STOP;
  if ((flags & TSK_FS_BLOCK_FLAG_SPARSE) != 0) {
    ++tally.sparse;
  } else {
    ++tally.mapped;
    if ((flags & TSK_FS_BLOCK_FLAG_ALLOC) != 0) ++tally.reused;
  }
  return TSK_WALK_CONT;
}

}  // namespace

std::optional<Overwritten> overwritten_state(const TSK_FS_ATTR* attr, std::uint64_t size, StageWatch& watch) {
  if (attr == nullptr || attr->fs_file == nullptr || attr->fs_file->fs_info == nullptr) return std::nullopt;
  if ((attr->flags & TSK_FS_ATTR_RES) != 0) return Overwritten::none;
  BlockTally tally;
  tally.watch = &watch;
  // No file maps more blocks than its file system holds; a sparse one may claim more, but past
  // 2^24 blocks (64 GiB at 4 KiB) the state is left unknown rather than walked block by block
  // (a damaged entry may claim 2^40 bytes and more).
  const TSK_FS_INFO* fs = attr->fs_file->fs_info;
  tally.limit = std::max<std::uint64_t>(static_cast<std::uint64_t>(fs->last_block_act) + 1, std::uint64_t{1} << 24);
  if (tsk_fs_attr_walk(attr, TSK_FS_FILE_WALK_FLAG_AONLY, count_block, &tally) != 0 || watch.expired() ||
      tally.mapped + tally.sparse >= tally.limit) {
    tsk_error_reset();
    return std::nullopt;
  }
  // The blocks the content needs. A deleted FAT file's cluster chain is gone: libtsk assumes
  // the clusters follow the first one, skipping allocated ones, and when the first cluster
  // itself is allocated again it maps that one cluster only (tsk/fs/fatfs_meta.c,
  // fatfs_make_data_runs), so the blocks it maps can be fewer than the size needs.
  // Compressed NTFS content needs fewer blocks than its size: the mapped ones are the measure.
  const std::uint64_t block_size = attr->fs_file->fs_info->block_size;
  std::uint64_t needed = tally.mapped;
  if ((attr->flags & TSK_FS_ATTR_COMP) == 0 && block_size > 0) {
    const std::uint64_t blocks = (size + block_size - 1) / block_size;
    needed = std::max(needed, blocks > tally.sparse ? blocks - tally.sparse : 0);
  }
  if (tally.reused == 0) return Overwritten::none;
  return tally.reused >= needed ? Overwritten::full : Overwritten::partial;
}

}  // namespace triage
