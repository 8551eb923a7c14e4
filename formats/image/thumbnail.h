#pragma once
// Thumbnails for review: a small JPEG of a still image made from the grey picture its PDQ hash
// was computed from (no second decode; grey because that decode reads a JPEG's luma only, which
// is also the review page's welfare default).
#include <cstdint>
#include <optional>
#include <vector>

#include "core/item.h"
#include "core/media/sniff.h"
#include "core/result.h"
#include "formats/image/image_decoder.h"

namespace triage {

inline constexpr int kThumbnailSide = 256;
inline constexpr int kVideoStripFrames = 4;  // frames side by side in a video's thumbnail  // the longer side, in pixels (smaller pictures keep their size)

// JPEG bytes of the picture as displayed (EXIF orientation applied; see upright.h), shrunk so its
// longer side is at most kThumbnailSide. Deterministic: the same picture gives the same bytes. An
// Error (stage "thumbnail") only if OpenCV fails.
Result<std::vector<std::uint8_t>> thumbnail_jpeg(const GreyImage& grey, const MediaKind& kind,
                                                 std::optional<int> exif_orientation);

// A video's thumbnail: its strip frames (formats/video, kept while hashing) side by side, each
// turned by the stream's rotation (degrees clockwise: 0, 90, 180, 270), as grey JPEG bytes. An
// Error (stage "thumbnail") when there is no frame or OpenCV fails.
Result<std::vector<std::uint8_t>> video_strip_jpeg(const std::vector<SmallFrame>& frames, int rotation);

}  // namespace triage
