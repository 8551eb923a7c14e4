#include "core/match/pdq_matcher.h"

#include <algorithm>

#include "core/match/hash256.h"
#include "core/match/mih_index.h"

namespace triage {

match::Hash256 to_hash256(const PdqHash& hash) {
  // PdqHash word 15 is the most significant; Hash256 w[0] holds the top 64 bits.
  match::Hash256 out;
  for (std::size_t i = 0; i < 4; ++i) {
    std::uint64_t w = 0;
    for (std::size_t j = 0; j < 4; ++j) w = w << 16 | hash.words[15 - 4 * i - j];
    out.w[i] = w;
  }
  return out;
}

PdqMatcher::PdqMatcher() = default;
PdqMatcher::~PdqMatcher() = default;
PdqMatcher::PdqMatcher(PdqMatcher&&) noexcept = default;
PdqMatcher& PdqMatcher::operator=(PdqMatcher&&) noexcept = default;

std::uint32_t PdqMatcher::add_set(HashSetRef set) {
  sets_.push_back(std::move(set));
  return static_cast<std::uint32_t>(sets_.size() - 1);
}

bool PdqMatcher::add_record(std::uint32_t set, std::string_view pdq_hex, std::string_view media_id,
                            std::string_view category) {
  const auto hash = match::from_hex(pdq_hex);
  if (!hash) return false;
  pending_.push_back(*hash);
  records_.push_back({set, texts_.intern(media_id), texts_.intern(category)});
  return true;
}

void PdqMatcher::build() {
  texts_.shrink_to_fit();
  if (pending_.empty()) return;
  index_ = std::make_unique<match::MihIndex>(std::move(pending_));
  pending_ = {};
}

std::vector<ItemMatch> PdqMatcher::match(const std::array<PdqHash, 8>& variants, int quality,
                                         const PdqMatchOptions& options) const {
  if (!index_ || quality < options.min_quality || options.max_distance < 0) return {};
  struct Hit {
    std::uint32_t id;
    int distance;
    std::size_t variant;
  };
  std::vector<Hit> hits;
  for (std::size_t v = 0; v < variants.size(); ++v) {
    // A symmetric image has equal variants: search each distinct hash once.
    if (std::find(variants.begin(), variants.begin() + static_cast<std::ptrdiff_t>(v), variants[v]) !=
        variants.begin() + static_cast<std::ptrdiff_t>(v))
      continue;
    for (const auto& m : index_->search(to_hash256(variants[v]), options.max_distance)) {
      auto it = std::find_if(hits.begin(), hits.end(), [&](const Hit& h) { return h.id == m.id; });
      if (it == hits.end()) {
        hits.push_back({m.id, m.distance, v});
      } else if (m.distance < it->distance) {
        *it = {m.id, m.distance, v};
      }
    }
  }
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) { return a.id < b.id; });
  std::vector<ItemMatch> out;
  out.reserve(hits.size());
  for (const Hit& h : hits) {
    const Record& r = records_[h.id];
    ItemMatch m;
    m.set = sets_[r.set].name;
    m.role = sets_[r.set].role;
    m.hash_type = HashType::pdq;
    m.media_id = texts_.view(r.media_id);
    m.category = texts_.view(r.category);
    m.distance = h.distance;
    m.variant = kPdqDihedralNames[h.variant];
    m.quality = quality;
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace triage
