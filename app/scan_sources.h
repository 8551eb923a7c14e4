#pragma once
// A scan's sources as the case records them: the integrity of a disk image (ACPO principle 1:
// its media digests before the walk and again after it), and the record of an interrupted run's
// sources when it is resumed.
#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string_view>
#include <vector>

#include "app/scan_job.h"
#include "core/case/case_model.h"
#include "core/stop.h"
#include "formats/casedb/case_store.h"
#include "formats/vmdisk/virtual_disk.h"

namespace triage {

// How long a whole-media read took (the disk benchmark compares it with dd's).
void print_read_time(std::ostream& diagnostics, std::string_view when, std::uint64_t bytes,
                     std::chrono::steady_clock::time_point started);

// The first read of a disk image: its format, segments and whole-media digests (unless `hash` is
// false). `media_read` says when it is done: "before_walk", "beside_walk" or "after_walk"
// (SourceInfo::media_read). Throws Interrupted when `stop` is requested.
void hash_before_walk(SourceInfo& info, bool hash, const ParentSearch& parents, std::ostream& diagnostics,
                      StopToken stop, std::string_view media_read = "before_walk");

// After the walk: the same digests again (a differential disk through the parents it was read
// with before), recorded in `store`. A difference (or an E01 whose media
// no longer matches its acquisition MD5) is returned as an error row for the case. Throws
// Interrupted when `stop` is requested.
std::optional<WalkProblem> verify_after_walk(const SourceInfo& info, CaseStore& store, ScanOutcome& outcome,
                                             std::ostream& diagnostics, StopToken stop);

// A source as the interrupted run recorded it, ready for the verification after the walk: its
// digests from before the first walk stand (the image is not read twice before). Throws
// ScanResumeError when the case records no such source.
SourceInfo recorded_source(const std::vector<SourceInfo>& recorded, std::uint32_t index);

}  // namespace triage
