#pragma once
// Walks one file system libtsk opened: every directory entry, allocated and deleted,
// recursively, orphans included ($OrphanFiles); one item per regular file, and on NTFS one
// per $DATA attribute (alternate data streams are their own items, as fls lists them).
#include <string>

#include "core/evidence/evidence_path.h"
#include "core/pipeline/content_loader.h"
#include "core/pipeline/evidence_source.h"
#include "formats/source/tsk_handles.h"
#include "formats/source/tsk_stage_watch.h"

namespace triage {

// `file_system` is the evidence path of the volume holding the file system (`image/p2(ntfs@1048576)`,
// or `image` for a file system at offset 0); items are its files (`image/p2(ntfs@1048576):/dir/name`).
// With `totals`, only counts the files and their sizes (for the progress line): nothing is read
// and nothing reported; `sink` is asked only whether to stop.
// The walk ends early when `watch` expires (a stop request, or no progress for its budget: the
// caller, who began the stage, reports that); each entry listed is progress.
void walk_file_system(TSK_FS_INFO* fs, const EvidencePath& file_system, const ContentPolicy& policy, WalkSink& sink,
                      StageWatch& watch, WalkTotals* totals = nullptr);

// The address of an entry as fls prints it: the metadata address, and for an NTFS attribute
// "-type-id" after it (tsk/fs/fs_name.c, tsk_fs_name_print).
std::string tsk_address(std::uint64_t meta_addr, const TSK_FS_ATTR* attr);

}  // namespace triage
