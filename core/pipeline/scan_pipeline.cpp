#include "core/pipeline/scan_pipeline.h"

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

class QueueingSink final : public WalkSink {
 public:
  QueueingSink(ByteBudgetQueue<WalkedItem>& queue, ResultChannel& results, const std::atomic<bool>& stop,
               const std::vector<std::uint64_t>& committed)
      : queue_(queue), results_(results), stop_(stop), committed_(committed) {}

  void set_source(std::uint32_t index) { source_index_ = index; }

  void item(WalkedItem&& walked) override {
    if (stopping()) return;  // interrupted while it was read (a long video): left for --resume
    if (pass_committed(walked.record.path)) return;
    walked.record.seq = seq_++;
    walked.record.source_index = source_index_;
    const std::size_t bytes = walked.content.bytes.size() + sizeof(WalkedItem);
    (void)queue_.push(std::move(walked), bytes);  // never abandoned: the workers drain it
  }
  void problem(WalkProblem&& problem) override {
    if (stopping()) return;
    if (pass_committed(problem.path)) return;
    problem.seq = seq_++;
    problem.source_index = source_index_;
    const auto seq = problem.seq;
    results_.put(seq, std::move(problem));
  }
  bool stopping() const override { return stop_.load(std::memory_order_relaxed); }
  bool skip_committed(const std::string& path) override { return pass_committed(path); }
  std::uint64_t count() const { return seq_; }

 private:
  // True (and the position taken) when the next position was committed by the resumed run.
  bool pass_committed(const std::string& path) {
    if (seq_ >= committed_.size()) return false;
    if (path_fingerprint(path) != committed_[seq_])
      throw ResumeError("walk position " + std::to_string(seq_) + " is now '" + path +
                        "', not what the interrupted run recorded there: the source changed since; scan it into a "
                        "new case directory");
    ++seq_;
    return true;
  }

  ByteBudgetQueue<WalkedItem>& queue_;
  ResultChannel& results_;
  const std::atomic<bool>& stop_;
  const std::vector<std::uint64_t>& committed_;
  std::uint32_t source_index_ = 0;
  std::uint64_t seq_ = 0;
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
  QueueingSink walk_sink(queue, results, stop, options.committed);

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
  for (std::uint32_t i = 0; i < sources.size() && !stop.load(); ++i) {
    walk_sink.set_source(i);
    try {
      sources[i]->walk(walk_sink);
    } catch (...) {
      walk_failure = std::current_exception();
      break;
    }
  }
  queue.close();
  for (auto& w : workers) w.join();
  results.close();
  writer.join();

  stats.interrupted = stop.load();
  if (walk_failure) std::rethrow_exception(walk_failure);
  if (!stats.interrupted && walk_sink.count() < options.committed.size())
    throw ResumeError("the walk now ends after " + std::to_string(walk_sink.count()) +
                      " positions, but the interrupted run committed " + std::to_string(options.committed.size()) +
                      ": the source changed since; scan it into a new case directory");
  if (writer_failure) std::rethrow_exception(writer_failure);
  return stats;
}

}  // namespace triage
