// tests/bench/mih_bench.cpp: MihIndex against brute force on random 256-bit hashes, one run.
// Built and run by tests/bench/mih_bench.sh (not part of the test suite). Prints, per database
// size: index build time and bytes, single-threaded queries/s of the index and of a brute-force
// scan at distance 31, an exact-recall check of the index against brute force on a sample of
// queries, and a table over thresholds 0..63 (forced index vs automatic vs scan) from which the
// cost constants in core/match/mih_index.cpp are taken.
// Usage: mih_bench [--no-table] [database sizes...]   (default 1000000 10000000)
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <string>
#include <vector>

#include "core/match/mih_index.h"

using namespace triage::match;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// SplitMix64: fast, good enough to make uniform random hashes.
struct SplitMix64 {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t bound) { return static_cast<std::size_t>(next() % bound); }
};

Hash256 random_hash(SplitMix64& rng) {
  Hash256 hash;
  for (std::uint64_t& word : hash.w) word = rng.next();
  return hash;
}

// `count` distinct random bits flipped.
Hash256 flip_bits(Hash256 hash, int count, SplitMix64& rng) {
  Hash256 done{};
  for (int flipped = 0; flipped < count;) {
    const std::size_t bit = rng.below(256);
    const std::uint64_t mask = std::uint64_t{1} << (bit % 64);
    if ((done.w[bit / 64] & mask) != 0) continue;
    done.w[bit / 64] |= mask;
    hash.w[bit / 64] ^= mask;
    ++flipped;
  }
  return hash;
}

// The value of `key` in a /proc/self file ("VmHWM:" in status, "AnonHugePages:" in smaps_rollup).
std::string proc_value(const char* file, const char* key) {
  std::ifstream status(file);
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(key, 0) == 0) {
      const auto digits = line.find_first_of("0123456789");
      return digits == std::string::npos ? "?" : line.substr(digits);
    }
  }
  return "?";
}

struct Timing {
  double queries_per_second = 0;      // by wall-clock time
  double queries_per_cpu_second = 0;  // by this process's CPU time (less hurt by a busy machine)
  double mean_candidates = 0;
  double mean_probes = 0;
  double mean_results = 0;
  double index_share = 0;  // fraction of queries answered through the chunk tables
  std::size_t queries = 0;
};

// Runs the queries round-robin until `min_seconds` passed (at least `min_queries`).
Timing time_queries(const MihIndex& index, const std::vector<Hash256>& queries, int distance,
                    SearchMethod method, double min_seconds, std::size_t min_queries) {
  Timing timing;
  std::size_t results = 0, candidates = 0, probes = 0, through_index = 0;
  const auto start = Clock::now();
  const std::clock_t cpu_start = std::clock();
  double elapsed = 0;
  while (timing.queries < min_queries || elapsed < min_seconds) {
    SearchStats stats;
    results += index.search(queries[timing.queries % queries.size()], distance, method, &stats).size();
    candidates += stats.candidates;
    probes += stats.probes;
    if (stats.method == SearchMethod::multi_index) ++through_index;
    ++timing.queries;
    if (timing.queries % 8 == 0 || timing.queries >= min_queries) elapsed = seconds_since(start);
  }
  const double cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  const double n = static_cast<double>(timing.queries);
  timing.queries_per_second = n / elapsed;
  timing.queries_per_cpu_second = cpu_seconds > 0 ? n / cpu_seconds : 0;
  timing.mean_candidates = static_cast<double>(candidates) / n;
  timing.mean_probes = static_cast<double>(probes) / n;
  timing.mean_results = static_cast<double>(results) / n;
  timing.index_share = static_cast<double>(through_index) / n;
  return timing;
}

void run(std::size_t database_size, std::uint64_t seed, bool with_table) {
  constexpr int kDistance = 31;
  SplitMix64 rng{seed};
  std::printf("\n== %zu random hashes\n", database_size);

  std::vector<Hash256> database(database_size);
  for (Hash256& hash : database) hash = random_hash(rng);
  // Queries: half uniform random (almost surely no match at 31), half planted near-duplicates,
  // a database hash with 0..31 bits flipped (at least that one match), interleaved.
  std::vector<Hash256> queries;
  for (int i = 0; i < 1000; ++i) {
    if (i % 2 == 0) {
      queries.push_back(random_hash(rng));
    } else {
      const Hash256& near = database[rng.below(database_size)];
      queries.push_back(flip_bits(near, static_cast<int>(rng.below(kDistance + 1)), rng));
    }
  }

  const auto build_start = Clock::now();
  const std::clock_t build_cpu_start = std::clock();
  const MihIndex index(std::move(database));
  const double build_seconds = seconds_since(build_start);
  const double build_cpu_seconds = static_cast<double>(std::clock() - build_cpu_start) / CLOCKS_PER_SEC;
  std::printf("build            %.2f s wall, %.2f s CPU   (target <= 10 s at 10M); layout %d chunks of %d-%d bits\n",
              build_seconds, build_cpu_seconds, index.layout().chunks, 256 / index.layout().chunks,
              (256 + index.layout().chunks - 1) / index.layout().chunks);
  std::printf("index memory     %.1f MiB computed (hashes %.1f + chunk tables %.1f)\n",
              static_cast<double>(index.memory_bytes()) / 1048576.0,
              static_cast<double>(index.size() * sizeof(Hash256)) / 1048576.0,
              static_cast<double>(index.memory_bytes() - index.size() * sizeof(Hash256)) / 1048576.0);
  std::printf("process memory   VmRSS %s   VmHWM %s   of which in huge pages %s\n",
              proc_value("/proc/self/status", "VmRSS:").c_str(), proc_value("/proc/self/status", "VmHWM:").c_str(),
              proc_value("/proc/self/smaps_rollup", "AnonHugePages:").c_str());

  // Warm-up: the first touches of the tables and the thread-local scratch.
  time_queries(index, queries, kDistance, SearchMethod::multi_index, 0.2, 50);

  const Timing mih = time_queries(index, queries, kDistance, SearchMethod::automatic, 3.0, 1000);
  const Timing brute = time_queries(index, queries, kDistance, SearchMethod::brute_force, 3.0, 10);
  std::printf("distance %d, single thread:\n", kDistance);
  std::printf("  MIH (automatic)  %10.0f queries/s wall  %10.0f per CPU second  (target >= 2,000 at 10M)\n",
              mih.queries_per_second, mih.queries_per_cpu_second);
  std::printf("                   %zu queries: %.0f%% via the index, %.0f candidates and %.2f results each\n",
              mih.queries, 100.0 * mih.index_share, mih.mean_candidates, mih.mean_results);
  std::printf("  brute force      %10.1f queries/s wall  %10.1f per CPU second\n", brute.queries_per_second,
              brute.queries_per_cpu_second);
  std::printf("                   %zu queries: %.2f ns per hash (CPU)\n", brute.queries,
              1e9 / brute.queries_per_cpu_second / static_cast<double>(index.size()));
  std::printf("  speed-up         %10.1fx wall %10.1fx CPU\n", mih.queries_per_second / brute.queries_per_second,
              mih.queries_per_cpu_second / brute.queries_per_cpu_second);

  // Exact recall: the index must return exactly the brute-force set (ids and distances).
  const std::size_t sample = std::min<std::size_t>(queries.size(), database_size >= 5000000 ? 100 : 300);
  std::size_t identical = 0, expected_matches = 0, found_matches = 0;
  for (std::size_t q = 0; q < sample; ++q) {
    const std::vector<Match> expected = brute_force_search(index.hashes(), queries[q], kDistance);
    const std::vector<Match> got = index.search(queries[q], kDistance, SearchMethod::multi_index);
    if (got == expected) ++identical;
    expected_matches += expected.size();
    for (const Match& match : expected) {
      if (std::find(got.begin(), got.end(), match) != got.end()) ++found_matches;
    }
  }
  std::printf("recall check     %zu/%zu queries identical to brute force, %zu/%zu matches found%s\n", identical,
              sample, found_matches, expected_matches,
              identical == sample && found_matches == expected_matches ? "  (exact)" : "  ** NOT EXACT **");

  if (!with_table) return;

  // Thresholds: forced index against the scan, and what automatic chooses. The cost model (units:
  // one brute-force comparison) should pick the index exactly where its column beats the scan.
  // Rates here are per CPU second of this process, the figure least disturbed by other load.
  const double scan_ns_per_hash = 1e9 / brute.queries_per_cpu_second / static_cast<double>(index.size());
  std::printf("threshold table, queries per CPU second (scan: %.1f, %.2f ns per hash = 1 unit)\n",
              brute.queries_per_cpu_second, scan_ns_per_hash);
  std::printf("  %4s %12s %12s %12s %10s %12s %12s\n", "D", "MIH q/s", "auto q/s", "auto->index", "probes",
              "candidates", "MIH units");
  for (const int threshold : {0, 8, 15, 16, 24, 31, 32, 40, 47, 48, 56, 63, 64}) {
    const Timing forced = time_queries(index, queries, threshold, SearchMethod::multi_index, 0.4, 4);
    const Timing automatic = time_queries(index, queries, threshold, SearchMethod::automatic, 0.4, 4);
    // Cost of one forced-index query in units of one scanned hash.
    const double units = 1e9 / forced.queries_per_cpu_second / scan_ns_per_hash;
    std::printf("  %4d %12.0f %12.0f %11.0f%% %10.0f %12.0f %12.0f\n", threshold, forced.queries_per_cpu_second,
                automatic.queries_per_cpu_second, 100.0 * automatic.index_share, forced.mean_probes,
                forced.mean_candidates, units);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::size_t> sizes;
  bool with_table = true;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--no-table") {
      with_table = false;
    } else {
      sizes.push_back(static_cast<std::size_t>(std::strtoull(argv[i], nullptr, 10)));
    }
  }
  if (sizes.empty()) sizes = {1000000, 10000000};
  std::printf("mih_bench: 256-bit hashes, single-threaded queries (layout per database below)\n");
  for (std::size_t i = 0; i < sizes.size(); ++i) run(sizes[i], 0x5eed0000u + i, with_table);
  std::printf("\npeak RSS of the whole run (VmHWM) %s\n", proc_value("/proc/self/status", "VmHWM:").c_str());
  return 0;
}
