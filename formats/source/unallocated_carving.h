#pragma once
// Carving of still images from a file system's unallocated blocks: each contiguous run of
// unallocated blocks is searched (core/carve) and every JPEG, PNG or GIF whose structure is
// complete and which decodes becomes an item `<file system path>/unalloc@<image byte offset>`.
#include <string>

#include "core/pipeline/content_loader.h"
#include "core/pipeline/evidence_source.h"
#include "formats/source/carve_runs.h"
#include "formats/source/tsk_handles.h"
#include "formats/source/tsk_stage_watch.h"

namespace triage {

// Blocks first_block..last_block only (the caller clamps a lying file system to what the evidence
// holds); ends early when `watch` expires, each unallocated block listed being progress.
void carve_unallocated(TSK_FS_INFO* fs, TSK_DADDR_T last_block, const EvidencePath& file_system, const ContentPolicy& policy,
                       const CarvedImageCheck& decodes, WalkSink& sink, StageWatch& watch);

}  // namespace triage
