// The scan's in-memory exact index, loaded from a real HASHSET.db as `triage scan --hashset`
// loads it (formats/scan/scan_hash_sets): load time (open, read the sorted digest blocks, build),
// then single-thread DigestMatcher::match() calls per second on items whose MD5, SHA-1 and
// SHA-256 are all looked up: all misses (the usual case in a scan: three index lookups each,
// nothing allocated), then half hits (a hit also reads the record's media id and category from
// the store). Not a test: run by tests/bench/digest_matcher_bench.sh, which prints the targets.
//   digest_matcher_bench HASHSET.db [LOOKUPS]
#include <sqlite3.h>

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
#include "formats/scan/scan_hash_sets.h"

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

// Digests of `count` records picked at random from the store (not timed).
std::vector<triage::Digests> sample_records(const std::string& db_file, std::size_t count, std::mt19937_64& rng) {
  sqlite3* db = nullptr;
  std::vector<triage::Digests> out;
  if (sqlite3_open_v2(db_file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) return out;
  sqlite3_stmt* max = nullptr;
  sqlite3_prepare_v2(db, "SELECT max(rowid) FROM records", -1, &max, nullptr);
  const sqlite3_int64 rows = sqlite3_step(max) == SQLITE_ROW ? sqlite3_column_int64(max, 0) : 0;
  sqlite3_finalize(max);
  sqlite3_stmt* q = nullptr;
  sqlite3_prepare_v2(db, "SELECT md5, sha1, sha256 FROM records WHERE rowid = ? AND md5 IS NOT NULL", -1, &q, nullptr);
  for (std::size_t tries = 0; rows > 0 && out.size() < count && tries < count * 4; ++tries) {
    sqlite3_bind_int64(q, 1, static_cast<sqlite3_int64>(rng() % static_cast<std::uint64_t>(rows)) + 1);
    if (sqlite3_step(q) == SQLITE_ROW) {
      triage::Digests d;
      for (int c = 0; c < 3; ++c) {
        std::string& h = c == 0 ? d.md5 : c == 1 ? d.sha1 : d.sha256;
        if (sqlite3_column_type(q, c) == SQLITE_BLOB) h = hex_of(sqlite3_column_blob(q, c), sqlite3_column_bytes(q, c));
      }
      out.push_back(std::move(d));
    }
    sqlite3_reset(q);
  }
  sqlite3_finalize(q);
  sqlite3_close(db);
  return out;
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
  const auto sets = triage::load_scan_hash_sets({db}, {}, std::filesystem::temp_directory_path() / "unused-cache.db");
  const auto t1 = Clock::now();
  std::printf("load %zu records from %s: %.2f s (target <= 3 s at 10M), peak RSS %.0f MiB\n",
              sets->matcher.record_count(), db.c_str(), secs(t0, t1), static_cast<double>(peak_rss_kb()) / 1024.0);

  std::mt19937_64 rng(1);
  std::vector<triage::Digests> misses;
  misses.reserve(lookups);
  for (std::size_t i = 0; i < lookups; ++i) misses.push_back({random_hex(rng, 16), random_hex(rng, 20), random_hex(rng, 32)});
  std::size_t hits = 0;
  auto t2 = Clock::now();
  for (const auto& q : misses) hits += sets->matcher.match(q).size();
  auto t3 = Clock::now();
  const double miss_rate = static_cast<double>(misses.size()) / secs(t2, t3);
  std::printf("misses: %zu match() calls (%zu hits): %.0f calls/s = %.0f digest lookups/s single thread "
              "(target >= 5,000,000 lookups/s)\n",
              misses.size(), hits, miss_rate, 3 * miss_rate);

  auto mixed = sample_records(db, lookups / 2, rng);
  const std::size_t sampled = mixed.size();
  mixed.insert(mixed.end(), misses.begin(), misses.begin() + static_cast<std::ptrdiff_t>(std::min(misses.size(), lookups - sampled)));
  std::shuffle(mixed.begin(), mixed.end(), rng);
  hits = 0;
  t2 = Clock::now();
  for (const auto& q : mixed) hits += sets->matcher.match(q).size();
  t3 = Clock::now();
  std::printf("half hits: %zu match() calls (%zu hits, each reading its media id and category from the store): "
              "%.0f calls/s single thread\n",
              mixed.size(), hits, static_cast<double>(mixed.size()) / secs(t2, t3));
  return 0;
}
