// tests/bench/lab_search_bench.cpp: searches of a SQLite lab index in-process (no process start,
// no table printing): digest searches, and PDQ searches at distance 31 once the lab's multi-index
// is loaded, with the memory that index takes. Run by tests/bench/lab_bench.sh.
//
// Usage: lab_search_bench LAB.db [ITEMS]
//   With ITEMS, a lab holding no case is first filled with one synthetic case of ITEMS still
//   images (random digests and PDQ hashes, as `lab add` would store them, through the same
//   store). Queries: 1,000 digest searches (half present, half absent) and 1,000 PDQ searches
//   (half random hashes, half a lab hash with 0..31 bits flipped, so that half have a hit).
#include <fmt/format.h>

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "app/lab_job.h"
#include "core/match/hash256.h"
#include "formats/labdb/lab_store.h"

using namespace triage;
using Clock = std::chrono::steady_clock;

namespace {

std::string random_hex(std::mt19937_64& rng, int bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 2 * bytes; ++i) out.push_back(kHex[rng() & 15]);
  return out;
}

long status_kib(const char* key) {  // VmRSS / VmHWM of this process, in KiB
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key, 0) == 0) return std::stol(line.substr(std::string(key).size()));
  return -1;
}

double thread_cpu_ms() {  // this thread's CPU time: a query's own work, without preemption
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

struct Spread {
  double mean = 0, p99 = 0, max = 0;
  std::size_t over_1ms = 0;
};
Spread spread(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  Spread s;
  for (double v : ms) {
    s.mean += v / static_cast<double>(ms.size());
    s.over_1ms += v > 1.0 ? 1 : 0;
  }
  s.p99 = ms[ms.size() * 99 / 100];
  s.max = ms.back();
  return s;
}

void fill(SqliteLabStore& lab, std::uint64_t items) {
  std::mt19937_64 rng(23);
  LabCase c;
  c.uid = "lab-search-bench";
  c.case_ref = "BENCH";
  c.exhibit_ref = "EX1";
  c.case_dir = "/bench";
  c.added_utc = "2026-12-08T00:00:00Z";
  const auto start = Clock::now();
  lab.put_case(c, [&](LabIndex::CaseRows& rows) {
    LabItem item;
    item.media_type = "image";
    item.category = "uncategorised";
    for (std::uint64_t seq = 1; seq <= items; ++seq) {
      item.seq = seq;
      item.path = fmt::format("/bench/DCIM/IMG_{:08}.jpg", seq);
      item.size = 100000 + seq % 5000;
      item.md5 = random_hex(rng, 16);
      item.sha1 = random_hex(rng, 20);
      item.sha256 = random_hex(rng, 32);
      item.pdq = random_hex(rng, 32);
      item.pdq_quality = 100;
      rows.item(item);
    }
  });
  std::printf("filled: %llu items in %.1f s\n", static_cast<unsigned long long>(items), ms_since(start) / 1000);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: lab_search_bench LAB.db [ITEMS]\n");
    return 2;
  }
  auto lab = SqliteLabStore::open(argv[1], true);
  if (argc > 2 && lab->cases().empty()) fill(*lab, std::stoull(argv[2]));

  // Sample items (their digests and hashes) to query for.
  std::vector<LabItem> sample;
  std::uint64_t total = 0;
  for (const LabCase& c : lab->cases()) total += c.items;
  const std::uint64_t every = std::max<std::uint64_t>(1, total / 500);
  std::uint64_t n = 0;
  lab->for_each_item([&](const std::string&, const LabItem& item) {
    if (n++ % every == 0 && !item.sha1.empty() && !item.pdq.empty()) sample.push_back(item);
  });
  std::mt19937_64 rng(7);

  std::vector<double> digest_ms;
  std::size_t digest_hits = 0;
  for (int q = 0; q < 1000; ++q) {
    const std::string sha1 = q % 2 == 0 ? sample[static_cast<std::size_t>(q / 2) % sample.size()].sha1 : random_hex(rng, 20);
    const auto t = Clock::now();
    digest_hits += lab->find_digest(HashType::sha1, sha1).size();
    digest_ms.push_back(ms_since(t));
  }
  const Spread d = spread(digest_ms);
  std::printf("digest search (--sha1) over %llu items: mean %.3f ms, p99 %.3f ms, max %.3f ms (%zu hits of 1000 "
              "queries; target < 10 ms)\n",
              static_cast<unsigned long long>(total), d.mean, d.p99, d.max, digest_hits);

  const long rss_before = status_kib("VmRSS:");
  const auto load = Clock::now();
  LabPdqSearch pdq(*lab);
  const double load_s = ms_since(load) / 1000;
  std::printf("PDQ index: %zu hashes loaded in %.1f s; index and references %.0f MB, process RSS +%.0f MB (peak "
              "%.0f MB)\n",
              pdq.size(), load_s, static_cast<double>(pdq.memory_bytes()) / 1e6,
              static_cast<double>(status_kib("VmRSS:") - rss_before) / 1024,
              static_cast<double>(status_kib("VmHWM:")) / 1024);
  std::vector<double> pdq_ms, pdq_cpu_ms;
  std::size_t pdq_hits = 0;
  for (int q = 0; q < 1000; ++q) {
    match::Hash256 query;
    if (q % 2 == 0) {
      query = *match::from_hex(sample[static_cast<std::size_t>(q / 2) % sample.size()].pdq);
      const int flips = static_cast<int>(rng() % 32);
      for (int f = 0; f < flips; ++f) query.w[static_cast<std::size_t>(f % 4)] ^= std::uint64_t{1} << (rng() % 64);
    } else {
      for (auto& w : query.w) w = rng();
    }
    const auto t = Clock::now();
    const double cpu = thread_cpu_ms();
    pdq_hits += pdq.search(query, 31).size();
    pdq_ms.push_back(ms_since(t));
    pdq_cpu_ms.push_back(thread_cpu_ms() - cpu);
  }
  // The first query also prepares the item lookup and reads its first pages: shown apart.
  const double first = pdq_ms.front();
  pdq_ms.erase(pdq_ms.begin());
  pdq_cpu_ms.erase(pdq_cpu_ms.begin());
  const Spread p = spread(pdq_ms);
  const Spread c = spread(pdq_cpu_ms);
  std::printf("PDQ search at distance 31 over %zu hashes: first query %.3f ms; the other 999: mean %.3f ms, p99 %.3f "
              "ms, max %.3f ms, %zu over 1 ms; CPU time per query: mean %.3f ms, max %.3f ms, %zu over 1 ms (%zu "
              "hits of 1000 queries; target < 1 ms)\n",
              pdq.size(), first, p.mean, p.p99, p.max, p.over_1ms, c.mean, c.max, c.over_1ms, pdq_hits);
  return 0;
}
