#include "core/match/mih_index.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <exception>
#include <limits>
#include <mutex>
#include <new>
#include <numeric>
#include <stdexcept>
#include <thread>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace triage::match {

namespace {

// Cost model for SearchMethod::automatic and for the choice of layout, in units of one
// brute-force comparison (a sequential 32-byte read and four popcounts). A probe reads two
// offsets at random and then its bucket's ids; a candidate is a copied id plus one random read of
// a hash, a cache miss on large databases; a search has a fixed cost besides. Fitted to
// tests/bench/mih_bench.sh, whose table prints the cost of a query in these units (random
// databases of 20k to 10M hashes, thresholds 0..64: about 2.7 to 3.7 units per candidate, 3 to 6
// per probe, 50 to 100 per search). Either path is exact: a wrong guess costs time, never results.
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

// Offset tables may take this many bytes per database hash (16 chunks of 16 bits always allowed).
constexpr std::size_t kOffsetBytesPerHash = 16;

int chunk_width(int chunks, int k) { return kHashBits / chunks + (k < kHashBits % chunks ? 1 : 0); }

// Bits [start, start + width) of the hash, counted from its most significant bit (width <= 32).
inline std::uint32_t chunk_value(const Hash256& h, int start, int width) noexcept {
  const std::size_t word = static_cast<std::size_t>(start / 64);
  const int offset = start % 64;
  const std::uint64_t mask = (std::uint64_t{1} << width) - 1;
  if (offset + width <= 64) return static_cast<std::uint32_t>((h.w[word] >> (64 - offset - width)) & mask);
  const int spill = offset + width - 64;  // low bits taken from the next word
  return static_cast<std::uint32_t>(((h.w[word] << spill) | (h.w[word + 1] >> (64 - spill))) & mask);
}

// Values within `radius` bits of a `width`-bit chunk value: sum of C(width, i), i <= radius.
std::uint64_t values_within(int width, int radius) {
  if (radius < 0) return 0;
  if (radius >= width) return std::uint64_t{1} << width;
  std::uint64_t total = 0, binomial = 1;  // C(width, i)
  for (int i = 0; i <= radius; ++i) {
    total += binomial;
    binomial = binomial * static_cast<std::uint64_t>(width - i) / static_cast<std::uint64_t>(i + 1);
  }
  return total;
}

// Radii for threshold `limit` (0..256): any radii with sum(r_k + 1) >= limit + 1 are exact (were
// every chunk off by more than its radius, the distance would be >= limit + 1). Greedy on the
// estimated cost: each step widens the chunk whose next radius adds the fewest probes and
// candidates, so wide chunks (few ids per value) take the larger radii. With 16 equal chunks that
// is radius floor(limit / 16) or one less, as the plain pigeonhole argument gives.
std::uint64_t plan_radii(const int* widths, int chunks, std::size_t n, int limit, int* radius) {
  const auto cost_of = [&](int k, int r) {
    const std::uint64_t values = values_within(widths[k], r);
    if (r >= widths[k]) return std::uint64_t{kProbeCost} + n * kCandidateCost;  // the whole chunk, one bucket
    return values * kProbeCost + (values * n >> widths[k]) * kCandidateCost;
  };
  int covered = 0;  // sum(r_k + 1)
  for (int k = 0; k < chunks; ++k) radius[k] = -1;
  std::uint64_t total = 0;
  while (covered < limit + 1) {
    int best = -1;
    std::uint64_t best_step = 0;
    for (int k = 0; k < chunks; ++k) {
      if (radius[k] >= widths[k]) continue;  // already the whole chunk
      const std::uint64_t now = radius[k] < 0 ? 0 : cost_of(k, radius[k]);
      const std::uint64_t step = std::max(cost_of(k, radius[k] + 1), now) - now;
      if (best < 0 || step < best_step) best = k, best_step = step;
    }
    if (best < 0) break;  // every chunk whole: every hash is a candidate, which is exact too
    ++radius[best];
    ++covered;
    total += best_step;
  }
  return total;
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

MihLayout MihLayout::for_database(std::size_t n, int planned_distance) {
  const int limit = std::clamp(planned_distance, 0, kHashBits);
  MihLayout best;
  std::uint64_t best_cost = 0;
  for (int chunks = kMaxChunks; chunks >= kMinChunks; --chunks) {
    int widths[kMaxChunks] = {};
    std::size_t offset_bytes = 0;
    for (int k = 0; k < chunks; ++k) {
      widths[k] = chunk_width(chunks, k);
      offset_bytes += ((std::size_t{1} << widths[k]) + 1) * sizeof(std::uint32_t);
    }
    if (chunks != kMaxChunks && offset_bytes > n * kOffsetBytesPerHash) continue;
    int radius[kMaxChunks] = {};
    const std::uint64_t cost = plan_radii(widths, chunks, n, limit, radius);
    if (chunks == kMaxChunks || cost < best_cost) best.chunks = chunks, best_cost = cost;
  }
  return best;
}

MihIndex::MihIndex(std::vector<Hash256> hashes, int planned_distance)
    : layout_(MihLayout::for_database(hashes.size(), planned_distance)) {
  build(hashes);
}

MihIndex::MihIndex(std::vector<Hash256> hashes, MihLayout layout) : layout_(layout) { build(hashes); }

// Counting sort per chunk, two passes: count bucket sizes and prefix-sum them into offsets, then
// scatter the ids. Ids are scattered in increasing order, so each bucket lists its ids sorted.
// One chunk at a time, so its offsets (up to 64 MB at 24 bits) are all the random writes touch.
void MihIndex::build(std::vector<Hash256>& hashes) {
  hashes_.assign(hashes.begin(), hashes.end());
  std::vector<Hash256>().swap(hashes);  // copied into huge-page storage; free before the tables
  check_id_range(hashes_.size());
  if (layout_.chunks < MihLayout::kMinChunks || layout_.chunks > MihLayout::kMaxChunks) {
    throw std::invalid_argument("multi-index layout needs 11 to 16 chunks");
  }
  std::size_t offsets = 0;
  int start = 0;
  for (int k = 0; k < layout_.chunks; ++k) {
    Chunk& chunk = chunks_[k];
    chunk.start = start;
    chunk.width = chunk_width(layout_.chunks, k);
    chunk.offsets = offsets;
    start += chunk.width;
    offsets += (std::size_t{1} << chunk.width) + 1;
  }
  bucket_offsets_.assign(offsets, 0);
  bucket_ids_.resize(static_cast<std::size_t>(layout_.chunks) * hashes_.size());
  // Chunks are independent (disjoint offsets and ids): one worker per core takes them in turn.
  // Large databases only; a thread costs more than a small table.
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const unsigned workers = hashes_.size() < (std::size_t{1} << 18) ? 1u : std::min(cores, static_cast<unsigned>(layout_.chunks));
  std::atomic<int> next_chunk{0};
  std::exception_ptr failure;
  std::mutex failure_lock;
  const auto work = [&] {
    try {
      std::vector<std::uint32_t> cursor;
      for (int k = next_chunk++; k < layout_.chunks; k = next_chunk++) build_chunk(static_cast<std::size_t>(k), cursor);
    } catch (...) {
      const std::lock_guard<std::mutex> hold(failure_lock);
      failure = std::current_exception();
      next_chunk = layout_.chunks;  // the others stop after their current chunk
    }
  };
  std::vector<std::thread> helpers;
  for (unsigned i = 1; i < workers; ++i) helpers.emplace_back(work);
  work();
  for (auto& helper : helpers) helper.join();
  if (failure) std::rethrow_exception(failure);
}

void MihIndex::build_chunk(std::size_t k, std::vector<std::uint32_t>& cursor) {
  const Chunk& chunk = chunks_[k];
  const std::size_t n = hashes_.size();
  const std::size_t values = std::size_t{1} << chunk.width;
  std::uint32_t* offsets = bucket_offsets_.data() + chunk.offsets;
  // The size of bucket v goes to slot v + 1, so the inclusive prefix sum leaves slot v = start
  // of bucket v and slot 2^width = n.
  for (const Hash256& hash : hashes_) ++offsets[chunk_value(hash, chunk.start, chunk.width) + 1];
  std::partial_sum(offsets, offsets + values + 1, offsets);
  cursor.assign(offsets, offsets + values);
  std::uint32_t* ids = bucket_ids_.data() + k * n;
  for (std::size_t id = 0; id < n; ++id) {
    ids[cursor[chunk_value(hashes_[id], chunk.start, chunk.width)]++] = static_cast<std::uint32_t>(id);
  }
}

std::size_t MihIndex::memory_bytes() const noexcept {
  return hashes_.capacity() * sizeof(Hash256) +
         (bucket_offsets_.capacity() + bucket_ids_.capacity()) * sizeof(std::uint32_t);
}

// Only loads of the offsets here and no branch on what they hold, so the out-of-order core
// overlaps the cache misses of many probes (copying each bucket right away, branching on its
// size, cost about 100 ns per probe on a 100k database). Each bucket's first ids are prefetched
// for the copy that follows. Masks of each popcount come in increasing order (Gosper's hack).
std::size_t MihIndex::probe_buckets(const Hash256& query, const int* radius, std::vector<Bucket>& out) const {
  const std::size_t n = hashes_.size();
  std::size_t total = 0;
  for (int k = 0; k < layout_.chunks; ++k) {
    const Chunk& chunk = chunks_[k];
    const std::uint32_t* ids = bucket_ids_.data() + static_cast<std::size_t>(k) * n;
    if (radius[k] < 0) continue;
    if (radius[k] >= chunk.width) {  // every value: the chunk's whole id list
      out.push_back({ids, static_cast<std::uint32_t>(n)});
      total += n;
      continue;
    }
    const std::uint32_t* offsets = bucket_offsets_.data() + chunk.offsets;
    const std::uint32_t query_chunk = chunk_value(query, chunk.start, chunk.width);
    const std::uint32_t limit = std::uint32_t{1} << chunk.width;  // width <= 24
    const auto probe = [&](std::uint32_t mask) {
      const std::uint32_t value = query_chunk ^ mask;
      const std::uint32_t begin = offsets[value];
      const std::uint32_t size = offsets[value + 1] - begin;
      prefetch_for_read(ids + begin);
      out.push_back({ids + begin, size});
      total += size;
    };
    probe(0);
    for (int bits = 1; bits <= radius[k]; ++bits) {
      for (std::uint32_t mask = (std::uint32_t{1} << bits) - 1; mask < limit;) {
        probe(mask);
        const std::uint32_t lowest = mask & (~mask + 1);  // next mask with as many bits set
        const std::uint32_t ripple = mask + lowest;
        mask = (((ripple ^ mask) >> 2) / lowest) | ripple;
      }
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

  int widths[MihLayout::kMaxChunks] = {};
  for (int k = 0; k < layout_.chunks; ++k) widths[k] = chunks_[k].width;
  int radius[MihLayout::kMaxChunks] = {};
  // Cost estimate: the index pays per probe and per candidate, brute force per hash (n). Before
  // any probe, assume uniform chunk values (n / 2^width ids per bucket); then check the true count
  // of candidates before verifying them, so a skewed database (many equal chunks) still falls back.
  const std::uint64_t planned_cost = kSearchCost + plan_radii(widths, layout_.chunks, n, limit, radius);
  std::size_t planned_probes = 0;
  for (int k = 0; k < layout_.chunks; ++k) {
    planned_probes += radius[k] >= widths[k] ? 1 : static_cast<std::size_t>(values_within(widths[k], radius[k]));
  }
  const auto index_cost = [](std::size_t probes, std::size_t candidates) {
    return kSearchCost + std::uint64_t{probes} * kProbeCost +
           std::uint64_t{candidates} * kCandidateCost;
  };
  if (method == SearchMethod::automatic && planned_cost >= n) method = SearchMethod::brute_force;

  thread_local std::vector<Bucket> buckets;
  thread_local std::vector<std::uint32_t> candidates;
  std::size_t candidate_count = 0;
  if (method != SearchMethod::brute_force) {
    buckets.clear();
    buckets.reserve(planned_probes);
    candidate_count = probe_buckets(query, radius, buckets);
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
