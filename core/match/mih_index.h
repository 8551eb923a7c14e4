#pragma once
// Exact Hamming-radius search over 256-bit hashes with multi-index hashing (MIH): Norouzi,
// Punjani, Fleet, "Fast Search in Hamming Space with Multi-Index Hashing", CVPR 2012.
//
// The idea (pigeonhole): split each hash into 16 chunks of 16 bits. If d(q, x) <= D, the 16
// chunk distances sum to at most D, so at least one chunk differs by at most floor(D / 16) bits.
// One table per chunk maps each 16-bit value to the ids holding it; a query looks up every value
// within that small radius of each of its chunks, and verifies the candidates with the full
// distance. Results are exactly those of a brute-force scan, never an approximation.
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

// Built once; afterwards immutable, so any number of threads may search one index at once.
class MihIndex {
 public:
  // Ids are positions in `hashes`. The hashes are copied into the index's own storage and the
  // argument is released before the tables are built (pass it with std::move to keep the peak
  // memory at index size). Throws std::length_error beyond 2^32 - 1 hashes.
  explicit MihIndex(std::vector<Hash256> hashes);

  // Exactly brute_force_search(hashes(), query, max_distance), whatever the method.
  std::vector<Match> search(const Hash256& query, int max_distance,
                            SearchMethod method = SearchMethod::automatic,
                            SearchStats* stats = nullptr) const;

  std::size_t size() const noexcept { return hashes_.size(); }
  std::span<const Hash256> hashes() const noexcept { return hashes_; }
  // Bytes held by the index: hashes, chunk tables and their offsets.
  std::size_t memory_bytes() const noexcept;

 private:
  struct Bucket {
    const std::uint32_t* ids;
    std::uint32_t size;
  };

  // The buckets within `radius_of_chunk` of the query's chunks, into `out`; returns their total
  // size (ids, duplicates included).
  std::size_t probe_buckets(const Hash256& query, const int (&radius_of_chunk)[kChunkCount],
                            std::vector<Bucket>& out) const;

  detail::TableVector<Hash256> hashes_;
  // Per chunk, a compressed sparse row table: bucket v of chunk k holds the ids
  // bucket_ids_[k * n + bucket_offsets_[k * 65537 + v] .. k * n + bucket_offsets_[k * 65537 + v + 1]),
  // in increasing id order. 16 x (65,537 x 4) bytes of offsets + 16 x n x 4 bytes of ids.
  detail::TableVector<std::uint32_t> bucket_offsets_;
  detail::TableVector<std::uint32_t> bucket_ids_;
};

}  // namespace triage::match
