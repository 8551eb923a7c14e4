// The scan's in-memory exact index (core/match/digest_matcher): time to load N records and
// build, then single-thread lookups per second (half hits, half misses). Not a test: run by
// tests/bench/digest_matcher_bench.sh, which prints ratios against the targets.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "core/digest/digests.h"
#include "core/match/digest_matcher.h"

namespace {

std::string random_hex(std::mt19937_64& rng, std::size_t bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s(bytes * 2, '0');
  for (auto& c : s) c = kHex[rng() & 0xF];
  return s;
}

long peak_rss_kb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  using Clock = std::chrono::steady_clock;
  const std::size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10'000'000;
  const std::size_t lookups = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1'000'000;
  std::mt19937_64 rng(1);
  // Records as a VICS export gives them: MD5 + SHA-1, a media id and a category.
  std::vector<triage::Digests> queries;
  triage::DigestMatcher matcher;
  const auto set = matcher.add_set({"bench", "alert"});
  const auto t0 = Clock::now();
  for (std::size_t i = 0; i < n; ++i) {
    const std::string md5 = random_hex(rng, 16), sha1 = random_hex(rng, 20);
    matcher.add_record(set, md5, sha1, "", std::to_string(i), std::to_string(i % 6));
    if (i % (n / (lookups / 2) + 1) == 0 && queries.size() < lookups / 2) queries.push_back({md5, sha1, ""});
  }
  const auto t1 = Clock::now();
  matcher.build();
  const auto t2 = Clock::now();
  while (queries.size() < lookups) queries.push_back({random_hex(rng, 16), random_hex(rng, 20), ""});
  std::shuffle(queries.begin(), queries.end(), rng);
  std::size_t hits = 0;
  const auto t3 = Clock::now();
  for (const auto& q : queries) hits += matcher.match(q).size();
  const auto t4 = Clock::now();
  const auto secs = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
  std::printf("records %zu: add %.2f s, build %.2f s (load total %.2f s), peak RSS %.0f MiB\n", n, secs(t0, t1),
              secs(t1, t2), secs(t0, t2), static_cast<double>(peak_rss_kb()) / 1024.0);
  std::printf("lookups %zu (%zu hits): %.0f lookups/s single thread\n", queries.size(), hits,
              static_cast<double>(queries.size()) / secs(t3, t4));
  return 0;
}
