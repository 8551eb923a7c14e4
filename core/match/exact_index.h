#pragma once
// In-memory exact-digest index for scan-time matching: built once, then shared read-only by
// every worker. Per digest kind, entries (digest bytes + the caller's 32-bit reference) are kept
// sorted by (digest, reference) in one flat array, with a directory on the digest's top bits sized
// to the entry count (about two entries per bucket), so a lookup is one directory read plus one
// or two cache lines of entries. Hash-set digests are uniformly distributed, which keeps buckets
// short. Lookups allocate nothing.
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

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
    md5_.prefetch_entries(d0);
    sha1_.prefetch_entries(d1);
    sha256_.prefetch_entries(d2);
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
    std::vector<Entry> entries;
    std::vector<std::uint32_t> directory;  // first entry index per top-`bits` prefix, + end
    unsigned shift = 64;                   // 64 - bits

    void build();
    // The directory slot for `digest` (prefetched), or null when it cannot match.
    const std::uint32_t* probe(std::span<const std::uint8_t> digest) const {
      if (directory.empty() || digest.size() != N) return nullptr;
      const std::uint32_t* slot = directory.data() + (top64(digest.data()) >> shift);
      __builtin_prefetch(slot);
      return slot;
    }
    void prefetch_entries(const std::uint32_t* slot) const {
      if (slot != nullptr) __builtin_prefetch(entries.data() + slot[0]);
    }
    template <typename Visit>
    void find(const std::uint32_t* slot, std::span<const std::uint8_t> digest, Visit&& visit) const {
      if (slot == nullptr) return;
      const Entry* it = entries.data() + slot[0];
      const Entry* last = entries.data() + slot[1];
      const std::uint64_t key = top64(digest.data());
      for (; it != last; ++it) {
        const std::uint64_t k = top64(it->digest.data());
        if (k < key) continue;
        if (k > key) break;
        const int c = std::memcmp(it->digest.data() + 8, digest.data() + 8, N - 8);
        if (c == 0) visit(it->ref);
        if (c > 0) break;
      }
    }
  };

  Table<16> md5_;
  Table<20> sha1_;
  Table<32> sha256_;
};

}  // namespace triage
