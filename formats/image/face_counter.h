#pragma once
// Frontal faces in a still image, a provenance signal (a selfie is one large face): OpenCV's
// cascade object detector (objdetect, CascadeClassifier::detectMultiScale) over the reduced grey
// image the PDQ hash was computed from, so the picture is decoded once. A count, never an
// identification; it never changes an item's indicator or category.
#include <filesystem>
#include <memory>
#include <optional>

#include "core/media/sniff.h"
#include "core/result.h"
#include "formats/image/image_decoder.h"

namespace triage {

// The cascade used unless the examiner names another (--face-model): Debian's opencv-data
// package, the frontal-face "alt2" Haar cascade (the fewest false detections on the suite's test
// photographs among the frontal-face cascades Debian ships; tests/formats/image/faces_test.cpp).
inline constexpr const char* kDefaultFaceModel = "/usr/share/opencv4/haarcascades/haarcascade_frontalface_alt2.xml";

struct FaceCount {
  int faces = 0;
  double largest_share = 0;  // the largest face's box over the frame's area, 0..1 (4 decimals)
};

class FaceCounter {
 public:
  // An Error (stage "faces") when the file is missing or is not a cascade OpenCV can load.
  static Result<std::unique_ptr<FaceCounter>> load(const std::filesystem::path& cascade);
  ~FaceCounter();
  FaceCounter(const FaceCounter&) = delete;
  FaceCounter& operator=(const FaceCounter&) = delete;

  // Faces in the image decoded for `kind`, displayed upright: the EXIF orientation (1..8) is
  // applied first, except to HEIF and AVIF whose decoder already applied their own rotation. Not
  // thread-safe: one counter per worker. Faces smaller than about a twelfth of the picture's
  // longer side are not counted.
  // An Error (stage "faces") only if OpenCV fails on the image.
  Result<FaceCount> count(const GreyImage& grey, const MediaKind& kind, std::optional<int> exif_orientation);

 private:
  struct Detector;
  explicit FaceCounter(std::unique_ptr<Detector> detector);
  std::unique_ptr<Detector> detector_;
};

}  // namespace triage
