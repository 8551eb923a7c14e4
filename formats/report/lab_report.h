#pragma once
// `triage lab` answers: search hits as JSON Lines or a table, and the links across cases as JSON
// and as one self-contained HTML page (no script; every evidence-derived string escaped).
#include <string>
#include <vector>

#include "core/lab/lab_index.h"

namespace triage {

std::string lab_hit_json(const LabHit& hit);     // one line, no newline
std::string lab_hits_table(const std::vector<LabHit>& hits);
std::string lab_links_json(const std::vector<LabCase>& cases, const std::vector<LabLink>& links);
std::string lab_links_html(const std::vector<LabCase>& cases, const std::vector<LabLink>& links);

}  // namespace triage
