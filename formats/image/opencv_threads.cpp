#include "formats/image/opencv_threads.h"

#include <opencv2/core.hpp>

namespace triage {

void opencv_on_callers_thread() {
  static const bool done = [] {
    cv::setNumThreads(0);  // OpenCV: 0 runs every parallel region on the calling thread
    return true;
  }();
  (void)done;
}

}  // namespace triage
