#pragma once
// One producer hands chunks to several lanes that each read every chunk, in order, at their own
// pace (a digest per lane: MD5 on one thread, SHA-1 and SHA-256 on another). The producer owns the
// chunks' memory: it may reuse a slot once every lane has finished the chunk `depth` before (a ring
// of read-ahead buffers), or wait until all lanes are done (a caller's own buffer). The second
// hand-off shape beside ByteBudgetQueue (a FIFO each entry of which one consumer takes).
#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

namespace triage {

class LaneRing {
 public:
  LaneRing(unsigned lanes, std::size_t depth) : depth_(depth), spans_(depth), consumed_(lanes, 0) {}

  // Producer: waits until chunk number produced() may be written to its slot (produced() % depth):
  // every lane has finished the chunk `depth` before it. False once abandoned.
  bool wait_for_slot() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return produced_ - slowest() < depth_ || abandoned_; });
    return !abandoned_;
  }
  std::uint64_t produced() const {
    std::lock_guard lock(mutex_);
    return produced_;
  }
  // Producer: the next chunk, in its slot.
  void publish(std::span<const std::byte> chunk) {
    std::lock_guard lock(mutex_);
    spans_[produced_ % depth_] = chunk;
    ++produced_;
    cv_.notify_all();
  }
  // Producer: no more chunks; the lanes end once they have read every one.
  void finish() {
    std::lock_guard lock(mutex_);
    done_ = true;
    cv_.notify_all();
  }
  // Either side: stop now (a lane failed, or the producer gave up).
  void abandon() {
    std::lock_guard lock(mutex_);
    abandoned_ = done_ = true;
    cv_.notify_all();
  }
  // Producer: waits until every lane has finished every chunk published.
  void wait_drained() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return slowest() == produced_ || abandoned_; });
  }

  // Lane: its next chunk (blocks); nullopt at the end. Call finished() once done with it.
  std::optional<std::span<const std::byte>> next(unsigned lane) {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return produced_ > consumed_[lane] || done_; });
    if (abandoned_ || produced_ <= consumed_[lane]) return std::nullopt;
    return spans_[consumed_[lane] % depth_];
  }
  void finished(unsigned lane) {
    std::lock_guard lock(mutex_);
    ++consumed_[lane];
    cv_.notify_all();
  }

 private:
  std::uint64_t slowest() const { return *std::min_element(consumed_.begin(), consumed_.end()); }

  const std::size_t depth_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::span<const std::byte>> spans_;
  std::uint64_t produced_ = 0;
  std::vector<std::uint64_t> consumed_;
  bool done_ = false, abandoned_ = false;
};

}  // namespace triage
