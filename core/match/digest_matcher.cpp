#include "core/match/digest_matcher.h"

#include <algorithm>
#include <array>
#include <span>

#include "core/text/hex.h"

namespace triage {

std::uint32_t DigestMatcher::add_set(HashSetRef set) {
  sets_.push_back(std::move(set));
  return static_cast<std::uint32_t>(sets_.size() - 1);
}

std::uint32_t DigestMatcher::intern(std::string_view s) {
  // Texts go into one pool (offset + length): ten million records need no ten million strings.
  if (s.empty()) return 0;
  if (texts_.empty()) texts_.push_back({0, 0});  // index 0 is the empty text
  if (texts_.size() > 1) {
    const Text& last = texts_.back();
    if (std::string_view(pool_).substr(last.offset, last.length) == s) return static_cast<std::uint32_t>(texts_.size() - 1);
  }
  texts_.push_back({pool_.size(), static_cast<std::uint32_t>(s.size())});
  pool_.append(s);
  return static_cast<std::uint32_t>(texts_.size() - 1);
}

std::string DigestMatcher::text(std::uint32_t id) const {
  if (id == 0 || id >= texts_.size()) return {};
  return pool_.substr(texts_[id].offset, texts_[id].length);
}

bool DigestMatcher::add_record(std::uint32_t set, std::string_view md5, std::string_view sha1,
                               std::string_view sha256, std::string_view media_id, std::string_view category) {
  const auto ref = static_cast<std::uint32_t>(records_.size());
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
  if (any) records_.push_back({set, intern(media_id), intern(category)});
  return ok && any;
}

void DigestMatcher::build() {
  index_.build();
  pool_.shrink_to_fit();
}

std::vector<ItemMatch> DigestMatcher::match(const Digests& digests) const {
  if (records_.empty() || digests.empty()) return {};
  // (record, strongest digest kind that matched it); later kinds are stronger.
  std::vector<std::pair<std::uint32_t, DigestKind>> hits;
  const std::pair<DigestKind, const std::string*> ours[] = {
      {DigestKind::md5, &digests.md5}, {DigestKind::sha1, &digests.sha1}, {DigestKind::sha256, &digests.sha256}};
  std::array<std::uint8_t, 32> bytes{};
  for (const auto& entry : ours) {
    const DigestKind kind = entry.first;  // not a structured binding: clang 14 cannot capture one
    const auto digest = std::span(bytes).first(digest_length(kind));
    if (!parse_hex_into(*entry.second, digest)) continue;
    index_.find(kind, digest, [&](std::uint32_t ref) {
      for (auto& h : hits)
        if (h.first == ref) {
          h.second = kind;
          return;
        }
      hits.emplace_back(ref, kind);
    });
  }
  if (hits.empty()) return {};
  std::sort(hits.begin(), hits.end());
  std::vector<ItemMatch> out;
  for (const auto& [ref, kind] : hits) {
    const Record& r = records_[ref];
    const HashSetRef& set = sets_[r.set];
    ItemMatch m;
    m.set = set.name;
    m.role = set.role;
    m.hash_type = to_string(kind);
    m.media_id = text(r.media_id);
    m.category = text(r.category);
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace triage
