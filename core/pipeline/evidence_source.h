#pragma once
// The walker side of the pipeline: a source walks itself and hands items, with the bytes the
// workers need, to a sink that applies back-pressure.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/item.h"

namespace triage {

// The bytes a worker gets for one item.
struct ItemContent {
  std::vector<std::byte> bytes;          // the whole file when complete, else only its head
  bool complete = false;
  std::optional<Digests> streamed_digests;  // large files are digested while the walker reads them
  bool video_examined = false;              // a large video's frames were hashed by the walker
  bool container = false;  // an archive whose members the walker opens: digested whatever --all-files says
  bool device_database = false;  // Photos.sqlite or external.db (core/provenance/device_media.h): read whole
};

struct WalkedItem {
  ItemRecord record;
  ItemContent content;
  bool scout = false;  // read in a prioritised scan's scouting walk: digested for alerts, not recorded
};

// What a walker does with the entry at the next walk position (WalkSink::take).
enum class Take {
  examine,    // read it and hand it to item()
  committed,  // the resumed run committed it: the position is taken; a container is still opened
              // for members it did not commit
  elsewhere,  // another pass of a prioritised scan examines it: the position is taken, nothing of
              // it is read or opened
};

class WalkSink {
 public:
  virtual ~WalkSink() = default;
  // Both take the item's place in walk order; item() blocks while the queue is full. A position
  // that is not this pass's, or was committed, is passed over here too.
  virtual void item(WalkedItem&& walked) = 0;
  virtual void problem(WalkProblem&& problem) = 0;
  // True once an interruption was requested: the walker stops at the next entry.
  virtual bool stopping() const = 0;
  // Asked before an entry's content is read, with its path and size. For anything but examine
  // the position is taken and item() must not be called for it; for examine, item() follows. A
  // walker that never asks is still correct, only slower.
  virtual Take take(const std::string& path, std::uint64_t size) {
    (void)path;
    (void)size;
    return Take::examine;
  }
  bool skip_committed(const std::string& path) { return take(path, 0) != Take::examine; }
  // Scopes: the positions walked between enter_scope() and leave_scope() (a container's members,
  // right after its own item; a carving region's finds) are one unit, examined in the pass of
  // what opened them, and keep their order after it. A region without an item of its own names
  // itself (`region`): it takes a position, and false means it is not this pass's, not entered.
  virtual bool enter_scope(const std::string* region = nullptr) {
    (void)region;
    return true;
  }
  virtual void leave_scope() {}
};

// enter_scope() ... leave_scope() around a block (leaves on every path out).
class WalkScope {
 public:
  explicit WalkScope(WalkSink& sink, const std::string* region = nullptr)
      : sink_(sink), entered_(sink.enter_scope(region)) {}
  ~WalkScope() {
    if (entered_) sink_.leave_scope();
  }
  WalkScope(const WalkScope&) = delete;
  WalkScope& operator=(const WalkScope&) = delete;
  bool entered() const { return entered_; }

 private:
  WalkSink& sink_;
  bool entered_;
};

// Builds a WalkProblem and hands it to the sink (the walk order is the sink's to assign).
inline void report_problem(WalkSink& sink, std::string path, std::string kind, std::string message,
                           bool is_error = true) {
  WalkProblem p;
  p.path = std::move(path);
  p.kind = std::move(kind);
  p.message = std::move(message);
  p.is_error = is_error;
  sink.problem(std::move(p));
}

// The sink of a counting walk (EvidenceSource::count): takes nothing, stops when asked.
class StopOnlySink final : public WalkSink {
 public:
  explicit StopOnlySink(const std::atomic<bool>& stop) : stop_(stop) {}
  void item(WalkedItem&&) override {}
  void problem(WalkProblem&&) override {}
  bool stopping() const override { return stop_.load(std::memory_order_relaxed); }

 private:
  const std::atomic<bool>& stop_;
};

// What a quick count of a source found so far (for the progress line's ETA only).
struct WalkTotals {
  std::atomic<std::uint64_t> files{0}, bytes{0};
  std::atomic<bool> done{false};
};

class EvidenceSource {
 public:
  virtual ~EvidenceSource() = default;
  virtual void walk(WalkSink& sink) = 0;
  // Adds the source's file count and bytes to `totals` without reading content. Optional.
  virtual void count(WalkTotals& totals, const std::atomic<bool>& stop) {
    (void)totals;
    (void)stop;
  }
};

}  // namespace triage
