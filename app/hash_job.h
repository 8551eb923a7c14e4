#pragma once
// `triage hash FILE...`: the scan's analysis of loose files (every file digested), streamed as
// JSON Lines or CSV, with no case directory.
#include <atomic>
#include <ostream>
#include <string>
#include <vector>

#include "app/scan_job.h"

namespace triage {

// Returns the number of items and walk entries with errors. Videos get their metadata and one
// PDQ hash per 1/video_fps seconds (0: every frame); JSON Lines prints a line per sampled frame
// after the video's item line. video_keyframes: key frames only (VideoOptions::keyframes_only).
std::uint64_t run_hash_job(const std::vector<std::string>& files, StreamFormat format, unsigned jobs,
                           std::ostream& results, const std::atomic<bool>& interrupted, double video_fps = 1.0,
                           bool video_keyframes = false);

}  // namespace triage
