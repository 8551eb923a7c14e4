#include "formats/source/tsk_stage_watch.h"

#include <cstdio>
#include <type_traits>

#include <fmt/format.h>

namespace triage {
namespace {

constexpr unsigned kGranuleShift = 20;  // 1 MiB
// Granules beyond this (128 TiB into the image) are never counted as progress: the bitmap of an
// image whose header claims an absurd size stays small.
constexpr std::uint64_t kMaxGranules = std::uint64_t{1} << 27;

// tsk_img_open_external (tsk/img/img_open.cpp): the caller allocates a structure whose first
// member is a TSK_IMG_INFO, and its close callback frees it (tsk_img_close calls it last).
struct GuardImage {
  TSK_IMG_INFO info;  // first: libtsk gets a pointer to it and hands it back to the callbacks
  TSK_IMG_INFO* inner;
  StageWatch* watch;
};
static_assert(std::is_standard_layout_v<GuardImage>, "libtsk casts between GuardImage* and TSK_IMG_INFO*");

ssize_t guard_read(TSK_IMG_INFO* img, TSK_OFF_T offset, char* buffer, size_t length) {
  auto* self = reinterpret_cast<GuardImage*>(img);
  if (self->watch->expired()) {
    tsk_error_reset();
    tsk_error_set_errno(TSK_ERR_IMG_READ);
    tsk_error_set_errstr("read refused: %s", self->watch->budget_spent() ? "stage budget spent" : "stop requested");
    return -1;
  }
  const ssize_t got = tsk_img_read(self->inner, offset, buffer, length);
  if (got > 0) self->watch->touched(static_cast<std::uint64_t>(offset), static_cast<std::uint64_t>(got));
  return got;
}

void guard_close(TSK_IMG_INFO* img) { delete reinterpret_cast<GuardImage*>(img); }

void guard_stat(TSK_IMG_INFO* img, FILE* out) {
  auto* self = reinterpret_cast<GuardImage*>(img);
  if (self->inner->imgstat != nullptr) self->inner->imgstat(self->inner, out);
}

}  // namespace

StageWatch::StageWatch(std::function<bool()> stopping, std::chrono::milliseconds budget)
    : stopping_(std::move(stopping)), budget_(budget), last_progress_(Clock::now()) {}

void StageWatch::begin(std::string stage) {
  stage_ = std::move(stage);
  spent_ = false;
  last_progress_ = Clock::now();
}

void StageWatch::touched(std::uint64_t offset, std::uint64_t length) {
  const std::uint64_t first = offset >> kGranuleShift;
  const std::uint64_t last = (offset + length - 1) >> kGranuleShift;
  for (std::uint64_t g = first; g <= last && g < kMaxGranules; ++g) {
    if (g >= read_granules_.size()) read_granules_.resize(g + 1);
    if (!read_granules_[g]) {
      read_granules_[g] = true;
      progress();
    }
  }
}

bool StageWatch::expired() {
  if (stopping_ && stopping_()) return true;
  if (!spent_ && budget_.count() > 0 && Clock::now() - last_progress_ > budget_) spent_ = true;
  return spent_;
}

std::string StageWatch::spent_message() const {
  return fmt::format("{} made no progress for {:g} s (no new entry or block, no image bytes not read before): "
                     "ended there (--stage-timeout); what it had not reached was not examined, the rest of the "
                     "evidence was",
                     stage_, std::chrono::duration<double>(budget_).count());
}

tsk::ImgPtr guard_image(TSK_IMG_INFO* inner, StageWatch& watch) {
  // Value-initialised: libtsk's read cache (inside TSK_IMG_INFO) starts zeroed, as
  // tsk_img_malloc gives it.
  auto* guard = new GuardImage();
  guard->inner = inner;
  guard->watch = &watch;
  TSK_IMG_INFO* img = tsk_img_open_external(guard, inner->size, inner->sector_size, guard_read, guard_close, guard_stat);
  if (img == nullptr) {
    delete guard;
    return nullptr;
  }
  return tsk::ImgPtr(img);
}

}  // namespace triage
