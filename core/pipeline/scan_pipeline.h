#pragma once
// walker thread -> queue bounded in bytes -> N workers -> one writer thread, which hands
// records to the sink in walk order so results never depend on --jobs or thread timing.
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/pipeline/evidence_source.h"

namespace triage {

// Per-worker analysis of one item (digests, identification, EXIF...). Each worker owns one
// processor, so implementations may keep thread-local state. Exceptions become item problems.
class ItemProcessor {
 public:
  virtual ~ItemProcessor() = default;
  virtual void process(WalkedItem& item) = 0;
  // A prioritised scan's scouting walk (PipelineOptions::scout): only what raises an alert before
  // any decoding (the digests against the alert sets); nothing of it is recorded.
  virtual void scout(WalkedItem& item) { (void)item; }
};
using ProcessorFactory = std::function<std::unique_ptr<ItemProcessor>()>;

// Receives results on the writer thread, in walk order.
class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual void on_item(const ItemRecord& item) = 0;
  virtual void on_problem(const WalkProblem& problem) = 0;
  // Called at batch boundaries (time or count) and once at the end: commit what is pending.
  virtual void flush() = 0;
};

// A walk position committed by an interrupted run: the path fingerprint recorded there.
std::uint64_t path_fingerprint(std::string_view path);  // FNV-1a 64: stable across processes

// Where a prioritised scan examines a top-level walk position: the pass (0 first) and the
// priority class it is counted under in the coverage (1 user media ... 4 system areas).
struct Placement {
  int pass = 0;
  int priority = 3;
};
using Schedule = std::function<Placement(std::uint32_t source, const std::string& path, std::uint64_t size)>;

struct PipelineOptions {
  unsigned jobs = 1;
  std::size_t queue_bytes = 96u << 20;
  std::size_t batch_items = 512;
  // A commit at least this often: what a kill or power cut can lose. WAL with synchronous=NORMAL
  // does not sync on commit, so frequent commits cost little.
  std::chrono::milliseconds batch_interval{100};
  // Resuming (--resume): the positions the interrupted run wrote, by source and walk key, with
  // the path_fingerprint of the path recorded there. The walk passes over them without handing
  // them on (each must still have that path: the walk is deterministic, so a difference means
  // the source changed); new positions get seq numbers from committed.size() on.
  std::map<std::pair<std::uint32_t, WalkKey>, std::uint64_t> committed;
  // A prioritised scan: every source is walked once per pass (`passes` of them), each top-level
  // position examined in the pass `schedule` places it in (a container's members and a carving
  // region's finds in their opener's), so that what matters most is examined first. Records then
  // arrive out of walk order: their keys give it back (CaseStore::restore_walk_order). Empty:
  // one pass, in walk order.
  Schedule schedule;
  int passes = 1;
  // With a schedule: a scouting walk first, in which the top-level entries `scout` chooses (by
  // priority class and size) are read and handed to ItemProcessor::scout only (exact alerts in
  // seconds, before the first picture is decoded); they are examined again in their own pass.
  // Empty: no scouting walk.
  std::function<bool(int priority, std::uint64_t size)> scout;
};

// Per priority class (index 1..4; 0 unused): what the walk listed (top-level entries, in the
// first pass) and what it examined (items handed on, members included), entries and bytes.
struct Coverage {
  std::array<std::uint64_t, 5> listed{}, listed_bytes{}, examined{}, examined_bytes{};
};

// The walk no longer matches what the interrupted run committed: it cannot be resumed.
class ResumeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct PipelineStats {
  std::uint64_t items = 0;
  std::uint64_t problems = 0;
  bool interrupted = false;
  Coverage coverage;  // prioritised scans only
};

// Walks the sources one after another (walk order = seq order) and processes every item.
// When `stop` becomes true the walk and the workers stop at once: queued items are dropped
// unexamined, and what is written is a walk-order prefix (nothing after the first item left
// unfinished), which --resume continues.
// Throws ResumeError when options.committed does not match the walk.
PipelineStats run_pipeline(const std::vector<EvidenceSource*>& sources, const ProcessorFactory& make_processor,
                           RecordSink& sink, const PipelineOptions& options, const std::atomic<bool>& stop);

// Default worker count: the number of cores, at least 1.
unsigned default_jobs();

}  // namespace triage
