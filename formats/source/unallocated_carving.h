#pragma once
// Carving of still images from a file system's unallocated blocks: each contiguous run of
// unallocated blocks is searched (core/carve) and every JPEG, PNG or GIF whose structure is
// complete and which decodes becomes an item `<file system path>/unalloc@<image byte offset>`.
#include <string>

#include "core/pipeline/content_loader.h"
#include "core/pipeline/evidence_source.h"
#include "formats/source/tsk_handles.h"

namespace triage {

void carve_unallocated(TSK_FS_INFO* fs, const std::string& prefix, const ContentPolicy& policy, WalkSink& sink);

}  // namespace triage
