#include "core/category/profile.h"

#include <algorithm>
#include <fmt/format.h>

namespace triage {

const CategoryDef* CategoryProfile::find(std::string_view code) const {
  for (const auto& c : categories)
    if (c.code == code) return &c;
  return nullptr;
}

int CategoryProfile::uncategorised_severity() const {
  int worst = 0;
  for (const auto& c : categories) worst = std::max(worst, c.severity);
  return worst + 1;
}

CategoryKind category_kind(const CategoryProfile& profile, const ItemCategory& category) {
  if (category.known_good) return CategoryKind::known_good;
  switch (category.severity - profile.uncategorised_severity()) {
    case 0: return CategoryKind::uncategorised;
    case 1: return CategoryKind::known_good;
    case 2: return CategoryKind::ignored;
    default: return CategoryKind::profile_category;
  }
}

bool decided_by_hash_sets(const CategoryProfile& profile, const std::optional<ItemCategory>& category) {
  return category && !category->probable && category_kind(profile, *category) != CategoryKind::uncategorised;
}

namespace {

std::string reason_of(const ItemMatch& m) {
  std::string r;
  if (m.hash_type == HashType::vpdq) {
    r = fmt::format("probable video match (vPDQ: {:.2f}% of the known video's frames found, {:.2f}% of this "
                    "video's frames in it) in set '{}'",
                    m.known_percent.value_or(0), m.seized_percent.value_or(0), m.set);
  } else if (m.probable()) {
    r = fmt::format("probable match (PDQ distance {}, variant {}", m.distance.value_or(-1), m.variant);
    if (m.timestamp) r += fmt::format(", video frame {} at {:.3f} s", m.frame.value_or(-1), *m.timestamp);
    r += fmt::format(") in set '{}'", m.set);
  } else {
    r = fmt::format("{} match in set '{}'", to_string(m.hash_type), m.set);
  }
  if (!m.media_id.empty()) r += fmt::format(", record {}", m.media_id);
  if (!m.category.empty()) r += fmt::format(", category code {}", m.category);
  return r;
}

// The category from the alert matches of one kind (exact or probable); nullopt when none.
std::optional<ItemCategory> from_alerts(const CategoryProfile& profile, const std::vector<ItemMatch>& matches,
                                        bool probable) {
  const ItemMatch* best = nullptr;
  const CategoryDef* best_def = nullptr;
  std::vector<std::string> codes;  // distinct codes, in match order
  for (const auto& m : matches) {
    if (m.role != HashSetRole::alert || m.probable() != probable) continue;
    const std::string code = m.category.empty() ? "(none)" : m.category;
    if (std::find(codes.begin(), codes.end(), code) == codes.end()) codes.push_back(code);
    const CategoryDef* def = profile.find(m.category);
    // A code the profile does not know ranks after every known one, so it never hides one.
    const int severity = def ? def->severity : profile.uncategorised_severity();
    const int best_severity = best_def ? best_def->severity : profile.uncategorised_severity();
    // Among probable matches of equal severity the closest is the reason given.
    const bool closer = best != nullptr && probable && severity == best_severity &&
                        m.distance.value_or(0) < best->distance.value_or(0);
    if (best == nullptr || severity < best_severity || closer) {
      best = &m;
      best_def = def;
    }
  }
  if (best == nullptr) return std::nullopt;
  ItemCategory out;
  out.code = best->category;
  out.reason = reason_of(*best);
  out.conflict = codes.size() > 1;
  out.probable = probable;
  if (best_def != nullptr) {
    out.label = best_def->label;
    out.severity = best_def->severity;
  } else {
    out.label = profile.uncategorised_label;
    out.severity = profile.uncategorised_severity();
    out.reason += best->category.empty() ? " (the record carries no category)"
                                         : " (code not in profile '" + profile.name + "')";
  }
  if (out.conflict)
    out.reason += fmt::format("; sets disagree (codes {}), the most severe applies", fmt::join(codes, ", "));
  return out;
}

}  // namespace

std::optional<ItemCategory> categorise(const CategoryProfile& profile, const std::vector<ItemMatch>& matches,
                                       MediaType media_type) {
  // An exact digest match decides; a perceptual one only when no exact alert match exists, and
  // the category then says it is probable.
  if (auto exact = from_alerts(profile, matches, false)) return exact;
  if (auto probable = from_alerts(profile, matches, true)) return probable;
  ItemCategory out;
  for (const HashSetRole role : {HashSetRole::known, HashSetRole::ignore}) {
    for (const auto& m : matches) {
      // Known-good exclusion is by exact digest only: looking like an OS file proves nothing.
      if (m.role != role || m.probable()) continue;
      out.label = role == HashSetRole::known ? profile.known_good_label : profile.ignored_label;
      out.known_good = role == HashSetRole::known;
      out.severity = profile.uncategorised_severity() + (out.known_good ? 1 : 2);
      out.reason = reason_of(m);
      return out;
    }
  }
  if (media_type == MediaType::other) return std::nullopt;
  out.label = profile.uncategorised_label;
  out.severity = profile.uncategorised_severity();
  out.reason = "no hash-set match: needs grading";
  return out;
}

}  // namespace triage
