#pragma once
// One item as a JSON Lines record: the keys scripts rely on (documented in man/triage.1).
#include <string>

#include "core/item.h"

namespace triage {

// Appends one JSON object and a newline.
void append_item_json_line(std::string& out, const ItemRecord& item);

// Appends one JSON object line per sampled video frame of the item (none for other items):
// path, frame, timestamp (seconds, to the millisecond), pdq, pdq_quality.
void append_frame_json_lines(std::string& out, const ItemRecord& item);

// Appends one walk problem as a JSON object line with "error" set.
void append_problem_json_line(std::string& out, const WalkProblem& problem);

}  // namespace triage
