#pragma once
// Who the case is for: given on the command line, kept in case.db (table case_info), printed
// in every report. Empty means "not recorded".
#include <filesystem>
#include <string>

namespace triage {

struct CaseDetails {
  std::string case_ref, exhibit_ref, examiner, organisation;
  std::string time_zone;  // the examiner's machine's local time zone at the scan (local_time_zone())
};

// Sets the non-empty fields of `details` in CASE_DIR/case.db (case_info, created if the case
// predates it), leaving the others as recorded; throws std::runtime_error naming the problem.
void update_case_details(const std::filesystem::path& case_db, const CaseDetails& details);

}  // namespace triage
