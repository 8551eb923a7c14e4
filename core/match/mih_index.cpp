#include "core/match/mih_index.h"

#include <algorithm>
#include <array>
#include <limits>
#include <new>
#include <numeric>
#include <stdexcept>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace triage::match {

namespace {

constexpr std::size_t kChunkValues = std::size_t{1} << kChunkBits;  // 65,536 buckets per chunk
constexpr std::size_t kOffsetsPerChunk = kChunkValues + 1;          // CSR: one past each bucket

// Cost model for SearchMethod::automatic, in units of one brute-force comparison (a sequential
// 32-byte read and four popcounts). A probe reads two offsets at random in a 4 MB table; a
// candidate is a copied id plus one random read of a hash, a cache miss on large databases; a
// search has a fixed cost besides. Fitted to tests/bench/mih_bench.sh, whose table prints the
// cost of a query in these units (random databases of 20k to 10M hashes, thresholds 0..64:
// about 2.7 to 3.7 units per candidate, 3 to 6 per probe, 50 to 100 per search). Either path is
// exact: a wrong guess costs time, never results.
constexpr std::uint64_t kSearchCost = 64;
constexpr std::uint64_t kProbeCost = 5;
constexpr std::uint64_t kCandidateCost = 3;

// How many candidates ahead the verification loop asks for a hash: enough to keep several cache
// misses in flight while the current one is compared (16 to 64 measured alike; 32 a shade best).
constexpr std::size_t kPrefetchDistance = 32;

// Scratch of one thread's searches, reused to avoid an allocation per query. Released when a
// huge query (forced multi_index at a large threshold) left it bigger than this many entries.
constexpr std::size_t kScratchKeepLimit = std::size_t{1} << 22;

// Blocks from this size on get 2 MiB alignment and the huge-page hint; smaller ones a cache line.
constexpr std::size_t kHugePageBytes = std::size_t{1} << 21;
constexpr std::size_t kCacheLineBytes = 64;

// All 16-bit masks ordered by popcount, so "every value within r bits of c" is c ^ masks[i] for
// i below masks_within[r]: the probe list of one chunk is a prefix of this table.
struct MaskTable {
  std::array<std::uint16_t, kChunkValues> masks{};
  std::array<std::size_t, kChunkBits + 1> masks_within{};  // masks of popcount <= r
};

const MaskTable& mask_table() {
  static const MaskTable table = [] {
    MaskTable t;
    std::array<std::size_t, kChunkBits + 2> next{};  // counting sort by popcount
    for (std::size_t m = 0; m < kChunkValues; ++m) {
      ++next[static_cast<std::size_t>(std::popcount(m)) + 1];
    }
    std::partial_sum(next.begin(), next.end(), next.begin());
    for (std::size_t r = 0; r <= kChunkBits; ++r) t.masks_within[r] = next[r + 1];
    for (std::size_t m = 0; m < kChunkValues; ++m) {
      t.masks[next[static_cast<std::size_t>(std::popcount(m))]++] = static_cast<std::uint16_t>(m);
    }
    return t;
  }();
  return table;
}

std::size_t values_within(int radius) {
  if (radius < 0) return 0;
  return mask_table().masks_within[static_cast<std::size_t>(std::min(radius, kChunkBits))];
}

// Search radius of each chunk for threshold `limit` (0..256). Plain pigeonhole gives r =
// floor(limit / 16) for every chunk; counting more closely, with limit = 16r + a (0 <= a <= 15),
// chunks 0..a need radius r and the others only r - 1 (none at all when r = 0): were every chunk
// k <= a off by >= r + 1 bits and every other by >= r, the distance would be >= (a + 1)(r + 1) +
// (15 - a)r = limit + 1. At limit 16 that is one probe list of 17 values and 15 exact lookups
// instead of 16 lists of 17; at 31 (a = 15) it changes nothing.
void plan_radii(int limit, int (&radius_of_chunk)[kChunkCount]) {
  const int r = limit / kChunkCount;
  const int a = limit % kChunkCount;
  for (int k = 0; k < kChunkCount; ++k) radius_of_chunk[k] = k <= a ? r : r - 1;
}

inline void prefetch_for_read(const void* address) noexcept {
#if defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(address);
#else
  (void)address;
#endif
}

void check_id_range(std::size_t count) {
  if (count > std::numeric_limits<std::uint32_t>::max()) {
    throw std::length_error("hash database larger than 2^32 - 1 entries");
  }
}

std::align_val_t table_alignment(std::size_t bytes) noexcept {
  return std::align_val_t{bytes >= kHugePageBytes ? kHugePageBytes : kCacheLineBytes};
}

}  // namespace

namespace detail {

void* allocate_table_bytes(std::size_t bytes) {
  void* block = ::operator new(bytes, table_alignment(bytes));
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  // Only a hint, given before the first touch so the pages are faulted in huge; whole huge pages
  // only, and a refusal (THP disabled) changes nothing but speed.
  if (bytes >= kHugePageBytes) madvise(block, bytes - bytes % kHugePageBytes, MADV_HUGEPAGE);
#endif
  return block;
}

void free_table_bytes(void* block, std::size_t bytes) noexcept {
  ::operator delete(block, table_alignment(bytes));
}

}  // namespace detail

namespace {

// The two popcount loops, compiled twice: with the POPCNT instruction, which every x86-64 CPU
// since 2008 has, and for the baseline that Debian builds for, where std::popcount is a library
// call several times slower. The CPU is asked once (not through an ifunc resolver, which runs
// before the sanitizers' runtimes are up).
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define TRIAGE_POPCNT_TARGET __attribute__((target("popcnt")))
constexpr bool kCanDispatch = true;
#else
#define TRIAGE_POPCNT_TARGET
constexpr bool kCanDispatch = false;
#endif

bool cpu_has_popcnt() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  static const bool has = __builtin_cpu_supports("popcnt");
  return has;
#else
  return false;
#endif
}

// Bodies shared by both flavours; the tag gives each flavour its own instantiation, inlined into
// the function compiled for that target.
template <typename Flavour>
inline void scan_all_body(const Hash256* database, std::size_t n, const Hash256& query, int max_distance,
                          std::vector<Match>& matches) {
  for (std::size_t i = 0; i < n; ++i) {
    const int distance = popcount_distance(database[i], query);
    if (distance <= max_distance) matches.push_back({static_cast<std::uint32_t>(i), distance});
  }
}

// Verification of candidate ids, with the hashes prefetched a few ids ahead so that the random
// reads of a large database overlap instead of queueing.
template <typename Flavour>
inline void verify_body(const Hash256* database, const std::uint32_t* ids, std::size_t count, const Hash256& query,
                        int max_distance, std::vector<Match>& matches) {
  const auto verify = [&](std::size_t i) {
    const int distance = popcount_distance(database[ids[i]], query);
    if (distance <= max_distance) matches.push_back({ids[i], distance});
  };
  const std::size_t prefetched_end = count > kPrefetchDistance ? count - kPrefetchDistance : 0;
  std::size_t i = 0;
  for (; i < prefetched_end; ++i) {
    prefetch_for_read(database + ids[i + kPrefetchDistance]);
    verify(i);
  }
  for (; i < count; ++i) verify(i);
}

struct Baseline {};
struct WithPopcnt {};

void scan_all_baseline(const Hash256* d, std::size_t n, const Hash256& q, int max, std::vector<Match>& out) {
  scan_all_body<Baseline>(d, n, q, max, out);
}
TRIAGE_POPCNT_TARGET void scan_all_popcnt(const Hash256* d, std::size_t n, const Hash256& q, int max,
                                          std::vector<Match>& out) {
  scan_all_body<WithPopcnt>(d, n, q, max, out);
}
void verify_baseline(const Hash256* d, const std::uint32_t* ids, std::size_t n, const Hash256& q, int max,
                     std::vector<Match>& out) {
  verify_body<Baseline>(d, ids, n, q, max, out);
}
TRIAGE_POPCNT_TARGET void verify_popcnt(const Hash256* d, const std::uint32_t* ids, std::size_t n, const Hash256& q,
                                        int max, std::vector<Match>& out) {
  verify_body<WithPopcnt>(d, ids, n, q, max, out);
}

void scan_all(const Hash256* d, std::size_t n, const Hash256& q, int max, std::vector<Match>& out) {
  if (kCanDispatch && cpu_has_popcnt()) return scan_all_popcnt(d, n, q, max, out);
  scan_all_baseline(d, n, q, max, out);
}
void verify_candidates(const Hash256* d, const std::uint32_t* ids, std::size_t n, const Hash256& q, int max,
                       std::vector<Match>& out) {
  if (kCanDispatch && cpu_has_popcnt()) return verify_popcnt(d, ids, n, q, max, out);
  verify_baseline(d, ids, n, q, max, out);
}

}  // namespace

std::vector<Match> brute_force_search(std::span<const Hash256> database, const Hash256& query,
                                      int max_distance) {
  std::vector<Match> matches;
  if (max_distance < 0) return matches;
  check_id_range(database.size());
  scan_all(database.data(), database.size(), query, max_distance, matches);
  return matches;
}

// Counting sort per chunk, two passes: count bucket sizes and prefix-sum them into offsets, then
// scatter the ids. Ids are scattered in increasing order, so each bucket lists its ids sorted.
MihIndex::MihIndex(std::vector<Hash256> hashes) : hashes_(hashes.begin(), hashes.end()) {
  std::vector<Hash256>().swap(hashes);  // copied into huge-page storage; free before the tables
  check_id_range(hashes_.size());
  const std::size_t n = hashes_.size();

  // Pass 1, all chunks in one sweep: the size of bucket v goes to slot v + 1, so the inclusive
  // prefix sum below leaves slot v = start of bucket v and slot 65,536 = n.
  bucket_offsets_.assign(kChunkCount * kOffsetsPerChunk, 0);
  for (const Hash256& hash : hashes_) {
    for (int k = 0; k < kChunkCount; ++k) {
      ++bucket_offsets_[static_cast<std::size_t>(k) * kOffsetsPerChunk + chunk16(hash, k) + 1];
    }
  }
  for (std::size_t k = 0; k < kChunkCount; ++k) {
    const auto first = bucket_offsets_.begin() + static_cast<std::ptrdiff_t>(k * kOffsetsPerChunk);
    std::partial_sum(first, first + static_cast<std::ptrdiff_t>(kOffsetsPerChunk), first);
  }

  // Pass 2, the four chunks of one 64-bit word per sweep: their 4 x 65,536 write cursors (1 MB)
  // stay in cache, and the hashes are read 4 times instead of 16.
  bucket_ids_.resize(kChunkCount * n);
  constexpr int kChunksPerWord = 64 / kChunkBits;
  std::vector<std::uint32_t> cursor(kChunksPerWord * kChunkValues);
  for (std::size_t word = 0; word < 4; ++word) {
    std::uint32_t* ids[kChunksPerWord];
    for (std::size_t j = 0; j < kChunksPerWord; ++j) {
      const std::size_t chunk = word * kChunksPerWord + j;
      std::copy_n(bucket_offsets_.begin() + static_cast<std::ptrdiff_t>(chunk * kOffsetsPerChunk),
                  kChunkValues, cursor.begin() + static_cast<std::ptrdiff_t>(j * kChunkValues));
      ids[j] = bucket_ids_.data() + chunk * n;
    }
    for (std::size_t id = 0; id < n; ++id) {
      const std::uint64_t bits = hashes_[id].w[word];
      for (std::size_t j = 0; j < kChunksPerWord; ++j) {
        // Chunk 4 * word + j, as chunk16 reads it.
        const int shift = 48 - kChunkBits * static_cast<int>(j);
        const std::size_t value = static_cast<std::uint16_t>(bits >> shift);
        ids[j][cursor[j * kChunkValues + value]++] = static_cast<std::uint32_t>(id);
      }
    }
  }
}

std::size_t MihIndex::memory_bytes() const noexcept {
  return hashes_.capacity() * sizeof(Hash256) +
         (bucket_offsets_.capacity() + bucket_ids_.capacity()) * sizeof(std::uint32_t);
}

// Only loads of the offsets here and no branch on what they hold, so the out-of-order core
// overlaps the cache misses of many probes (copying each bucket right away, branching on its
// size, cost about 100 ns per probe on a 100k database). Each bucket's first ids are prefetched
// for the copy that follows.
std::size_t MihIndex::probe_buckets(const Hash256& query, const int (&radius_of_chunk)[kChunkCount],
                                    std::vector<Bucket>& out) const {
  const MaskTable& table = mask_table();
  const std::size_t n = hashes_.size();
  std::size_t total = 0;
  for (int k = 0; k < kChunkCount; ++k) {
    const std::size_t chunk = static_cast<std::size_t>(k);
    const std::uint32_t* offsets = bucket_offsets_.data() + chunk * kOffsetsPerChunk;
    const std::uint32_t* ids = bucket_ids_.data() + chunk * n;
    const std::uint16_t query_chunk = chunk16(query, k);
    const std::size_t value_count = values_within(radius_of_chunk[k]);
    for (std::size_t i = 0; i < value_count; ++i) {
      const std::size_t value = static_cast<std::uint16_t>(query_chunk ^ table.masks[i]);
      const std::uint32_t begin = offsets[value];
      const std::uint32_t size = offsets[value + 1] - begin;
      prefetch_for_read(ids + begin);
      out.push_back({ids + begin, size});
      total += size;
    }
  }
  return total;
}

std::vector<Match> MihIndex::search(const Hash256& query, int max_distance, SearchMethod method,
                                    SearchStats* stats) const {
  SearchStats unused;
  SearchStats& report = stats != nullptr ? *stats : unused;
  report = {};
  const std::size_t n = hashes_.size();
  if (max_distance < 0 || n == 0) {
    report.method = method == SearchMethod::automatic ? SearchMethod::brute_force : method;
    return {};
  }
  // Beyond 256 every hash matches; 256 keeps the radii finite.
  const int limit = std::min(max_distance, kHashBits);

  int radius_of_chunk[kChunkCount];
  plan_radii(limit, radius_of_chunk);
  std::size_t planned_probes = 0;
  for (const int radius : radius_of_chunk) planned_probes += values_within(radius);

  // Cost estimate: the index pays per probe and per candidate, brute force per hash (n). Before
  // any probe, assume uniform chunk values (n / 65,536 ids per bucket); then check the true count
  // of candidates before verifying them, so a skewed database (many equal chunks) still falls back.
  const auto index_cost = [](std::size_t probes, std::size_t candidates) {
    return kSearchCost + std::uint64_t{probes} * kProbeCost +
           std::uint64_t{candidates} * kCandidateCost;
  };
  if (method == SearchMethod::automatic &&
      index_cost(planned_probes, planned_probes * n / kChunkValues) >= n) {
    method = SearchMethod::brute_force;
  }

  thread_local std::vector<Bucket> buckets;
  thread_local std::vector<std::uint32_t> candidates;
  std::size_t candidate_count = 0;
  if (method != SearchMethod::brute_force) {
    buckets.clear();
    buckets.reserve(planned_probes);
    candidate_count = probe_buckets(query, radius_of_chunk, buckets);
    report.probes = buckets.size();
    if (method == SearchMethod::automatic && index_cost(buckets.size(), candidate_count) >= n) {
      method = SearchMethod::brute_force;  // skewed chunks: more candidates than a scan is worth
    }
  }
  if (method == SearchMethod::brute_force) {
    report.method = SearchMethod::brute_force;
    report.candidates = n;
    return brute_force_search(hashes_, query, limit);
  }
  report.method = SearchMethod::multi_index;
  report.candidates = candidate_count;

  // The candidate ids in one contiguous run, so the verification below can prefetch ahead
  // across bucket boundaries.
  candidates.resize(candidate_count);
  std::uint32_t* next = candidates.data();
  for (const Bucket& bucket : buckets) next = std::copy_n(bucket.ids, bucket.size, next);

  std::vector<Match> matches;
  verify_candidates(hashes_.data(), candidates.data(), candidate_count, query, limit, matches);
  if (candidates.capacity() > kScratchKeepLimit) std::vector<std::uint32_t>().swap(candidates);
  if (buckets.capacity() > kScratchKeepLimit) std::vector<Bucket>().swap(buckets);

  // A hash close in several chunks was found once per such chunk: sort by id, drop repeats.
  std::sort(matches.begin(), matches.end(),
            [](const Match& x, const Match& y) { return x.id < y.id; });
  matches.erase(std::unique(matches.begin(), matches.end()), matches.end());
  return matches;
}

}  // namespace triage::match
