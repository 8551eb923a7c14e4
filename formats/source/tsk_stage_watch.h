#pragma once
// Bounds what libtsk does on a lying or damaged image. An exFAT boot sector claiming 2^42
// sectors made carving's block walk run for hours, and nothing in it looked at SIGTERM: libtsk
// loops call back only when they have something to give, and some never do.
//
// Every read libtsk makes goes through a guard image (guard_image) that fails it once a stop is
// requested or the current stage has made no progress for its budget; walk callbacks ask the
// same watch and return TSK_WALK_STOP. Progress is a new directory entry or block listed, or a
// read of image bytes not read before in this walk (1 MiB granules): a finite image holds only
// so much of either, so a loop that goes round without end runs out of progress and is ended.
// (libtsk 4.11 reports a refused read of a length that is not a whole number of sectors as a
// success over zeros, img_io.c: zeros end its parsers' loops as surely, and the callbacks stop.)
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "formats/source/tsk_handles.h"

namespace triage {

class StageWatch {
 public:
  using Clock = std::chrono::steady_clock;
  // `stopping` is asked on every read and callback (a stop request ends every stage at once);
  // a zero `budget` means none.
  StageWatch(std::function<bool()> stopping, std::chrono::milliseconds budget);

  // A new stage ("file walk", "carving"...): its no-progress clock starts now.
  void begin(std::string stage);
  void progress() { last_progress_ = Clock::now(); }
  // A read of `length` image bytes at `offset`: progress when any of it was not read before.
  void touched(std::uint64_t offset, std::uint64_t length);
  // True once a stop is requested or the stage's budget is spent (until the next begin()).
  bool expired();
  bool budget_spent() const { return spent_; }
  // "file walk made no progress for 30 s (...)": the error row's message.
  std::string spent_message() const;

 private:
  std::function<bool()> stopping_;
  std::chrono::milliseconds budget_;
  std::string stage_;
  Clock::time_point last_progress_;
  bool spent_ = false;
  std::vector<bool> read_granules_;
};

// An image reading `inner` through `watch`; both must outlive it. Its size and sector size are
// inner's, so a file system opened on it sees the same image.
tsk::ImgPtr guard_image(TSK_IMG_INFO* inner, StageWatch& watch);

}  // namespace triage
