#pragma once
// Case details set after the scan (`triage report CASE_DIR --examiner ...`): table case_info of
// CASE_DIR/case.db. The details themselves are core/case/case_model.h's CaseDetails.
#include <filesystem>

#include "core/case/case_model.h"

namespace triage {

// Sets the non-empty fields of `details` in CASE_DIR/case.db (case_info, created if the case
// predates it), leaving the others as recorded; throws std::runtime_error naming the problem.
void update_case_details(const std::filesystem::path& case_db, const CaseDetails& details);

}  // namespace triage
