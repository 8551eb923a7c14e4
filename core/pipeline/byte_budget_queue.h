#pragma once
// A FIFO bounded by the bytes its entries hold, not by their count: the producer blocks while
// the queued plus in-process bytes exceed the budget (one oversize entry may pass alone). The one
// hand-off between a producer and consumer threads (the scan's walker and workers, a hash-set
// import's parser and SQLite writer): a consumer that fails abandons it, which frees the producer.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <utility>

namespace triage {

template <typename T>
class ByteBudgetQueue {
 public:
  explicit ByteBudgetQueue(std::size_t budget_bytes) : budget_(budget_bytes) {}

  // Blocks until the entry fits; false (the entry dropped) once the queue is abandoned. The bytes
  // stay charged until release() is called for them.
  bool push(T value, std::size_t bytes) {
    std::unique_lock lock(mutex_);
    space_.wait(lock, [&] { return abandoned_ || charged_ == 0 || charged_ + bytes <= budget_; });
    if (abandoned_) return false;
    charged_ += bytes;
    entries_.emplace_back(std::move(value), bytes);
    ready_.notify_one();
    return true;
  }

  // Blocks until an entry is available; nullopt once closed and drained.
  std::optional<std::pair<T, std::size_t>> pop() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return !entries_.empty() || closed_; });
    if (entries_.empty()) return std::nullopt;
    auto entry = std::move(entries_.front());
    entries_.pop_front();
    return entry;
  }

  // Returns bytes taken by pop() to the budget once the consumer is done with them.
  void release(std::size_t bytes) {
    std::lock_guard lock(mutex_);
    charged_ -= bytes;
    space_.notify_all();
  }

  // No more entries: pop() drains what is queued, then returns nullopt.
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    ready_.notify_all();
  }

  // Drops what is queued and ends both sides: push() returns false, pop() nullopt.
  void abandon() {
    std::lock_guard lock(mutex_);
    abandoned_ = closed_ = true;
    entries_.clear();
    ready_.notify_all();
    space_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_, space_;
  std::deque<std::pair<T, std::size_t>> entries_;
  std::size_t budget_;
  std::size_t charged_ = 0;
  bool closed_ = false, abandoned_ = false;
};

}  // namespace triage
