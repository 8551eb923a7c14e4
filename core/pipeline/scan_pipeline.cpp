#include "core/pipeline/scan_pipeline.h"

#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <map>
#include <mutex>
#include <thread>
#include <variant>

#include "core/pipeline/byte_budget_queue.h"

namespace triage {
namespace {

using Result_ = std::variant<ItemRecord, WalkProblem>;

constexpr int kScoutPass = -1;

// Results arrive from the workers in any order; the writer restores walk order.
class ResultChannel {
 public:
  explicit ResultChannel(std::uint64_t first_seq) : next_seq_(first_seq) {}
  void put(std::uint64_t seq, Result_ result) {
    std::lock_guard lock(mutex_);
    pending_.emplace(seq, std::move(result));
    cv_.notify_one();
  }
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    cv_.notify_one();
  }
  // Waits up to `timeout` for the next in-order result. Returns false when finished: closed,
  // and the next position will never come (a stop request left it unexamined), so whatever
  // follows a gap is not written and the case stays a walk-order prefix for --resume.
  // `out` is empty if the wait timed out.
  bool next(std::optional<Result_>& out, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    auto has_next = [&] { return !pending_.empty() && pending_.begin()->first == next_seq_; };
    cv_.wait_for(lock, timeout, [&] { return has_next() || closed_; });
    if (has_next()) {
      out = std::move(pending_.begin()->second);
      pending_.erase(pending_.begin());
      ++next_seq_;
      return true;
    }
    out.reset();
    return !closed_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::map<std::uint64_t, Result_> pending_;
  std::uint64_t next_seq_ = 0;
  bool closed_ = false;

};

// Hands the walkers' positions on, each with its walk key; passes over what the resumed run
// committed and, in a prioritised scan, what another pass examines.
class QueueingSink final : public WalkSink {
 public:
  QueueingSink(ByteBudgetQueue<WalkedItem>& queue, ResultChannel& results, const std::atomic<bool>& stop,
               const PipelineOptions& options)
      : queue_(queue), results_(results), stop_(stop), options_(options), seq_(options.committed.size()) {}

  // Before each walk of a source: its index and the pass it is walked in (kScoutPass: the
  // scouting walk, which comes first).
  void begin(std::uint32_t source, int pass) {
    source_ = source;
    pass_ = pass;
    scouting_ = pass == kScoutPass;
    top_ = 0;
    sub_ = 0;
    depth_ = 0;
    pending_.reset();
  }

  Take take(const std::string& path, std::uint64_t size) override {
    const Slot slot = next_slot(path, size, true);
    if (slot.verdict == Take::examine) pending_ = slot;
    return slot.verdict;
  }

  void item(WalkedItem&& walked) override {
    if (stopping()) return;  // interrupted while it was read (a long video): left for --resume
    const Slot slot = claim(walked.record.path, walked.record.size, true);
    if (slot.verdict != Take::examine) return;
    if (scouting_) {  // digested for alerts by a worker, and forgotten
      walked.scout = true;
      const std::size_t bytes = walked.content.bytes.size() + sizeof(WalkedItem);
      (void)queue_.push(std::move(walked), bytes);
      return;
    }
    walked.record.seq = seq_++;
    walked.record.source_index = source_;
    walked.record.key = slot.key;
    if (options_.schedule) {
      stats_.examined[static_cast<std::size_t>(slot.priority)] += 1;
      stats_.examined_bytes[static_cast<std::size_t>(slot.priority)] += walked.record.size;
    }
    const std::size_t bytes = walked.content.bytes.size() + sizeof(WalkedItem);
    (void)queue_.push(std::move(walked), bytes);  // never abandoned: the workers drain it
  }

  void problem(WalkProblem&& problem) override {
    if (stopping()) return;
    const Slot slot = claim(problem.path, 0, false);
    if (slot.verdict != Take::examine || scouting_) return;
    problem.seq = seq_++;
    problem.source_index = source_;
    problem.key = slot.key;
    const auto seq = problem.seq;
    results_.put(seq, std::move(problem));
  }

  bool enter_scope(const std::string* region) override {
    if (region != nullptr && next_slot(*region, 0, false).verdict != Take::examine) return false;
    if (scouting_) return false;  // a container's members and carving wait for their pass
    ++depth_;
    return true;
  }
  void leave_scope() override {
    if (depth_ > 0) --depth_;
  }

  bool stopping() const override { return stop_.load(std::memory_order_relaxed); }
  std::uint64_t committed_met() const { return committed_met_; }
  // Top-level positions the first pass placed in `pass`.
  std::uint64_t placed_in(int pass) const {
    const auto it = placed_.find(pass);
    return it == placed_.end() ? 0 : it->second;
  }
  const Coverage& coverage() const { return stats_; }

 private:
  struct Slot {
    WalkKey key;
    Take verdict = Take::examine;
    int priority = 3;
  };

  // The position take() announced, or the next one.
  Slot claim(const std::string& path, std::uint64_t size, bool entry) {
    if (!pending_) return next_slot(path, size, entry);
    const Slot slot = *pending_;
    pending_.reset();
    return slot;
  }

  Slot next_slot(const std::string& path, std::uint64_t size, bool entry) {
    Slot slot;
    if (depth_ == 0) {
      slot.key = {top_++, 0};
      scope_top_ = slot.key.top;
      sub_ = 0;
    } else {
      slot.key = {scope_top_, ++sub_};
    }
    const bool first_pass = pass_ == 0;
    bool ours = true;
    if (options_.schedule && depth_ == 0) {
      const Placement at = options_.schedule(source_, path, size);
      slot.priority = std::clamp(at.priority, 1, 4);
      scope_priority_ = slot.priority;
      ours = scouting_ ? entry && options_.scout(slot.priority, size) : at.pass == pass_;
      if (first_pass) {
        placed_[at.pass] += 1;
        if (entry) {
          stats_.listed[static_cast<std::size_t>(slot.priority)] += 1;
          stats_.listed_bytes[static_cast<std::size_t>(slot.priority)] += size;
        }
      }
    } else if (options_.schedule) {
      slot.priority = scope_priority_;  // a member: its container's pass and class
    }
    if (const auto it = options_.committed.find({source_, slot.key}); it != options_.committed.end()) {
      if (path_fingerprint(path) != it->second)
        throw ResumeError(fmt::format("walk position {}.{} of source {} is now '{}', not what the interrupted run "
                                      "recorded there: the source changed since; scan it into a new case directory",
                                      slot.key.top, slot.key.sub, source_, path));
      if (scouting_) {  // committed: no alert to raise again
        slot.verdict = Take::elsewhere;
        return slot;
      }
      if (depth_ > 0 || first_pass) ++committed_met_;  // a member is met in its opener's pass only
      slot.verdict = ours ? Take::committed : Take::elsewhere;
      return slot;
    }
    slot.verdict = ours ? Take::examine : Take::elsewhere;
    return slot;
  }

  ByteBudgetQueue<WalkedItem>& queue_;
  ResultChannel& results_;
  const std::atomic<bool>& stop_;
  const PipelineOptions& options_;
  std::uint32_t source_ = 0;
  int pass_ = 0;
  bool scouting_ = false;
  std::uint64_t seq_ = 0;
  std::uint64_t top_ = 0, sub_ = 0, scope_top_ = 0;
  int depth_ = 0;
  int scope_priority_ = 3;
  std::optional<Slot> pending_;
  std::uint64_t committed_met_ = 0;
  std::map<int, std::uint64_t> placed_;
  Coverage stats_;
};

// After a stop request, queued items are not examined and an item finished after it (a video
// decode cut short by it) is not kept: they leave a gap that ends what is written, and --resume
// examines them again. Ctrl-C then waits for no queued work.
void worker_loop(ByteBudgetQueue<WalkedItem>& queue, ResultChannel& results, ItemProcessor& processor,
                 const std::atomic<bool>& stop) {
  while (auto entry = queue.pop()) {
    WalkedItem& walked = entry->first;
    if (stop.load(std::memory_order_relaxed)) {
      walked.content = {};
      queue.release(entry->second);
      continue;
    }
    if (walked.scout) {
      try {
        processor.scout(walked);
      } catch (...) {  // its own pass examines it and records what goes wrong
      }
      walked.content = {};
      queue.release(entry->second);
      continue;
    }
    try {
      processor.process(walked);
    } catch (const std::exception& e) {
      walked.record.problems.push_back({"internal", e.what()});
    } catch (...) {
      walked.record.problems.push_back({"internal", "unknown exception"});
    }
    const auto seq = walked.record.seq;
    ItemRecord record = std::move(walked.record);
    walked.content = {};  // free the bytes before releasing their budget
    queue.release(entry->second);
    if (stop.load(std::memory_order_relaxed)) continue;
    results.put(seq, std::move(record));
  }
}

}  // namespace

std::uint64_t path_fingerprint(std::string_view path) {
  std::uint64_t h = 14695981039346656037ull;  // FNV-1a 64-bit offset basis and prime
  for (const char c : path) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

unsigned default_jobs() {
  // One worker per core: the walking thread mostly waits on reads, and leaving it a core of its
  // own idled half of a two-core machine (disk benchmark: 15.0 s with one worker, 10.7 s with two).
  return std::max(1u, std::thread::hardware_concurrency());
}

PipelineStats run_pipeline(const std::vector<EvidenceSource*>& sources, const ProcessorFactory& make_processor,
                           RecordSink& sink, const PipelineOptions& options, const std::atomic<bool>& stop) {
  ByteBudgetQueue<WalkedItem> queue(options.queue_bytes);
  ResultChannel results(options.committed.size());
  QueueingSink walk_sink(queue, results, stop, options);

  const unsigned jobs = options.jobs == 0 ? 1 : options.jobs;
  std::vector<std::unique_ptr<ItemProcessor>> processors;
  for (unsigned i = 0; i < jobs; ++i) processors.push_back(make_processor());

  PipelineStats stats;
  std::exception_ptr writer_failure;
  std::thread writer([&] {
    try {
      auto last_flush = std::chrono::steady_clock::now();
      std::size_t since_flush = 0;
      std::optional<Result_> next;
      while (results.next(next, options.batch_interval)) {
        if (next) {
          if (auto* item = std::get_if<ItemRecord>(&*next)) {
            sink.on_item(*item);
            ++stats.items;
          } else {
            sink.on_problem(std::get<WalkProblem>(*next));
            ++stats.problems;
          }
          ++since_flush;
        }
        const auto now = std::chrono::steady_clock::now();
        if (since_flush >= options.batch_items || (since_flush > 0 && now - last_flush >= options.batch_interval)) {
          sink.flush();
          since_flush = 0;
          last_flush = now;
        }
      }
      sink.flush();
    } catch (...) {
      writer_failure = std::current_exception();
    }
  });

  std::vector<std::thread> workers;
  for (unsigned i = 0; i < jobs; ++i)
    workers.emplace_back([&, i] { worker_loop(queue, results, *processors[i], stop); });

  std::exception_ptr walk_failure;
  const int passes = options.schedule ? std::max(1, options.passes) : 1;
  try {
    const int first = options.schedule && options.scout ? kScoutPass : 0;
    for (int pass = first; pass < passes && !stop.load(); ++pass) {
      if (pass > 0 && walk_sink.placed_in(pass) == 0) continue;  // nothing there: no walk
      for (std::uint32_t i = 0; i < sources.size() && !stop.load(); ++i) {
        walk_sink.begin(i, pass);
        sources[i]->walk(walk_sink);
      }
    }
  } catch (...) {
    walk_failure = std::current_exception();
  }
  queue.close();
  for (auto& w : workers) w.join();
  results.close();
  writer.join();

  stats.interrupted = stop.load();
  stats.coverage = walk_sink.coverage();
  if (walk_failure) std::rethrow_exception(walk_failure);
  if (!stats.interrupted && walk_sink.committed_met() < options.committed.size())
    throw ResumeError(fmt::format("the walk now meets {} of the {} positions the interrupted run committed: the "
                                  "source changed since; scan it into a new case directory",
                                  walk_sink.committed_met(), options.committed.size()));
  if (writer_failure) std::rethrow_exception(writer_failure);
  return stats;
}

}  // namespace triage
