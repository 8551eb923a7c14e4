#pragma once
// OpenCV's own thread pool off: the scan already runs one worker per core, and OpenCV's parallel
// loops (resize, the cascade detector) then only add wake-ups and contention (measured: thumbnails
// cost 23% of a photo scan with the pool, see tests/bench/thumbnail_bench.sh). Internal to
// formats/image.
namespace triage {

// Idempotent and thread-safe; call before any parallel OpenCV function.
void opencv_on_callers_thread();

}  // namespace triage
