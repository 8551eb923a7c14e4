// tests/bench/cluster_bench.cpp: near-duplicate clustering (core/cluster) of a large case's PDQ
// hashes: BENCH_HASHES random hashes (default 1,000,000), a tenth of them planted near-duplicates
// of others (0..24 bits flipped, chains of up to four), clustered at distance 31 on two threads.
// Prints the time, the peak memory (target: 60 s and 2 GB), whether every planted group came out
// as one cluster and no unrelated hash joined one, and the peer: the quadratic all-pairs pass the
// index avoids, timed on a sample and extrapolated to the same size; then the same items as a
// case's still images, each also offering its mirror image's hash (BENCH_NO_MIRRORS skips it).
// Not part of the test suite.
#include <fmt/format.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdlib>
#include <random>

#include "core/cluster/near_duplicates.h"

using triage::ClusterItem;
using triage::match::Hash256;

namespace {

// `h` with up to `bits` bits flipped (a bit drawn twice flips back).
Hash256 flipped(Hash256 h, int bits, std::mt19937_64& rng) {
  for (int i = 0; i < bits; ++i) {
    const auto p = rng() % 256;
    h.w[p / 64] ^= std::uint64_t{1} << (p % 64);
  }
  return h;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

int main() {
  const char* env = std::getenv("BENCH_HASHES");
  const std::size_t n = env ? std::strtoull(env, nullptr, 10) : 1'000'000;
  std::mt19937_64 rng(2026);
  std::vector<ClusterItem> items(n);
  std::vector<std::uint32_t> planted_of(n);  // the item a planted hash copies; itself otherwise
  for (std::size_t i = 0; i < n; ++i) {
    planted_of[i] = static_cast<std::uint32_t>(i);
    items[i].sha1 = fmt::format("{:040x}", i);
    if (i > 0 && rng() % 10 == 0) {
      const auto of = static_cast<std::uint32_t>(rng() % i);
      planted_of[i] = planted_of[of];
      // At most 15 bits from what it copies: two steps of a chain stay within 31 of each other.
      items[i].hashes.push_back(flipped(items[of].hashes[0], static_cast<int>(rng() % 16), rng));
    } else {
      items[i].hashes.push_back(Hash256{{rng(), rng(), rng(), rng()}});
    }
  }
  const auto start = std::chrono::steady_clock::now();
  const auto clusters = triage::cluster_near_duplicates(items, {.max_distance = 31, .threads = 2});
  const double took = seconds_since(start);
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  // A case's still images also offer their mirror image's hash: the same items, each with one.
  double with_mirrors = 0;
  if (std::getenv("BENCH_NO_MIRRORS") == nullptr) {
    for (auto& item : items) item.mirrors.push_back(Hash256{{rng(), rng(), rng(), rng()}});
    const auto mirror_start = std::chrono::steady_clock::now();
    const auto again = triage::cluster_near_duplicates(items, {.max_distance = 31, .threads = 2});
    with_mirrors = seconds_since(mirror_start);
    if (again != clusters) fmt::print("random mirror hashes changed the clusters\n");
    for (auto& item : items) item.mirrors.clear();
  }

  // Planted groups: every member in its seed's cluster; and no cluster holds two seeds (random
  // 256-bit hashes are some 128 bits apart: none is within 31 of another by chance).
  std::size_t wrong = 0, planted = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (planted_of[i] != i) ++planted;
    if (clusters[i] != clusters[planted_of[i]]) ++wrong;
    if (planted_of[i] == i && clusters[i] != i) ++wrong;
  }

  // The peer: every pair compared (what clustering without an index does), on a sample.
  const std::size_t sample = std::min<std::size_t>(n, 20'000);
  const auto peer_start = std::chrono::steady_clock::now();
  std::size_t near = 0;
  for (std::size_t i = 0; i < sample; ++i)
    for (std::size_t j = i + 1; j < sample; ++j)
      near += triage::match::popcount_distance(items[i].hashes[0], items[j].hashes[0]) <= 31;
  const double peer_sample = seconds_since(peer_start);
  const double scale = static_cast<double>(n) / static_cast<double>(sample);
  const double peer = peer_sample * scale * scale;

  fmt::print("clustered {} hashes ({} planted near-duplicates) at distance 31 on 2 threads: {:.1f} s (target <= 60 s), "
             "peak memory {:.0f} MB (target <= 2048 MB)\n",
             n, planted, took, static_cast<double>(usage.ru_maxrss) / 1024.0);
  fmt::print("planted groups split or unrelated hashes joined: {} (must be 0)\n", wrong);
  if (with_mirrors > 0)
    fmt::print("the same {} items as still images, each also offering a mirror-image hash: {:.1f} s\n", n, with_mirrors);
  fmt::print("peer, every pair compared: {:.2f} s for {} hashes ({} pairs near), so about {:.0f} s for {}: "
             "{:.0f}x the clustering's time\n",
             peer_sample, sample, near, peer, n, peer / took);
  return wrong == 0 ? 0 : 1;
}
