#pragma once
// The report model of a case directory: its case.db opened read-only, the profile it recorded
// parsed (formats/profile), the summary computed (formats/report).
#include <filesystem>

#include "core/stop.h"
#include "formats/report/report_model.h"

namespace triage {

// Throws std::runtime_error (naming the file) when the case cannot be read, Interrupted when
// `stop` is requested (here or in the reads of the returned report).
CaseReport load_case_report(const std::filesystem::path& case_db, StopToken stop = {});

}  // namespace triage
