#include "core/match/digest_matcher.h"

#include <algorithm>
#include <map>

#include "core/text/hex.h"

namespace triage {

std::uint32_t DigestMatcher::add_set(HashSetRef set) {
  sets_.push_back(std::move(set));
  return static_cast<std::uint32_t>(sets_.size() - 1);
}

std::uint32_t DigestMatcher::intern(std::string_view s) {
  // Categories repeat a lot and media ids rarely: a small cache of the last few keeps memory flat.
  if (s.empty()) return 0;
  for (auto it = interned_.rbegin(); it != interned_.rend() && it - interned_.rbegin() < 8; ++it)
    if (it->first == s) return it->second;
  if (strings_.empty()) strings_.emplace_back();  // index 0 is the empty string
  strings_.emplace_back(s);
  const auto id = static_cast<std::uint32_t>(strings_.size() - 1);
  interned_.emplace_back(std::string(s), id);
  if (interned_.size() > 64) interned_.erase(interned_.begin());
  return id;
}

bool DigestMatcher::add_record(std::uint32_t set, std::string_view md5, std::string_view sha1,
                               std::string_view sha256, std::string_view media_id, std::string_view category) {
  const auto ref = static_cast<std::uint32_t>(records_.size());
  bool ok = true;
  bool any = false;
  const std::pair<DigestKind, std::string_view> digests[] = {
      {DigestKind::md5, md5}, {DigestKind::sha1, sha1}, {DigestKind::sha256, sha256}};
  for (const auto& [kind, hex] : digests) {
    if (hex.empty()) continue;
    const auto bytes = parse_hex(hex);
    if (!bytes || !index_.add(kind, *bytes, ref)) {
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
  interned_.clear();
  interned_.shrink_to_fit();
}

std::vector<ItemMatch> DigestMatcher::match(const Digests& digests) const {
  if (records_.empty() || digests.empty()) return {};
  // record -> strongest digest kind that matched it
  std::map<std::uint32_t, DigestKind> hits;
  const std::pair<DigestKind, const std::string*> ours[] = {
      {DigestKind::md5, &digests.md5}, {DigestKind::sha1, &digests.sha1}, {DigestKind::sha256, &digests.sha256}};
  for (const auto& [kind, hex] : ours) {
    const auto bytes = parse_hex(*hex);
    if (!bytes) continue;
    for (const std::uint32_t ref : index_.find(kind, *bytes)) hits[ref] = kind;  // later kinds are stronger
  }
  std::vector<ItemMatch> out;
  for (const auto& [ref, kind] : hits) {
    const Record& r = records_[ref];
    const HashSetRef& set = sets_[r.set];
    out.push_back({set.name, set.role, to_string(kind), strings_.empty() ? "" : strings_[r.media_id],
                   strings_.empty() ? "" : strings_[r.category]});
  }
  return out;
}

}  // namespace triage
