#include "core/match/digest_matcher.h"

#include <algorithm>
#include <array>
#include <iterator>
#include <limits>
#include <stdexcept>

#include "core/text/hex.h"

namespace triage {

std::uint32_t DigestMatcher::add_set(HashSetRef set) {
  sets_.push_back({std::move(set), nullptr, 0, 0});
  return static_cast<std::uint32_t>(sets_.size() - 1);
}

std::uint32_t DigestMatcher::add_stored_set(HashSetRef set, std::uint64_t record_count, const MatchRecordSource& records) {
  if (record_count > std::numeric_limits<std::uint32_t>::max() - std::uint64_t{next_ref_})
    throw std::length_error("hash sets of more than 4,294,967,295 records in all");
  const auto index = static_cast<std::uint32_t>(sets_.size());
  sets_.push_back({std::move(set), &records, next_ref_, static_cast<std::uint32_t>(record_count)});
  if (record_count > 0) {
    ranges_.push_back({next_ref_, index, 0, true});
    next_ref_ += static_cast<std::uint32_t>(record_count);
  }
  return index;
}

bool DigestMatcher::add_stored_digests(std::uint32_t set, DigestKind kind, std::span<const std::uint8_t> entries) {
  if (set >= sets_.size() || sets_[set].source == nullptr) return false;
  return index_.add_entries(kind, entries, sets_[set].first_ref, sets_[set].record_count);
}

bool DigestMatcher::add_record(std::uint32_t set, std::string_view md5, std::string_view sha1,
                               std::string_view sha256, std::string_view media_id, std::string_view category) {
  if (next_ref_ == std::numeric_limits<std::uint32_t>::max())
    throw std::length_error("hash sets of more than 4,294,967,295 records in all");
  const std::uint32_t ref = next_ref_;
  bool ok = true;
  bool any = false;
  const std::pair<DigestKind, std::string_view> digests[] = {
      {DigestKind::md5, md5}, {DigestKind::sha1, sha1}, {DigestKind::sha256, sha256}};
  std::array<std::uint8_t, 32> bytes{};
  for (const auto& [kind, hex] : digests) {
    if (hex.empty()) continue;
    const auto digest = std::span(bytes).first(digest_length(kind));
    if (!parse_hex_into(hex, digest) || !index_.add(kind, digest, ref)) {
      ok = false;
      continue;
    }
    any = true;
  }
  if (any) {
    if (ranges_.empty() || ranges_.back().stored)
      ranges_.push_back({ref, 0, static_cast<std::uint32_t>(records_.size()), false});
    records_.push_back({set, texts_.intern(media_id), texts_.intern(category)});
    ++next_ref_;
  }
  return ok && any;
}

void DigestMatcher::build() {
  index_.build();
  texts_.shrink_to_fit();
}

ItemMatch DigestMatcher::describe(std::uint32_t ref, DigestKind kind) const {
  const auto range = std::prev(std::upper_bound(ranges_.begin(), ranges_.end(), ref,
                                                [](std::uint32_t r, const RefRange& x) { return r < x.first_ref; }));
  if (range->stored) {
    const Set& set = sets_[range->set];
    ItemMatch m;
    m.set = set.ref.name;
    m.role = set.ref.role;
    m.hash_type = hash_type_of(kind);
    set.source->describe(ref - range->first_ref, m.media_id, m.category);
    return m;
  }
  const Record& r = records_[range->first_record + (ref - range->first_ref)];
  const Set& set = sets_[r.set];
  ItemMatch m;
  m.set = set.ref.name;
  m.role = set.ref.role;
  m.hash_type = hash_type_of(kind);
  m.media_id = texts_.view(r.media_id);
  m.category = texts_.view(r.category);
  return m;
}

std::vector<ItemMatch> DigestMatcher::match(const Digests& digests) const {
  if (next_ref_ == 0 || digests.empty()) return {};
  // Each hex digest is parsed once; an invalid one is skipped (an empty span matches nothing).
  std::array<std::uint8_t, 16> md5{};
  std::array<std::uint8_t, 20> sha1{};
  std::array<std::uint8_t, 32> sha256{};
  const std::span<const std::uint8_t> q_md5 = parse_hex_into(digests.md5, md5) ? std::span<const std::uint8_t>(md5) : std::span<const std::uint8_t>();
  const std::span<const std::uint8_t> q_sha1 = parse_hex_into(digests.sha1, sha1) ? std::span<const std::uint8_t>(sha1) : std::span<const std::uint8_t>();
  const std::span<const std::uint8_t> q_sha256 =
      parse_hex_into(digests.sha256, sha256) ? std::span<const std::uint8_t>(sha256) : std::span<const std::uint8_t>();
  // (record, strongest digest kind that matched it); later kinds are stronger. A few hits stay
  // on the stack; many records sharing a digest spill to the heap.
  using Hit = std::pair<std::uint32_t, DigestKind>;
  std::array<Hit, 16> local;
  std::size_t local_count = 0;
  std::vector<Hit> spilled;
  index_.find_each(q_md5, q_sha1, q_sha256, [&](DigestKind kind, std::uint32_t ref) {
    for (std::size_t i = 0; i < local_count; ++i)
      if (local[i].first == ref) {
        local[i].second = kind;
        return;
      }
    for (auto& h : spilled)
      if (h.first == ref) {
        h.second = kind;
        return;
      }
    if (local_count < local.size()) local[local_count++] = {ref, kind};
    else spilled.emplace_back(ref, kind);
  });
  if (local_count == 0) return {};
  spilled.insert(spilled.begin(), local.begin(), local.begin() + static_cast<std::ptrdiff_t>(local_count));
  std::sort(spilled.begin(), spilled.end());
  std::vector<ItemMatch> out;
  out.reserve(spilled.size());
  for (const auto& [ref, kind] : spilled) out.push_back(describe(ref, kind));
  return out;
}

}  // namespace triage
