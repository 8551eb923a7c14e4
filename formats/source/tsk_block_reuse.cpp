#include "formats/source/tsk_block_reuse.h"

#include <algorithm>

namespace triage {
namespace {

struct BlockTally {
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
  if ((flags & TSK_FS_BLOCK_FLAG_SPARSE) != 0) {
    ++tally.sparse;
  } else {
    ++tally.mapped;
    if ((flags & TSK_FS_BLOCK_FLAG_ALLOC) != 0) ++tally.reused;
  }
  return TSK_WALK_CONT;
}

}  // namespace

std::optional<Overwritten> overwritten_state(const TSK_FS_ATTR* attr, std::uint64_t size) {
  if (attr == nullptr || attr->fs_file == nullptr || attr->fs_file->fs_info == nullptr) return std::nullopt;
  if ((attr->flags & TSK_FS_ATTR_RES) != 0) return Overwritten::none;
  BlockTally tally;
  if (tsk_fs_attr_walk(attr, TSK_FS_FILE_WALK_FLAG_AONLY, count_block, &tally) != 0) {
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
