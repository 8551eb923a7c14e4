#include "core/match/exact_index.h"

#include <algorithm>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace triage {
namespace {

static_assert(std::endian::native == std::endian::little,
              "add_entries() copies the store's little-endian block layout as it is");

template <typename Entry>
bool entry_less(const Entry& a, const Entry& b) {
  const int c = std::memcmp(a.digest.data(), b.digest.data(), a.digest.size());
  return c != 0 ? c < 0 : a.ref < b.ref;
}

}  // namespace

const char* to_string(DigestKind kind) {
  switch (kind) {
    case DigestKind::md5: return "md5";
    case DigestKind::sha1: return "sha1";
    case DigestKind::sha256: return "sha256";
  }
  return "md5";
}

HashType hash_type_of(DigestKind kind) {
  switch (kind) {
    case DigestKind::md5: return HashType::md5;
    case DigestKind::sha1: return HashType::sha1;
    case DigestKind::sha256: return HashType::sha256;
  }
  return HashType::md5;
}

std::size_t digest_length(DigestKind kind) {
  switch (kind) {
    case DigestKind::md5: return 16;
    case DigestKind::sha1: return 20;
    case DigestKind::sha256: return 32;
  }
  return 0;
}

template <std::size_t N>
void ExactIndex::Table<N>::build() {
  // Sorted runs (one per stored set and kind, as loaded) are merged; anything else is sorted.
  std::vector<std::size_t> runs = {0};
  for (std::size_t i = 1; i < entries.size() && runs.size() <= 32; ++i)
    if (entry_less(entries[i], entries[i - 1])) runs.push_back(i);
  if (runs.size() > 32) {
    std::sort(entries.begin(), entries.end(), entry_less<Entry>);
  } else {
    runs.push_back(entries.size());
    while (runs.size() > 2) {  // merge neighbouring runs pairwise until one is left
      std::vector<std::size_t> merged = {0};
      for (std::size_t r = 0; r + 2 < runs.size(); r += 2) {
        std::inplace_merge(entries.begin() + static_cast<std::ptrdiff_t>(runs[r]),
                           entries.begin() + static_cast<std::ptrdiff_t>(runs[r + 1]),
                           entries.begin() + static_cast<std::ptrdiff_t>(runs[r + 2]), entry_less<Entry>);
        merged.push_back(runs[r + 2]);
      }
      if (runs.size() % 2 == 0) merged.push_back(runs.back());  // an odd run out waits
      runs = std::move(merged);
    }
  }
  entries.shrink_to_fit();
  // 8 to 16 entries per bucket on average: a bucket outgrows its line's 28 slots rarely (Poisson
  // tail), and the lines cost 4 to 8 bytes per entry.
  bits = std::clamp<unsigned>(static_cast<unsigned>(std::bit_width(entries.size() / 16)), 1, 28);
  lines.assign(std::size_t{1} << bits, Line{});
  for (std::size_t i = 0; i < entries.size();) {
    const std::uint64_t key = top64(entries[i].digest.data());
    Line& line = lines[bucket(key)];
    line.start = static_cast<std::uint32_t>(i);
    for (; i < entries.size() && bucket(top64(entries[i].digest.data())) == bucket(key); ++i) {
      if (line.count < kLineSlots) line.fingerprint[line.count] = fingerprint(top64(entries[i].digest.data()));
      ++line.count;
    }
  }
}

std::uint64_t ExactIndex::fingerprint_hits(const Line& line, std::uint16_t fp, std::size_t slots) {
  std::uint64_t hits = 0;
#if defined(__SSE2__)
  // 16-byte compares over the whole line (the last one also covers start and count, masked off).
  const __m128i want = _mm_set1_epi16(static_cast<short>(fp));
  const auto* p = reinterpret_cast<const __m128i*>(&line);
  for (int v = 0; v < 4; ++v)
    hits |= static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi16(_mm_load_si128(p + v), want))))
            << (16 * v);
#else
  for (std::size_t i = 0; i < kLineSlots; ++i)
    if (line.fingerprint[i] == fp) hits |= std::uint64_t{3} << (2 * i);
#endif
  return slots >= 32 ? hits : hits & ((std::uint64_t{1} << (2 * slots)) - 1);
}

bool ExactIndex::add(DigestKind kind, std::span<const std::uint8_t> digest, std::uint32_t ref) {
  auto put = [&](auto& table) {
    using Entry = typename std::remove_reference_t<decltype(table)>::Entry;
    Entry e{};
    if (digest.size() != e.digest.size()) return false;
    std::copy(digest.begin(), digest.end(), e.digest.begin());
    e.ref = ref;
    table.entries.push_back(e);
    return true;
  };
  switch (kind) {
    case DigestKind::md5: return put(md5_);
    case DigestKind::sha1: return put(sha1_);
    case DigestKind::sha256: return put(sha256_);
  }
  return false;
}

bool ExactIndex::add_entries(DigestKind kind, std::span<const std::uint8_t> bytes, std::uint32_t ref_base,
                             std::uint32_t ordinal_limit) {
  auto put = [&](auto& table) {
    using Entry = typename std::remove_reference_t<decltype(table)>::Entry;
    static_assert(sizeof(Entry) == std::tuple_size_v<decltype(Entry::digest)> + 4);
    if (bytes.size() % sizeof(Entry) != 0) return false;
    const std::size_t old = table.entries.size();
    table.entries.resize(old + bytes.size() / sizeof(Entry));
    std::memcpy(static_cast<void*>(table.entries.data() + old), bytes.data(), bytes.size());
    for (auto it = table.entries.begin() + static_cast<std::ptrdiff_t>(old); it != table.entries.end(); ++it) {
      if (it->ref >= ordinal_limit) {
        table.entries.resize(old);
        return false;
      }
      it->ref += ref_base;
    }
    return true;
  };
  switch (kind) {
    case DigestKind::md5: return put(md5_);
    case DigestKind::sha1: return put(sha1_);
    case DigestKind::sha256: return put(sha256_);
  }
  return false;
}

void ExactIndex::reserve(DigestKind kind, std::size_t count) {
  switch (kind) {
    case DigestKind::md5: md5_.entries.reserve(md5_.entries.size() + count); break;
    case DigestKind::sha1: sha1_.entries.reserve(sha1_.entries.size() + count); break;
    case DigestKind::sha256: sha256_.entries.reserve(sha256_.entries.size() + count); break;
  }
}

void ExactIndex::build() {
  md5_.build();
  sha1_.build();
  sha256_.build();
}

std::vector<std::uint32_t> ExactIndex::find(DigestKind kind, std::span<const std::uint8_t> digest) const {
  std::vector<std::uint32_t> out;
  find(kind, digest, [&](std::uint32_t ref) { out.push_back(ref); });
  return out;
}

std::size_t ExactIndex::size() const { return md5_.entries.size() + sha1_.entries.size() + sha256_.entries.size(); }

std::size_t ExactIndex::size(DigestKind kind) const {
  switch (kind) {
    case DigestKind::md5: return md5_.entries.size();
    case DigestKind::sha1: return sha1_.entries.size();
    case DigestKind::sha256: return sha256_.entries.size();
  }
  return 0;
}

}  // namespace triage
