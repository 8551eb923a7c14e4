#include "core/match/exact_index.h"

#include <algorithm>

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
  // About eight entries per bucket (the directory costs half a byte per entry).
  const unsigned bits = std::clamp<unsigned>(static_cast<unsigned>(std::bit_width(entries.size() / 4)), 1, 30);
  shift = 64 - bits;
  directory.assign((std::size_t{1} << bits) + 1, 0);
  std::size_t i = 0;
  for (std::size_t bucket = 0; bucket + 1 < directory.size(); ++bucket) {
    directory[bucket] = static_cast<std::uint32_t>(i);
    while (i < entries.size() && (top64(entries[i].digest.data()) >> shift) == bucket) ++i;
  }
  directory.back() = static_cast<std::uint32_t>(entries.size());
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

}  // namespace triage
