// triage grade CASE_DIR --import GRADES.csv
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <filesystem>
#include <set>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "core/text/time_format.h"
#include "formats/casedb/case_grades.h"
#include "app/case_outputs.h"
#include "formats/report/grades_csv.h"
#include "app/case_report.h"
#include "formats/report/report_model.h"

namespace triage::cli {
namespace {

struct GradeOptions {
  std::string case_dir;
  std::string grades_csv;
};

int run_grade(const GradeOptions& o, Io& io) {
  const std::filesystem::path case_db = std::filesystem::path(o.case_dir) / "case.db";
  CaseReport before;
  GradesCsv csv;
  try {
    before = load_case_report(case_db);
    csv = read_grades_csv(o.grades_csv);
  } catch (const std::exception& e) {
    fmt::print(io.err, "triage: {}\n", e.what());
    return kExitSourceUnreadable;
  }
  // Every line must name a code of the case's profile and an item of the case: a typo must not
  // become a grade nobody sees. Nothing is recorded unless every line is right.
  std::set<std::string> wanted, hashes;  // the grades' hashes, and those of them an item has
  for (const auto& g : csv.grades) wanted.insert(g.hash);
  try {
    before.for_each_item([&](const ItemRecord& item) {
      for (const std::string* h : {&item.digests.sha1, &item.digests.md5})
        if (!h->empty() && wanted.count(*h)) hashes.insert(*h);
    });
  } catch (const std::exception& e) {
    fmt::print(io.err, "triage: {}\n", e.what());
    return kExitSourceUnreadable;
  }
  std::vector<std::string> problems = csv.problems;
  for (const auto& g : csv.grades) {
    const std::string where = fmt::format("{} line {}", g.source_file, g.source_line);
    if (!before.profile.find(g.code))
      problems.push_back(fmt::format("{}: \"{}\" is not a category code of profile {}", where, g.code, before.profile_name));
    if (!hashes.count(g.hash)) problems.push_back(fmt::format("{}: no item of the case has {} {}", where, to_string(g.hash_type), g.hash));
  }
  if (csv.grades.empty() && problems.empty()) problems.push_back(o.grades_csv + ": no grade in the file");
  if (!problems.empty()) {
    for (const auto& p : problems) fmt::print(io.err, "triage: {}\n", p);
    fmt::print(io.err, "triage: nothing recorded ({} problem(s))\n", problems.size());
    return kExitSourceUnreadable;
  }
  const std::int64_t last_before = before.grades.empty() ? 0 : before.grades.back().grade.id;
  const std::string now = now_utc();
  for (auto& g : csv.grades) g.graded_utc = now;
  try {
    add_analyst_grades(case_db, csv.grades);
    write_case_outputs(o.case_dir, StopToken(io.interrupted));  // every report shows the grades; SHA256SUMS follows
  } catch (const Interrupted&) {
    fmt::print(io.err, "triage: interrupted: the grades are recorded in case.db, the outputs not yet rewritten "
                       "(triage report CASE_DIR --case-ref ... or a new grade import rewrites them)\n");
    return kExitInterrupted;
  } catch (const std::exception& e) {
    fmt::print(io.err, "triage: cannot record the grades in '{}': {}\n", o.case_dir, e.what());
    return kExitCaseUnwritable;
  }
  // What the grades did, as the reports now show it.
  const CaseReport after = load_case_report(case_db);
  std::size_t applied = 0, agree = 0, disagree = 0;
  for (const auto& g : after.grades) {
    if (g.grade.id <= last_before) continue;  // reported only for the grades of this import
    for (const auto& i : g.items) {
      if (i.outcome == "applied") ++applied;
      else if (i.outcome == "agrees") ++agree;
      else {
        ++disagree;
        fmt::print(io.err, "triage: disagreement: {} {} graded {} (code {}) by {}, but item {} is {} by its hash set; "
                           "the hash-set category stands and both are shown\n",
                   to_string(g.grade.hash_type), g.grade.hash, g.label, g.grade.code, g.grade.grader, i.seq, i.database_category);
      }
    }
  }
  fmt::print(io.out, "{} grades recorded: applied to {} items, {} agreeing and {} disagreeing with a hash-set category; "
                     "reports and SHA256SUMS rewritten\n",
             csv.grades.size(), applied, agree, disagree);
  return kExitClean;
}

}  // namespace

void setup_grade(CLI::App& app, Io& io, int& exit_code) {
  auto opts = std::make_shared<GradeOptions>();
  CLI::App* cmd = app.add_subcommand("grade", "Record analyst grades of uncategorised items, then rewrite the reports");
  cmd->add_option("CASE_DIR", opts->case_dir, "Case directory written by 'triage scan'")->required();
  cmd->add_option("--import", opts->grades_csv, "GRADES.csv: sha1 or md5, category code, grader[, note]")->required();
  cmd->callback([opts, &io, &exit_code] { exit_code = run_grade(*opts, io); });
}

}  // namespace triage::cli
