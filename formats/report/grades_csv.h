#pragma once
// GRADES.csv for `triage grade`: RFC 4180 CSV, one grade a line: the item's SHA-1 or MD5, a
// category code of the case's profile, the grader, and an optional note. A first line whose
// first cell is "sha1", "md5", "hash" or "digest" is a header. Blank lines are skipped.
#include <filesystem>
#include <string>
#include <vector>

#include "core/case/case_model.h"

namespace triage {

struct GradesCsv {
  std::vector<AnalystGrade> grades;   // with hash_type, hash (lower case), code, grader, note, source
  std::vector<std::string> problems;  // "GRADES.csv line 4: ...", one per rejected line
};

// Reads the file; a malformed line becomes a problem (the caller records nothing then). Throws
// std::runtime_error when the file cannot be read or is not text.
GradesCsv read_grades_csv(const std::filesystem::path& file);

}  // namespace triage
