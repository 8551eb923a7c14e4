#include "core/provenance/priority_areas.h"

#include <algorithm>

#include "core/provenance/origin_rules.h"

namespace triage {

int priority_class(const PriorityAreas& areas, const OriginRuleSet* rules, std::string_view location) {
  while (!location.empty() && location.front() == '/') location.remove_prefix(1);
  if (location.empty()) return 3;
  const auto parts = split_path_components(location);
  const auto any = [&](const std::vector<PathGlob>& globs) {
    return std::any_of(globs.begin(), globs.end(), [&](const PathGlob& g) { return g.matches(parts); });
  };
  if ((rules != nullptr && rules->match(location) != nullptr) || any(areas.user_media)) return 1;
  if (any(areas.system_areas)) return 4;
  if (any(areas.user_areas)) return 2;
  return 3;
}

}  // namespace triage
