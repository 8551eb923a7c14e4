#include "formats/image/upright.h"

namespace triage {

cv::Mat upright(const cv::Mat& stored, int orientation) {
  cv::Mat out;
  switch (orientation) {
    case 2: cv::flip(stored, out, 1); return out;
    case 3: cv::rotate(stored, out, cv::ROTATE_180); return out;
    case 4: cv::flip(stored, out, 0); return out;
    case 5: cv::transpose(stored, out); return out;
    case 6: cv::rotate(stored, out, cv::ROTATE_90_CLOCKWISE); return out;
    case 7: {
      cv::Mat transposed;
      cv::transpose(stored, transposed);
      cv::rotate(transposed, out, cv::ROTATE_180);
      return out;
    }
    case 8: cv::rotate(stored, out, cv::ROTATE_90_COUNTERCLOCKWISE); return out;
    default: return stored;
  }
}

cv::Mat displayed(const cv::Mat& stored, const MediaKind& kind, std::optional<int> exif_orientation) {
  const bool decoder_rotates = kind.format == "heif" || kind.format == "avif";
  return decoder_rotates ? stored : upright(stored, exif_orientation.value_or(1));
}

}  // namespace triage
