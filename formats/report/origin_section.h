#pragma once
// The origin of the imagery (first person produced imagery indicators): section 4 of report.html
// and the "provenance" key of report.json, from the report model's counts (core/provenance
// decides each item's indicator).
#include <string>

#include "formats/report/html_writer.h"
#include "formats/report/report_model.h"

namespace triage {

// Stated wherever the indicators are shown.
inline constexpr const char* kOriginCaution =
    "These are indicators drawn from metadata and file locations, both of which can be altered or lost: they "
    "do not establish who took an image, on which device, or the age of anyone shown. An examiner confirms "
    "each one. Indicators never change a category and are never counted as matches.";

void write_origin_section(Html& h, const CaseReport& r);
std::string origin_json(const CaseReport& r);

}  // namespace triage
