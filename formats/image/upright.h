#pragma once
// A picture turned as it is displayed: the EXIF orientation applied (internal to formats/image,
// the only folder that includes OpenCV).
#include <opencv2/core.hpp>
#include <optional>

#include "core/media/sniff.h"

namespace triage {

// EXIF orientation (TIFF/EP tag 0x0112; CIPA DC-008 4.6.4): how the stored rows map to the
// displayed picture. 1 upright, 2 mirrored, 3 rotated 180, 4 flipped, 5 transposed, 6 rotated 90
// clockwise to display, 7 transversed, 8 rotated 90 anticlockwise to display. Any other value:
// `stored` itself (the evidence's tag is not ours to trust).
cv::Mat upright(const cv::Mat& stored, int orientation);

// The picture decoded for `kind` as displayed: upright by its EXIF orientation, except HEIF and
// AVIF, whose decoder already applied their own rotation and mirror (the tag is not applied twice).
// May share `stored`'s pixels.
cv::Mat displayed(const cv::Mat& stored, const MediaKind& kind, std::optional<int> exif_orientation);

}  // namespace triage
