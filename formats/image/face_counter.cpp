#include "formats/image/face_counter.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>
#include <string_view>

#include "formats/image/opencv_threads.h"
#include "formats/image/upright.h"

namespace triage {
namespace {

// Detection runs on the picture shrunk so its longer side is kDetectSide: a selfie's face stays
// tens of pixels wide, and the cost no longer grows with the photo (a 6-megapixel photo and a
// thumbnail cost the same). The Haar cascades are trained on 20x20 windows, so the smallest face
// counted is 20 px, about a twelfth of that side. kScaleStep and kNeighbours are OpenCV's
// documented defaults except a looser neighbour count (3), which kept the small faces of the
// suite's photographs without adding a false one.
constexpr int kDetectSide = 240;
constexpr double kScaleStep = 1.1;
constexpr int kNeighbours = 3;
constexpr int kMinFace = 20;

}  // namespace

struct FaceCounter::Detector {
  cv::CascadeClassifier cascade;
};

FaceCounter::FaceCounter(std::unique_ptr<Detector> detector) : detector_(std::move(detector)) {}
FaceCounter::~FaceCounter() = default;

Result<std::unique_ptr<FaceCounter>> FaceCounter::load(const std::filesystem::path& cascade) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(cascade, ec))
    return Error{"faces", fmt::format("face model '{}' is not a file (Debian: apt install opencv-data)",
                                      cascade.string())};
  auto detector = std::make_unique<Detector>();
  try {
    if (!detector->cascade.load(cascade.string()) || detector->cascade.empty())
      return Error{"faces", fmt::format("face model '{}' is not an OpenCV cascade", cascade.string())};
  } catch (const cv::Exception& e) {  // OpenCV's XML reader throws on a file it cannot parse
    return Error{"faces", fmt::format("face model '{}' is not an OpenCV cascade ({})", cascade.string(), e.err)};
  }
  return std::unique_ptr<FaceCounter>(new FaceCounter(std::move(detector)));
}

Result<FaceCount> FaceCounter::count(const GreyImage& grey, const MediaKind& kind,
                                     std::optional<int> exif_orientation) {
  if (grey.grey.size() < static_cast<std::size_t>(grey.rows) * static_cast<std::size_t>(std::max(grey.cols, 0)))
    return Error{"faces", "picture smaller than its size says"};
  if (grey.rows < kMinFace || grey.cols < kMinFace) return FaceCount{};
  opencv_on_callers_thread();
  try {
    // OpenCV only reads through this header.
    const cv::Mat stored(grey.rows, grey.cols, CV_8UC1, const_cast<std::uint8_t*>(grey.grey.data()));
    cv::Mat small = stored;
    const double scale = static_cast<double>(kDetectSide) / std::max(grey.rows, grey.cols);
    if (scale < 1) cv::resize(stored, small, cv::Size(), scale, scale, cv::INTER_AREA);
    cv::Mat picture = displayed(small, kind, exif_orientation);
    if (picture.data == grey.grey.data()) picture = picture.clone();  // equalised in place below
    cv::equalizeHist(picture, picture);
    std::vector<cv::Rect> faces;
    detector_->cascade.detectMultiScale(picture, faces, kScaleStep, kNeighbours, 0, cv::Size(kMinFace, kMinFace));
    FaceCount out;
    out.faces = static_cast<int>(faces.size());
    double largest = 0;
    for (const cv::Rect& f : faces) largest = std::max(largest, static_cast<double>(f.area()));
    const double share = largest / (static_cast<double>(picture.rows) * picture.cols);
    out.largest_share = std::round(std::min(share, 1.0) * 10'000) / 10'000;
    return out;
  } catch (const cv::Exception& e) {
    return Error{"faces", fmt::format("face detection failed: {}", e.err)};
  }
}

}  // namespace triage
