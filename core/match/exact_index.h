#pragma once
// In-memory exact-digest index for scan-time matching: built once, then shared read-only by
// every worker. Entries are kept sorted by digest, with a directory on the top 20 bits, so a
// lookup is one jump plus a short scan of (on average) a handful of neighbours.
#include <array>
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
  // Sorts and builds the directories; call once after the last add().
  void build();
  // The references stored for this digest, in the order they were added.
  std::vector<std::uint32_t> find(DigestKind kind, std::span<const std::uint8_t> digest) const;
  // The same, handing each reference to `visit` (no allocation).
  template <typename Visit>
  void find(DigestKind kind, std::span<const std::uint8_t> digest, Visit&& visit) const {
    switch (kind) {
      case DigestKind::md5: md5_.find(digest, visit); break;
      case DigestKind::sha1: sha1_.find(digest, visit); break;
      case DigestKind::sha256: sha256_.find(digest, visit); break;
    }
  }
  std::size_t size() const;

 private:
  static constexpr unsigned kDirectoryBits = 20;

  template <std::size_t N>
  struct Table {
    struct Entry {
      std::array<std::uint8_t, N> digest;
      std::uint32_t ref;
      std::uint32_t order;  // insertion order, for stable results
    };
    std::vector<Entry> entries;
    std::vector<std::uint32_t> directory;  // first entry index per top-20-bit prefix, + end
    void build();
    template <typename Visit>
    void find(std::span<const std::uint8_t> digest, Visit&& visit) const {
      if (directory.empty() || digest.size() != N) return;
      const std::uint32_t bucket = (static_cast<std::uint32_t>(digest[0]) << 24 |
                                    static_cast<std::uint32_t>(digest[1]) << 16 |
                                    static_cast<std::uint32_t>(digest[2]) << 8 | digest[3]) >>
                                   (32 - kDirectoryBits);
      const Entry* it = entries.data() + directory[bucket];
      const Entry* last = entries.data() + directory[bucket + 1];
      for (; it != last; ++it) {
        const int c = std::memcmp(it->digest.data(), digest.data(), N);
        if (c == 0) visit(it->ref);
        if (c > 0) break;
      }
    }
  };

  Table<16> md5_;
  Table<20> sha1_;
  Table<32> sha256_;
  std::uint32_t next_order_ = 0;
};

}  // namespace triage
