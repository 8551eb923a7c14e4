#pragma once
// The built-in priority areas (samples/rules/priority.json, compiled in; format
// "triage-priority/1") as core/provenance/priority_areas.h uses them.
#include "core/provenance/priority_areas.h"

namespace triage {

// Throws std::runtime_error when the compiled-in data is malformed (a build defect).
PriorityAreas builtin_priority_areas();

}  // namespace triage
