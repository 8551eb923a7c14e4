#pragma once
// Analyst grades of a case (`triage grade`): table grades in CASE_DIR/case.db, added to the case
// after the scan and never changing what the scan recorded. See man/triage.1, triage grade.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace triage {

struct AnalystGrade {
  std::int64_t id = 0;          // order of recording: a later grade of the same hash wins
  std::string hash_type;        // "sha1" or "md5"
  std::string hash;             // lower-case hex
  std::string code;             // a category code of the case's profile
  std::string grader, note;     // note may be empty
  std::string graded_utc;       // when `triage grade` recorded it
  std::string source_file;      // the GRADES.csv it came from, as given
  std::uint64_t source_line = 0;
};

// Appends `grades` in one transaction (creating the table when the case has none yet);
// throws std::runtime_error naming the problem.
void add_analyst_grades(const std::filesystem::path& case_db, const std::vector<AnalystGrade>& grades);

// Every grade of the case in the order recorded; empty when none was ever recorded.
std::vector<AnalystGrade> analyst_grades(const std::filesystem::path& case_db);

}  // namespace triage
