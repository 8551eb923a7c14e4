#pragma once
// In-memory exact-digest index for scan-time matching: built once, then shared read-only by
// every worker. Per digest kind, entries (digest bytes + the caller's 32-bit reference) are kept
// sorted by (digest, reference) in one flat array, with a directory on the digest's top bits
// sized to the entry count (about eight entries per bucket: 4 MiB at ten million, small enough to
// stay in cache). Hash-set digests are uniformly distributed, so the next bits of the digest
// interpolate its place within the bucket: a lookup is a cached directory read plus, mostly, one
// cache line of entries. Lookups allocate nothing.
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "core/match/huge_page_allocator.h"

namespace triage {

enum class DigestKind : std::uint8_t { md5, sha1, sha256 };
const char* to_string(DigestKind kind);
std::size_t digest_length(DigestKind kind);

class ExactIndex {
 public:
  // Adds one digest (binary, of the kind's length) with the caller's reference for it.
  // Returns false (and adds nothing) when the length is wrong.
  bool add(DigestKind kind, std::span<const std::uint8_t> digest, std::uint32_t ref);
  // Appends entries in the hash-set store's block layout (the digest's bytes, then a 4-byte
  // little-endian ordinal), each taking reference ref_base + ordinal. Entries already sorted by
  // (digest, ordinal) cost a copy; build() sorts whatever is not. False (nothing added) when
  // the span is not a whole number of entries or an ordinal is not below ordinal_limit.
  bool add_entries(DigestKind kind, std::span<const std::uint8_t> entries, std::uint32_t ref_base,
                   std::uint32_t ordinal_limit);
  // Room for `count` more entries of a kind (a load knows its counts: no regrowth).
  void reserve(DigestKind kind, std::size_t count);
  // Sorts (merging sorted runs) and builds the directories; call once after the last add.
  void build();
  // The references stored for this digest, in increasing order.
  std::vector<std::uint32_t> find(DigestKind kind, std::span<const std::uint8_t> digest) const;
  // The same, handing each reference to `visit` (no allocation).
  template <typename Visit>
  void find(DigestKind kind, std::span<const std::uint8_t> digest, Visit&& visit) const {
    switch (kind) {
      case DigestKind::md5: md5_.find(md5_.probe(digest), digest, visit); break;
      case DigestKind::sha1: sha1_.find(sha1_.probe(digest), digest, visit); break;
      case DigestKind::sha256: sha256_.find(sha256_.probe(digest), digest, visit); break;
    }
  }
  // One digest of each kind at once (empty spans are skipped): the directory reads and entry
  // reads of the three tables are issued together, so their cache misses overlap.
  // visit(kind, ref) per match, kind by kind.
  template <typename Visit>
  void find_each(std::span<const std::uint8_t> md5, std::span<const std::uint8_t> sha1,
                 std::span<const std::uint8_t> sha256, Visit&& visit) const {
    const std::uint32_t* d0 = md5_.probe(md5);
    const std::uint32_t* d1 = sha1_.probe(sha1);
    const std::uint32_t* d2 = sha256_.probe(sha256);
    md5_.prefetch_entries(d0, md5);
    sha1_.prefetch_entries(d1, sha1);
    sha256_.prefetch_entries(d2, sha256);
    md5_.find(d0, md5, [&](std::uint32_t ref) { visit(DigestKind::md5, ref); });
    sha1_.find(d1, sha1, [&](std::uint32_t ref) { visit(DigestKind::sha1, ref); });
    sha256_.find(d2, sha256, [&](std::uint32_t ref) { visit(DigestKind::sha256, ref); });
  }
  std::size_t size() const;

 private:
  static std::uint64_t top64(const std::uint8_t* p) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap64(v);
    return v;
  }

  template <std::size_t N>
  struct Table {
    struct Entry {  // the store's block layout on a little-endian host
      std::array<std::uint8_t, N> digest;
      std::uint32_t ref;
    };
    std::vector<Entry, HugePageAllocator<Entry>> entries;
    std::vector<std::uint32_t, HugePageAllocator<std::uint32_t>> directory;  // first entry per top-`bits` prefix, + end
    unsigned shift = 64;                   // 64 - bits

    void build();
    // The directory slot for `digest` (prefetched), or null when it cannot match.
    const std::uint32_t* probe(std::span<const std::uint8_t> digest) const {
      if (directory.empty() || digest.size() != N) return nullptr;
      const std::uint32_t* slot = directory.data() + (top64(digest.data()) >> shift);
      __builtin_prefetch(slot);
      return slot;
    }
    // Where in its bucket `key` should sit: digests are uniform, so the bits below the bucket's
    // interpolate between its first and last entry (off by a couple of entries, typically).
    const Entry* guess(const std::uint32_t* slot, std::uint64_t key) const {
      const std::uint64_t below = key << (64 - shift);
      const std::uint64_t span = slot[1] - slot[0];
      return entries.data() + slot[0] + static_cast<std::size_t>(((below >> 32) * span) >> 32);  // span < 2^32
    }
    void prefetch_entries(const std::uint32_t* slot, std::span<const std::uint8_t> digest) const {
      if (slot != nullptr) __builtin_prefetch(guess(slot, top64(digest.data())));
    }
    static int compare(const Entry& e, std::uint64_t key, const std::uint8_t* digest) {
      const std::uint64_t k = top64(e.digest.data());
      if (k != key) return k < key ? -1 : 1;
      return std::memcmp(e.digest.data() + 8, digest + 8, N - 8);
    }
    template <typename Visit>
    void find(const std::uint32_t* slot, std::span<const std::uint8_t> digest, Visit&& visit) const {
      if (slot == nullptr || slot[0] == slot[1]) return;
      const Entry* first = entries.data() + slot[0];
      const Entry* last = entries.data() + slot[1];
      const std::uint64_t key = top64(digest.data());
      // From the guess to the first entry not below the digest, then every equal one.
      const Entry* it = guess(slot, key);
      while (it > first && compare(it[-1], key, digest.data()) >= 0) --it;
      while (it < last && compare(*it, key, digest.data()) < 0) ++it;
      for (; it < last && compare(*it, key, digest.data()) == 0; ++it) visit(it->ref);
    }
  };

  Table<16> md5_;
  Table<20> sha1_;
  Table<32> sha256_;
};

}  // namespace triage
