#pragma once
// Where a prioritised scan (issue 22) does its content work first, by the path inside the file
// system: 1 user media locations (a folder an origin rule names, or a user media folder of the
// data), 2 the rest of user profiles and home folders, 3 everything else, 4 operating-system and
// application areas. The globs are data (samples/rules/priority.json; formats/rules reads it).
#include <string_view>
#include <vector>

#include "core/provenance/path_glob.h"

namespace triage {

class OriginRuleSet;

struct PriorityAreas {
  std::vector<PathGlob> user_media, user_areas, system_areas;
};

// The class of `location` (rule_location: the path inside its file system, or a member's path on
// the device; empty: carved or unknown, class 3). `rules` may be null.
int priority_class(const PriorityAreas& areas, const OriginRuleSet* rules, std::string_view location);

}  // namespace triage
