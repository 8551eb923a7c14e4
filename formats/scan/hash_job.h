#pragma once
// `triage hash FILE...`: the scan's analysis of loose files (every file digested), streamed as
// JSON Lines or CSV, with no case directory.
#include <atomic>
#include <ostream>
#include <string>
#include <vector>

#include "formats/scan/scan_job.h"

namespace triage {

// Returns the number of items and walk entries with errors.
std::uint64_t run_hash_job(const std::vector<std::string>& files, StreamFormat format, unsigned jobs,
                           std::ostream& results, const std::atomic<bool>& interrupted);

}  // namespace triage
