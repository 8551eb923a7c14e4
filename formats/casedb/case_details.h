#pragma once
// Who the case is for: given on the command line, kept in case.db (table case_info), printed
// in every report. Empty means "not recorded".
#include <string>

namespace triage {

struct CaseDetails {
  std::string case_ref, exhibit_ref, examiner, organisation;
};

}  // namespace triage
