#pragma once
// Where a scan's records go, on the pipeline's writer thread in walk order: the case database,
// the JSON Lines or CSV stream on stdout, the counts of the summary (and the progress line on a
// terminal), several of them at once.
#include <chrono>
#include <mutex>
#include <ostream>
#include <string>
#include <vector>

#include "app/scan_job.h"
#include "core/pipeline/evidence_source.h"
#include "core/pipeline/scan_pipeline.h"
#include "formats/casedb/case_store.h"

namespace triage {

// Writes each record to the case database; commits at batch boundaries.
class StoreSink final : public RecordSink {
 public:
  explicit StoreSink(CaseStore& store) : store_(store) {}
  void on_item(const ItemRecord& item) override;
  void on_problem(const WalkProblem& problem) override;
  void flush() override;

 private:
  CaseStore& store_;
};

// Streams JSON Lines or CSV rows in walk order.
class StreamSink final : public RecordSink {
 public:
  StreamSink(std::ostream& out, StreamFormat format);
  void on_item(const ItemRecord& item) override;
  void on_problem(const WalkProblem& problem) override;
  void flush() override;

 private:
  std::ostream& out_;
  StreamFormat format_;
  std::string buffer_;
};

// Counts for the summary, and the progress line on a terminal (when `totals` is given).
class CountingSink final : public RecordSink {
 public:
  // `diagnostics_mutex`, when given, is held while the progress line is written (alerts are
  // written to the same stream by the workers).
  CountingSink(ScanOutcome& outcome, std::ostream& diagnostics, const WalkTotals* totals,
               std::mutex* diagnostics_mutex = nullptr);
  void on_item(const ItemRecord& item) override;
  void on_problem(const WalkProblem& problem) override;
  void flush() override {}
  void finish();  // clears the progress line

 private:
  using Clock = std::chrono::steady_clock;
  void remember(const std::string& path, const std::string& what);
  void tick();

  ScanOutcome& outcome_;
  std::ostream& diag_;
  const WalkTotals* totals_;
  std::mutex* diag_mutex_;
  bool shown_ = false;
  Clock::time_point start_, last_{};
};

// Hands every record to each of its sinks, in the order they were added.
class FanOutSink final : public RecordSink {
 public:
  void add(RecordSink* sink) { sinks_.push_back(sink); }
  void on_item(const ItemRecord& item) override;
  void on_problem(const WalkProblem& problem) override;
  void flush() override;

 private:
  std::vector<RecordSink*> sinks_;
};

}  // namespace triage
