#pragma once
// In-memory exact-digest index for scan-time matching: built once, then shared read-only by
// every worker. Per digest kind, entries (digest bytes + the caller's 32-bit reference) are kept
// sorted by (digest, reference) in one flat array. Hash-set digests are uniformly distributed,
// so the digest's top bits name a bucket of 8 to 16 entries on average, and each bucket has one
// 64-byte line holding where its entries start, how many there are, and a 16-bit fingerprint
// (the next digest bits) of each of its first 28. Most lookups in a scan miss: they read that
// one line, compare the fingerprints and stop: one cache miss per digest kind instead of a
// directory read followed by an entry read. A fingerprint hit (or a bucket of more than 28
// entries) then compares whole entries. Lookups allocate nothing.
#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "core/item.h"
#include "core/match/huge_page_allocator.h"

namespace triage {

enum class DigestKind : std::uint8_t { md5, sha1, sha256 };
const char* to_string(DigestKind kind);
HashType hash_type_of(DigestKind kind);
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
  // One digest of each kind at once (empty spans are skipped): the three tables' line reads are
  // issued together, so their cache misses overlap.
  // visit(kind, ref) per match, kind by kind.
  template <typename Visit>
  void find_each(std::span<const std::uint8_t> md5, std::span<const std::uint8_t> sha1,
                 std::span<const std::uint8_t> sha256, Visit&& visit) const {
    const Line* d0 = md5_.probe(md5);
    const Line* d1 = sha1_.probe(sha1);
    const Line* d2 = sha256_.probe(sha256);
    md5_.find(d0, md5, [&](std::uint32_t ref) { visit(DigestKind::md5, ref); });
    sha1_.find(d1, sha1, [&](std::uint32_t ref) { visit(DigestKind::sha1, ref); });
    sha256_.find(d2, sha256, [&](std::uint32_t ref) { visit(DigestKind::sha256, ref); });
  }
  std::size_t size() const;
  std::size_t size(DigestKind kind) const;

 private:
  static std::uint64_t top64(const std::uint8_t* p) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap64(v);
    return v;
  }

  // One bucket's line: 16-bit fingerprints of its first kLineSlots entries (in entry order, so
  // non-decreasing), then where its entries start and how many it has.
  static constexpr std::size_t kLineSlots = 28;
  struct alignas(64) Line {
    std::uint16_t fingerprint[kLineSlots];
    std::uint32_t start;
    std::uint32_t count;
  };
  static_assert(sizeof(Line) == 64);
  // Bit mask (two bits per slot) of the line's first `slots` fingerprints equal to `fp`.
  static std::uint64_t fingerprint_hits(const Line& line, std::uint16_t fp, std::size_t slots);

  template <std::size_t N>
  struct Table {
    struct Entry {  // the store's block layout on a little-endian host
      std::array<std::uint8_t, N> digest;
      std::uint32_t ref;
    };
    std::vector<Entry, HugePageAllocator<Entry>> entries;
    std::vector<Line, HugePageAllocator<Line>> lines;  // one per top-`bits` prefix
    unsigned bits = 0;

    void build();
    std::size_t bucket(std::uint64_t key) const { return static_cast<std::size_t>(key >> (64 - bits)); }
    std::uint16_t fingerprint(std::uint64_t key) const { return static_cast<std::uint16_t>((key << bits) >> 48); }
    // The bucket's line for `digest` (prefetched), or null when it cannot match.
    const Line* probe(std::span<const std::uint8_t> digest) const {
      if (lines.empty() || digest.size() != N) return nullptr;
      const Line* line = lines.data() + bucket(top64(digest.data()));
      __builtin_prefetch(line);
      return line;
    }
    static int compare(const Entry& e, const std::uint8_t* digest) { return std::memcmp(e.digest.data(), digest, N); }
    template <typename Visit>
    void find(const Line* line, std::span<const std::uint8_t> digest, Visit&& visit) const {
      if (line == nullptr || line->count == 0) return;
      const std::uint64_t key = top64(digest.data());
      const std::size_t slots = std::min<std::size_t>(line->count, kLineSlots);
      const Entry* first = entries.data() + line->start;
      // Equal digests are neighbours, so the matches are one run: in the slots, the overflow, or both.
      for (std::uint64_t hits = fingerprint_hits(*line, fingerprint(key), slots); hits != 0; hits &= hits - 1) {
        const auto slot = static_cast<std::size_t>(std::countr_zero(hits)) / 2;
        hits &= hits - 1;  // each slot owns two bits
        if (compare(first[slot], digest.data()) == 0) visit(first[slot].ref);
      }
      if (line->count <= kLineSlots) return;
      const Entry* last = first + line->count;
      const Entry* it = std::lower_bound(first + kLineSlots, last, digest.data(),
                                         [](const Entry& e, const std::uint8_t* d) { return compare(e, d) < 0; });
      for (; it < last && compare(*it, digest.data()) == 0; ++it) visit(it->ref);
    }
  };

  Table<16> md5_;
  Table<20> sha1_;
  Table<32> sha256_;
};

}  // namespace triage
