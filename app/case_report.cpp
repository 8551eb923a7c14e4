#include "app/case_report.h"

#include <memory>
#include <stdexcept>

#include "formats/casedb/case_store.h"
#include "formats/profile/profile_loader.h"

namespace triage {

CaseReport load_case_report(const std::filesystem::path& case_db, StopToken stop) {
  if (!std::filesystem::exists(case_db)) throw std::runtime_error(case_db.string() + ": no case database");
  std::shared_ptr<const CaseReader> store = CaseStore::open_read_only(case_db);
  return build_case_report(std::move(store), case_db.string(), parse_profile_text, stop);
}

}  // namespace triage
