#pragma once
// Analyst grades of a case (`triage grade`): table grades in CASE_DIR/case.db, added to the case
// after the scan and never changing what the scan recorded (core/case/case_model.h's
// AnalystGrade; CaseStore::grades() reads them back). See man/triage.1, triage grade.
#include <filesystem>
#include <vector>

#include "core/case/case_model.h"

namespace triage {

// Appends `grades` in one transaction (creating the table when the case has none yet);
// throws std::runtime_error naming the problem.
void add_analyst_grades(const std::filesystem::path& case_db, const std::vector<AnalystGrade>& grades);

}  // namespace triage
