#include "core/pipeline/scan_pipeline.h"

#include <doctest/doctest.h>

#include <random>
#include <thread>

#include "core/pipeline/byte_budget_queue.h"

using namespace triage;

namespace {

// A source of N synthetic items with a walk problem every 7th entry.
class FakeSource final : public EvidenceSource {
 public:
  FakeSource(std::string prefix, int count) : prefix_(std::move(prefix)), count_(count) {}
  void walk(WalkSink& sink) override {
    for (int i = 0; i < count_ && !sink.stopping(); ++i) {
      if (i % 7 == 3) {
        WalkProblem p;
        p.path = prefix_ + std::to_string(i);
        p.kind = "special_file";
        sink.problem(std::move(p));
        continue;
      }
      WalkedItem w;
      w.record.path = prefix_ + std::to_string(i);
      w.content.bytes.resize(static_cast<std::size_t>(i % 5) * 1000);
      sink.item(std::move(w));
    }
  }

 private:
  std::string prefix_;
  int count_;
};

// Sleeps a random little while so workers finish out of order.
class JitterProcessor final : public ItemProcessor {
 public:
  void process(WalkedItem& item) override {
    std::this_thread::sleep_for(std::chrono::microseconds(rng_() % 300));
    item.record.size = item.content.bytes.size();
    if (item.record.path.ends_with("13")) throw std::runtime_error("boom");
  }

 private:
  std::mt19937 rng_{std::random_device{}()};
};

class CollectingSink final : public RecordSink {
 public:
  void on_item(const ItemRecord& item) override { lines.push_back(std::to_string(item.seq) + " " + item.path + " " + std::to_string(item.size) + (item.problems.empty() ? "" : " !" + item.problems[0].message)); }
  void on_problem(const WalkProblem& p) override { lines.push_back(std::to_string(p.seq) + " " + p.path + " problem"); }
  void flush() override { ++flushes; }
  std::vector<std::string> lines;
  int flushes = 0;
};

std::vector<std::string> run_with(unsigned jobs) {
  FakeSource a("a/", 200), b("b/", 50);
  CollectingSink sink;
  PipelineOptions options;
  options.jobs = jobs;
  options.queue_bytes = 8000;  // small: exercise back-pressure
  std::atomic<bool> stop{false};
  auto stats = run_pipeline({&a, &b}, [] { return std::make_unique<JitterProcessor>(); }, sink, options, stop);
  CHECK(stats.items + stats.problems == 250);
  CHECK_FALSE(stats.interrupted);
  CHECK(sink.flushes >= 1);
  return sink.lines;
}

}  // namespace

TEST_CASE("results come out in walk order, identical for 1 and 4 workers") {
  const auto one = run_with(1);
  const auto four = run_with(4);
  REQUIRE(one.size() == 250);
  CHECK(one == four);
  CHECK(one.front() == "0 a/0 0");
  CHECK(one[3] == "3 a/3 problem");
  CHECK(one[13] == "13 a/13 3000 !boom");  // an exception is an item problem, the run goes on
  CHECK(one[200] == "200 b/0 0");
}

TEST_CASE("a stop request ends the walk and the work at once: queued items are left for --resume, no gap is written") {
  for (const unsigned jobs : {1u, 2u, 4u}) {
    CAPTURE(jobs);
    FakeSource a("a/", 100000);
    CollectingSink sink;
    std::atomic<bool> stop{false};
    std::atomic<int> examined{0};
    class StopAt50 final : public ItemProcessor {
     public:
      StopAt50(std::atomic<bool>& s, std::atomic<int>& n) : stop_(s), examined_(n) {}
      void process(WalkedItem& item) override {
        ++examined_;
        if (item.record.seq == 50) stop_.store(true);
      }
      std::atomic<bool>& stop_;
      std::atomic<int>& examined_;
    };
    PipelineOptions options;
    options.jobs = jobs;
    auto stats = run_pipeline({&a}, [&] { return std::make_unique<StopAt50>(stop, examined); }, sink, options, stop);
    CHECK(stats.interrupted);
    // The items still queued when the stop came were not examined.
    CHECK(examined.load() <= 51 + static_cast<int>(jobs));
    // Item 50 finished after the stop, so it is not kept; nothing after a gap is written.
    CHECK(sink.lines.size() <= 50);
    for (std::size_t i = 0; i < sink.lines.size(); ++i) CHECK(sink.lines[i].starts_with(std::to_string(i) + " "));
  }
}

TEST_CASE("resuming passes over the committed positions and continues with the same seqs") {
  const auto whole = run_with(2);
  for (std::size_t committed : {std::size_t{0}, std::size_t{1}, std::size_t{3}, std::size_t{120}, std::size_t{250}}) {
    CAPTURE(committed);
    FakeSource a("a/", 200), b("b/", 50);
    CollectingSink sink;
    PipelineOptions options;
    options.jobs = 3;
    for (std::size_t i = 0; i < committed; ++i) {
      const std::size_t at = i < 200 ? i : i - 200;
      options.committed.emplace(std::pair(i < 200 ? 0u : 1u, WalkKey{at, 0}),
                                path_fingerprint((i < 200 ? "a/" : "b/") + std::to_string(at)));
    }
    std::atomic<bool> stop{false};
    auto stats = run_pipeline({&a, &b}, [] { return std::make_unique<JitterProcessor>(); }, sink, options, stop);
    CHECK(stats.items + stats.problems == 250 - committed);
    CHECK(sink.lines == std::vector<std::string>(whole.begin() + static_cast<std::ptrdiff_t>(committed), whole.end()));
  }
}

TEST_CASE("resuming refuses a walk that differs from what was committed") {
  PipelineOptions options;
  for (std::uint64_t i = 0; i < 3; ++i)
    options.committed.emplace(std::pair(0u, WalkKey{i, 0}), path_fingerprint(i < 2 ? "a/" + std::to_string(i) : "a/other"));
  std::atomic<bool> stop{false};
  {
    FakeSource a("a/", 20);
    CollectingSink sink;
    CHECK_THROWS_AS(run_pipeline({&a}, [] { return std::make_unique<JitterProcessor>(); }, sink, options, stop),
                    ResumeError);
    CHECK(sink.lines.empty());
  }
  {
    FakeSource shorter("a/", 2);  // the walk now ends before the committed positions do
    CollectingSink sink;
    CHECK_THROWS_AS(run_pipeline({&shorter}, [] { return std::make_unique<JitterProcessor>(); }, sink, options, stop),
                    ResumeError);
  }
  CHECK(path_fingerprint("a/1") != path_fingerprint("a/2"));
  CHECK(path_fingerprint("") == 14695981039346656037ull);  // FNV-1a offset basis: stable across runs
}

TEST_CASE("the byte budget queue blocks the producer until bytes are released") {
  ByteBudgetQueue<int> q(100);
  q.push(1, 60);
  std::atomic<bool> pushed{false};
  std::thread producer([&] {
    q.push(2, 60);
    pushed = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK_FALSE(pushed.load());
  auto first = q.pop();
  REQUIRE(first);
  CHECK(first->first == 1);
  q.release(first->second);
  producer.join();
  CHECK(pushed.load());
  q.close();
  auto second = q.pop();
  REQUIRE(second);
  CHECK(second->first == 2);
  CHECK_FALSE(q.pop());
}
