#include "core/match/exact_index.h"

#include <algorithm>

namespace triage {
namespace {

template <std::size_t N>
std::uint32_t top_bits(const std::array<std::uint8_t, N>& d, unsigned bits) {
  const std::uint32_t v = static_cast<std::uint32_t>(d[0]) << 24 | static_cast<std::uint32_t>(d[1]) << 16 |
                          static_cast<std::uint32_t>(d[2]) << 8 | d[3];
  return v >> (32 - bits);
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
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    const int c = std::memcmp(a.digest.data(), b.digest.data(), N);
    return c != 0 ? c < 0 : a.order < b.order;
  });
  directory.assign((std::size_t{1} << kDirectoryBits) + 1, 0);
  for (const auto& e : entries) ++directory[top_bits(e.digest, kDirectoryBits) + 1];
  for (std::size_t i = 1; i < directory.size(); ++i) directory[i] += directory[i - 1];
}

bool ExactIndex::add(DigestKind kind, std::span<const std::uint8_t> digest, std::uint32_t ref) {
  auto put = [&](auto& table) {
    using Entry = typename std::remove_reference_t<decltype(table)>::Entry;
    Entry e{};
    if (digest.size() != e.digest.size()) return false;
    std::copy(digest.begin(), digest.end(), e.digest.begin());
    e.ref = ref;
    e.order = next_order_++;
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
