#pragma once
// A stop request (SIGINT or SIGTERM: the signal handler only sets a flag) as every long loop
// sees it: the walk, the workers, a whole-image digest, a hash-set import, report rendering.
// Loops that can return early check requested(); deep code that cannot (a reader callback,
// a renderer) throws Interrupted, which the command turns into exit status 130.
#include <atomic>
#include <stdexcept>

namespace triage {

class Interrupted : public std::runtime_error {
 public:
  Interrupted() : std::runtime_error("interrupted (stop requested)") {}
};

class StopToken {
 public:
  StopToken() = default;  // never stops
  explicit StopToken(const std::atomic<bool>& flag) : flag_(&flag) {}
  bool requested() const { return flag_ != nullptr && flag_->load(std::memory_order_relaxed); }
  void throw_if_requested() const {
    if (requested()) throw Interrupted();
  }

 private:
  const std::atomic<bool>* flag_ = nullptr;
};

}  // namespace triage
