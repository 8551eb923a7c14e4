#pragma once
// Exact Hamming-radius search over 256-bit hashes with multi-index hashing (MIH): Norouzi,
// Punjani, Fleet, "Fast Search in Hamming Space with Multi-Index Hashing", CVPR 2012.
//
// The idea (pigeonhole): split each hash into m chunks. If d(q, x) <= D, the m chunk distances
// sum to at most D; so for any radii r_k with sum(r_k + 1) >= D + 1, some chunk k differs by at
// most r_k bits (16 chunks of 16 bits at D = 31: radius 1 everywhere). One table per chunk maps
// each chunk value to the ids holding it; a query looks up every value within r_k of each of its
// chunks, and verifies the candidates with the full distance. Results are exactly those of a
// brute-force scan, never an approximation.
//
// Chunk width: 16 chunks of 16 bits up to about a million hashes. Beyond, a 16-bit bucket holds
// n / 65,536 ids (150 at ten million) and a query verifies some 41,000 candidates, each a random
// read: the paper's own rule is chunks of about log2(n) bits, so larger databases get 11 to 15
// wider chunks when the cost estimate says so (at ten million and D = 31: 12 chunks of 21-22 bits,
// about 9,000 candidates and 2,000 probes, 4x fewer random reads, for 134 MB more offsets).
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/match/hash256.h"

namespace triage::match {

struct Match {
  std::uint32_t id;  // position of the hash in the database the index was built from
  int distance;      // popcount_distance(query, hash), <= the threshold asked for
  friend bool operator==(const Match&, const Match&) = default;
};

enum class SearchMethod {
  automatic,    // the cheaper of the two by a cost estimate (the default; same results either way)
  multi_index,  // chunk tables then verification, whatever the cost (for tests and measurement)
  brute_force,  // one popcount per database hash
};

// What one search did, for tests and benchmarks.
struct SearchStats {
  SearchMethod method = SearchMethod::automatic;  // the method actually used
  std::size_t probes = 0;      // chunk-table lookups (multi_index only)
  std::size_t candidates = 0;  // ids verified, duplicates included (brute force: the database size)
};

// Every hash within max_distance of the query, sorted by id (= position in database). Empty for a
// negative max_distance. The database may hold at most 2^32 - 1 hashes.
std::vector<Match> brute_force_search(std::span<const Hash256> database, const Hash256& query,
                                      int max_distance);

namespace detail {

// Storage of the index's large arrays. Verifying a candidate is one random read in a database of
// up to 320 MB; with 4 KiB pages nearly every such read also misses the TLB (doubly costly under
// virtualisation). So large blocks are aligned to 2 MiB and, on Linux, marked for transparent huge
// pages (a hint; measured about 1.5x more queries/s at 10M hashes). The alignment also keeps every
// 32-byte hash inside one cache line.
void* allocate_table_bytes(std::size_t bytes);
void free_table_bytes(void* block, std::size_t bytes) noexcept;

template <class T>
struct TableAllocator {
  using value_type = T;
  TableAllocator() noexcept = default;
  template <class U>
  TableAllocator(const TableAllocator<U>&) noexcept {}
  T* allocate(std::size_t count) { return static_cast<T*>(allocate_table_bytes(count * sizeof(T))); }
  void deallocate(T* block, std::size_t count) noexcept { free_table_bytes(block, count * sizeof(T)); }
  template <class U>
  bool operator==(const TableAllocator<U>&) const noexcept { return true; }
};

template <class T>
using TableVector = std::vector<T, TableAllocator<T>>;

}  // namespace detail

// How a 256-bit hash is cut: `chunks` consecutive bit ranges, most significant first, of
// 256 / chunks bits (the first 256 % chunks ranges one bit wider). 11..16 chunks (16 to 24 bits).
struct MihLayout {
  int chunks = kChunkCount;
  static constexpr int kMinChunks = 11, kMaxChunks = 16;
  // The layout with the least estimated query cost at `planned_distance` for n hashes, among
  // those whose offset tables take at most 16 bytes per hash (16 chunks of 16 bits always).
  static MihLayout for_database(std::size_t n, int planned_distance);
};

// Built once; afterwards immutable, so any number of threads may search one index at once.
class MihIndex {
 public:
  // Ids are positions in `hashes`. The hashes are copied into the index's own storage and the
  // argument is released before the tables are built (pass it with std::move to keep the peak
  // memory at index size). Throws std::length_error beyond 2^32 - 1 hashes, and
  // std::invalid_argument for a layout outside 11..16 chunks. The first form picks the layout
  // for searches at `planned_distance` (any distance may still be searched, exactly).
  explicit MihIndex(std::vector<Hash256> hashes, int planned_distance = 31);
  MihIndex(std::vector<Hash256> hashes, MihLayout layout);

  // Exactly brute_force_search(hashes(), query, max_distance), whatever the method.
  std::vector<Match> search(const Hash256& query, int max_distance,
                            SearchMethod method = SearchMethod::automatic,
                            SearchStats* stats = nullptr) const;

  std::size_t size() const noexcept { return hashes_.size(); }
  const MihLayout& layout() const noexcept { return layout_; }
  std::span<const Hash256> hashes() const noexcept { return hashes_; }
  // Bytes held by the index: hashes, chunk tables and their offsets.
  std::size_t memory_bytes() const noexcept;

 private:
  struct Bucket {
    const std::uint32_t* ids;
    std::uint32_t size;
  };

  struct Chunk {
    int start = 0;            // first bit, counted from the most significant
    int width = 0;            // bits
    std::size_t offsets = 0;  // where its 2^width + 1 offsets start in bucket_offsets_
  };

  // The buckets within radius[k] of the query's chunks, into `out`; returns their total size
  // (ids, duplicates included). A radius >= the chunk's width takes the whole chunk as one bucket.
  std::size_t probe_buckets(const Hash256& query, const int* radius, std::vector<Bucket>& out) const;
  void build(std::vector<Hash256>& hashes);
  void build_chunk(std::size_t k, std::vector<std::uint32_t>& cursor);

  MihLayout layout_;
  Chunk chunks_[MihLayout::kMaxChunks];
  detail::TableVector<Hash256> hashes_;
  // Per chunk, a compressed sparse row table: bucket v of chunk k holds the ids
  // bucket_ids_[k * n + offsets_k[v] .. k * n + offsets_k[v + 1]), in increasing id order, where
  // offsets_k = bucket_offsets_ + chunks_[k].offsets. sum(2^width + 1) x 4 bytes of offsets +
  // chunks x n x 4 bytes of ids.
  detail::TableVector<std::uint32_t> bucket_offsets_;
  detail::TableVector<std::uint32_t> bucket_ids_;
};

}  // namespace triage::match
