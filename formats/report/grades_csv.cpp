#include "formats/report/grades_csv.h"

#include <fmt/format.h>

#include <stdexcept>

#include "core/text/text_input.h"
#include "core/text/line_reader.h"

namespace triage {
namespace {

std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

}  // namespace

GradesCsv read_grades_csv(const std::filesystem::path& file) {
  GradesCsv out;
  {
    LineReader in(file);  // throws ImportError (a std::runtime_error) when unreadable or binary
    std::string_view line;
    std::vector<std::string> cells;
    bool first = true;
    while (in.next(line)) {
      const std::uint64_t number = in.position().line;
      if (trim(std::string(line)).empty()) continue;
      const auto problem = [&](const std::string& what) {
        out.problems.push_back(fmt::format("{} line {}: {}", file.string(), number, what));
      };
      if (!split_delimited(line, ',', cells)) {
        problem("unterminated quote");
        first = false;
        continue;
      }
      for (auto& c : cells) c = trim(c);
      const std::string head = lower_ascii(cells[0]);
      if (first && (head == "sha1" || head == "md5" || head == "hash" || head == "digest" || head == "sha1 or md5")) {
        first = false;
        continue;
      }
      first = false;
      if (cells.size() < 3 || cells.size() > 4) {
        problem(fmt::format("{} cells; expected hash, category code, grader[, note]", cells.size()));
        continue;
      }
      AnalystGrade g;
      g.hash = lower_ascii(cells[0]);
      if (!is_hex(g.hash) || (g.hash.size() != 32 && g.hash.size() != 40)) {
        problem(fmt::format("\"{}\" is not a SHA-1 (40 hex digits) or MD5 (32 hex digits)", cells[0]));
        continue;
      }
      g.hash_type = g.hash.size() == 40 ? HashType::sha1 : HashType::md5;
      g.code = cells[1];
      g.grader = cells[2];
      if (cells.size() == 4) g.note = cells[3];
      if (g.code.empty()) {
        problem("no category code");
        continue;
      }
      if (g.grader.empty()) {
        problem("no grader: every grade must say who made it");
        continue;
      }
      g.source_file = file.string();
      g.source_line = number;
      out.grades.push_back(std::move(g));
    }
  }
  return out;
}

}  // namespace triage
