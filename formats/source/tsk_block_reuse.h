#pragma once
// Whether a deleted file's content still lies in free blocks: a block libtsk maps to the
// content that the file system now marks allocated belongs to another file (or to metadata),
// so what is read there is no longer the deleted file's.
#include <cstdint>
#include <optional>

#include "core/item.h"
#include "formats/source/tsk_handles.h"
#include "formats/source/tsk_stage_watch.h"

namespace triage {

// `attr` is the content attribute of a deleted entry, `size` its size in bytes. none when no
// block is allocated again, full when every block is, partial in between; nullopt when libtsk
// cannot walk the attribute's blocks. Resident content (inside the NTFS record) is none: the
// record is the file's own unless the entry was reallocated, which the caller decides.
// The block walk ends (nullopt) when `watch` expires: a damaged entry may claim a vast run.
std::optional<Overwritten> overwritten_state(const TSK_FS_ATTR* attr, std::uint64_t size, StageWatch& watch);

}  // namespace triage
