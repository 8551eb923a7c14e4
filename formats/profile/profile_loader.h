#pragma once
// Category profiles from JSON: the built-in ones (samples/profiles/*.json, compiled in) or a file.
#include <string>

#include "core/category/profile.h"

namespace triage {

// `name_or_file` is "uk", "vics-us" or a path to a profile JSON file.
// Throws std::runtime_error naming the file and the problem when it cannot be used.
CategoryProfile load_profile(const std::string& name_or_file);

// A profile from its JSON text (as kept in case.db); `origin` names it in errors.
CategoryProfile parse_profile_text(const std::string& text, const std::string& origin);

// The profile's JSON text, for the case record (what was in force is kept with the case).
std::string profile_source_text(const std::string& name_or_file);

}  // namespace triage
