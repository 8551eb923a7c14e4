#pragma once
// Videos to metadata and per-frame PDQ hashes (vPDQ-style) through FFmpeg's libavformat,
// libavcodec and libswscale. The only folder that includes FFmpeg headers.
//
// Frames are decoded and converted exactly as the vPDQ reference (facebook/ThreatExchange
// vpdq/cpp, hashing/filehasher.cpp + ffmpegwrapper.cpp) does, so that the same FFmpeg build gives
// the same bits: the first video stream; frames numbered 0, 1, 2... in the order the decoder
// returns them; frame n is sampled when n % frame_step == 0 with frame_step =
// int(frame_rate / fps) (at least 1; fps 0 = every frame); each sampled frame converted from the
// codec's pixel format to RGB24 at the stream's width x height with sws_getContext(..., SWS_AREA)
// into a packed buffer (no row padding); timestamp = float(n) / float(frame_rate), with
// frame_rate = the stream's avg_frame_rate, else its r_frame_rate.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/case/case_model.h"
#include "core/item.h"
#include "core/pdq/pdq.h"
#include "core/pipeline/random_access_reader.h"
#include "core/result.h"

namespace triage {

// How many frames to hash, and when to give up on a file.
struct VideoOptions {
  double fps = 1.0;  // sampled frames per second of video; 0 = every frame
  std::uint64_t max_frames = 1'000'000;  // decoded-frame budget (about 9 hours at 30 fps)
  std::chrono::milliseconds max_time{300'000};  // wall-clock budget for one video
  std::uint64_t max_pixels = 64'000'000;  // larger frames are not decoded
  // Key frames only (fast triage): packets not flagged as key frames are never decoded, every
  // key frame is hashed (fps is ignored), its number is round(presentation time x frame rate).
  bool keyframes_only = false;
  // When set (the scan was interrupted), opening and decoding stop at once, as when the time
  // budget is spent; the caller then drops the partial result.
  const std::atomic<bool>* cancel = nullptr;
  // Also keep small grey copies of up to this many evenly spaced sampled frames (0: none), for a
  // review thumbnail strip: made from the frames decoded for hashing, kStripFrameHeight high.
  int strip_frames = 0;
};

inline constexpr int kStripFrameHeight = 72;

struct VideoHashes {
  VideoInfo info;
  std::vector<VideoFrameHash> frames;  // in frame order
  std::vector<SmallFrame> strip;       // options.strip_frames evenly spaced sampled frames (fewer if fewer)
  std::uint64_t decoded_frames = 0;
  // Set when decoding stopped early or skipped damaged data (budget exceeded, corrupt packets,
  // read error): the frames before it are kept. Stage "video".
  std::optional<Error> incomplete;
};

// Metadata only (no frame decoded beyond what stream probing needs). Error (stage "video") when
// the data is not a video FFmpeg can open or has no video stream.
Result<VideoInfo> probe_video_file(const std::string& path, const VideoOptions& options = {});
Result<VideoInfo> probe_video_buffer(std::span<const std::byte> content, const VideoOptions& options = {});

// Metadata and sampled frame hashes. Error (stage "video") when the video cannot be opened or
// not one frame could be decoded; a partial result carries `incomplete`. Never hangs: every
// FFmpeg call is bounded by options.max_time and the loop by options.max_frames.
Result<VideoHashes> hash_video_file(const std::string& path, const VideoOptions& options = {});
Result<VideoHashes> hash_video_buffer(std::span<const std::byte> content, const VideoOptions& options = {});
// Through a reader of `size` bytes (a file too large to be held in memory, read where it lies:
// inside a disk image, or by the descriptor the walker opened without touching access times).
Result<VideoHashes> hash_video_reader(RandomAccessReader& reader, std::uint64_t size, const VideoOptions& options = {});

// The FFmpeg in use (its release and libavcodec's and libavformat's versions).
std::vector<LibraryVersion> video_library_versions();
}  // namespace triage
