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

namespace {

std::string reason_of(const ItemMatch& m) {
  std::string r = fmt::format("{} match in set '{}'", m.hash_type, m.set);
  if (!m.media_id.empty()) r += fmt::format(", record {}", m.media_id);
  if (!m.category.empty()) r += fmt::format(", category code {}", m.category);
  return r;
}

}  // namespace

std::optional<ItemCategory> categorise(const CategoryProfile& profile, const std::vector<ItemMatch>& matches,
                                       MediaType media_type) {
  const ItemMatch* best = nullptr;
  const CategoryDef* best_def = nullptr;
  bool conflict = false;
  std::string first_code;
  bool any_alert = false;
  for (const auto& m : matches) {
    if (m.role != "alert") continue;
    if (!any_alert) first_code = m.category;
    if (any_alert && m.category != first_code) conflict = true;
    any_alert = true;
    const CategoryDef* def = profile.find(m.category);
    // A code the profile does not know ranks after every known one, so it never hides one.
    const int severity = def ? def->severity : profile.uncategorised_severity();
    const int best_severity = best_def ? best_def->severity : profile.uncategorised_severity();
    if (best == nullptr || severity < best_severity) {
      best = &m;
      best_def = def;
    }
  }
  ItemCategory out;
  if (best != nullptr) {
    out.code = best->category;
    out.reason = reason_of(*best);
    out.conflict = conflict;
    if (best_def != nullptr) {
      out.label = best_def->label;
      out.severity = best_def->severity;
    } else {
      out.label = profile.uncategorised_label;
      out.severity = profile.uncategorised_severity();
      out.reason += best->category.empty() ? " (the record carries no category)"
                                           : " (code not in profile '" + profile.name + "')";
    }
    if (conflict) {
      std::vector<std::string> codes;
      for (const auto& m : matches)
        if (m.role == "alert" && std::find(codes.begin(), codes.end(), m.category) == codes.end())
          codes.push_back(m.category.empty() ? "(none)" : m.category);
      out.reason += fmt::format("; sets disagree (codes {}), the most severe applies", fmt::join(codes, ", "));
    }
    return out;
  }
  for (const char* role : {"known", "ignore"}) {
    for (const auto& m : matches) {
      if (m.role != role) continue;
      out.label = std::string_view(role) == "known" ? profile.known_good_label : profile.ignored_label;
      out.known_good = std::string_view(role) == "known";
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
