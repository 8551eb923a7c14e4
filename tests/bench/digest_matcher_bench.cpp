// The scan's in-memory exact index, loaded from a real HASHSET.db as `triage scan --hashset`
// loads it (app/scan_hash_sets): load time (open, read the sorted digest blocks, build),
// then single-thread DigestMatcher::match() calls per second on items whose MD5, SHA-1 and
// SHA-256 are all looked up: all misses (the usual case in a scan: three index lookups each,
// nothing allocated), then half hits (a hit also reads the record's media id and category from
// the store). Not a test: run by tests/bench/digest_matcher_bench.sh, which prints the targets.
//   digest_matcher_bench HASHSET.db [LOOKUPS]
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "core/item.h"
#include "formats/hashset/hashset_store.h"
#include "app/scan_hash_sets.h"

namespace {

std::string random_hex(std::mt19937_64& rng, std::size_t bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s(bytes * 2, '0');
  for (auto& c : s) c = kHex[rng() & 0xF];
  return s;
}

std::string hex_of(const void* blob, int bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < bytes; ++i) {
    const auto b = static_cast<const unsigned char*>(blob)[i];
    s += kHex[b >> 4];
    s += kHex[b & 0xF];
  }
  return s;
}

long peak_rss_kb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  return -1;
}

// Items that hit: the MD5 of every k-th stored MD5 entry (SHA-1 and SHA-256 random), so that
// each hits one record (not timed).
std::vector<triage::Digests> sample_hits(const std::string& db_file, std::size_t count, std::mt19937_64& rng) {
  std::vector<triage::Digests> out;
  auto store = triage::HashSetStore::open_read_only(db_file);
  std::uint64_t total = 0;
  for (const auto& set : store->sets()) total += set.md5_count;
  const std::uint64_t step = std::max<std::uint64_t>(1, total / (count + 1));
  std::uint64_t i = 0;
  for (const auto& set : store->sets())
    store->for_each_digest_block(set.id, triage::StoredDigest::md5, [&](std::span<const std::uint8_t> entries, std::size_t n) {
      for (std::size_t e = 0; e < n; ++e, ++i)
        if (i % step == 0 && out.size() < count)
          out.push_back({hex_of(entries.data() + e * 20, 16), random_hex(rng, 20), random_hex(rng, 32)});
    });
  return out;
}

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
  using Clock = std::chrono::steady_clock;
  if (argc < 2) {
    std::fprintf(stderr, "usage: digest_matcher_bench HASHSET.db [LOOKUPS]\n");
    return 2;
  }
  const std::string db = argv[1];
  const std::size_t lookups = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1'000'000;
  const auto secs = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };

  const auto t0 = Clock::now();
  const double c0 = thread_cpu_seconds();
  const auto sets = triage::load_scan_hash_sets({db}, {}, std::filesystem::temp_directory_path() / "unused-cache.db");
  const auto t1 = Clock::now();
  const double c1 = thread_cpu_seconds();
  std::printf("load %zu records from %s: %.2f s wall, %.2f s CPU (target <= 3 s at 10M), peak RSS %.0f MiB\n",
              sets->matcher.record_count(), db.c_str(), secs(t0, t1), c1 - c0,
              static_cast<double>(peak_rss_kb()) / 1024.0);

  std::mt19937_64 rng(1);
  std::vector<triage::Digests> misses;
  misses.reserve(lookups);
  for (std::size_t i = 0; i < lookups; ++i) misses.push_back({random_hex(rng, 16), random_hex(rng, 20), random_hex(rng, 32)});
  std::size_t hits = 0;
  auto t2 = Clock::now();
  double c2 = thread_cpu_seconds();
  for (const auto& q : misses) hits += sets->matcher.match(q).size();
  auto t3 = Clock::now();
  double c3 = thread_cpu_seconds();
  const double miss_rate = static_cast<double>(misses.size()) / secs(t2, t3);
  const double miss_cpu_rate = static_cast<double>(misses.size()) / (c3 - c2);
  std::printf("misses: %zu match() calls (%zu hits), each looking up MD5, SHA-1 and SHA-256: %.0f calls/s "
              "= %.0f digest lookups/s wall; per CPU-second of the thread: %.0f calls = %.0f lookups "
              "(target >= 5,000,000 lookups/s per core)\n",
              misses.size(), hits, miss_rate, 3 * miss_rate, miss_cpu_rate, 3 * miss_cpu_rate);

  auto mixed = sample_hits(db, lookups / 2, rng);
  const std::size_t sampled = mixed.size();
  mixed.insert(mixed.end(), misses.begin(), misses.begin() + static_cast<std::ptrdiff_t>(std::min(misses.size(), lookups - sampled)));
  std::shuffle(mixed.begin(), mixed.end(), rng);
  hits = 0;
  t2 = Clock::now();
  c2 = thread_cpu_seconds();
  for (const auto& q : mixed) hits += sets->matcher.match(q).size();
  t3 = Clock::now();
  c3 = thread_cpu_seconds();
  std::printf("half hits: %zu match() calls (%zu hits, each reading its media id and category from the store): "
              "%.0f calls/s wall, %.0f per CPU-second\n",
              mixed.size(), hits, static_cast<double>(mixed.size()) / secs(t2, t3),
              static_cast<double>(mixed.size()) / (c3 - c2));
  return 0;
}
