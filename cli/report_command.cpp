// triage report CASE_DIR [--format html|json|csv|vics] [--out FILE]
//               [--case-ref R] [--exhibit-ref R] [--examiner NAME] [--organisation NAME]
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <filesystem>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "formats/casedb/case_details.h"
#include "formats/report/case_outputs.h"

namespace triage::cli {
namespace {

struct ReportOptions {
  std::string case_dir;
  std::string format = "html";
  std::string out;  // empty or "-": standard output
  std::string only;  // "graded": with --format vics, only analyst-graded media, hashes only
  CaseDetails details;  // non-empty fields are set in case.db first, and the case's outputs rewritten
};

int run_report(const ReportOptions& o, Io& io) {
  if (!o.only.empty() && o.format != "vics") {
    fmt::print(io.err, "triage: --only graded needs --format vics\n");
    return kExitUsage;
  }
  const CaseOutput output = o.format == "json"   ? CaseOutput::json
                            : o.format == "csv"  ? CaseOutput::csv
                            : o.format == "vics" ? CaseOutput::vics
                                                 : CaseOutput::html;
  const CaseDetails& d = o.details;
  if (!d.case_ref.empty() || !d.exhibit_ref.empty() || !d.examiner.empty() || !d.organisation.empty()) {
    try {
      update_case_details(std::filesystem::path(o.case_dir) / "case.db", d);
      write_case_outputs(o.case_dir);  // the outputs in the case, and SHA256SUMS, show the new details
    } catch (const std::exception& e) {
      fmt::print(io.err, "triage: cannot update case '{}': {}\n", o.case_dir, e.what());
      return kExitCaseUnwritable;
    }
  }
  std::string text;
  try {
    text = o.only == "graded" ? render_graded_vics(o.case_dir) : render_case_output(o.case_dir, output);
  } catch (const std::exception& e) {
    fmt::print(io.err, "triage: cannot read case '{}': {}\n", o.case_dir, e.what());
    return kExitSourceUnreadable;
  }
  if (o.out.empty() || o.out == "-") {
    io.out << text;
    io.out.flush();
    return kExitClean;
  }
  try {
    write_private_file(o.out, text);
  } catch (const std::exception& e) {
    fmt::print(io.err, "triage: {}\n", e.what());
    return kExitCaseUnwritable;
  }
  return kExitClean;
}

}  // namespace

void setup_report(CLI::App& app, Io& io, int& exit_code) {
  auto opts = std::make_shared<ReportOptions>();
  CLI::App* cmd = app.add_subcommand(
      "report", "Render a case's report.html, report.json, items.csv or export.vics.json again from its case.db, byte for byte");
  cmd->add_option("CASE_DIR", opts->case_dir, "Case directory written by 'triage scan'")->required();
  cmd->add_option("--format", opts->format, "html, json, csv or vics (export.vics.json)")
      ->check(CLI::IsMember({"html", "json", "csv", "vics"}))
      ->capture_default_str();
  cmd->add_option("--out,-o", opts->out, "File to write (mode 0600); default: standard output");
  cmd->add_option("--only", opts->only,
                  "graded: with --format vics, only the media graded with 'triage grade', hashes only (no path)")
      ->check(CLI::IsMember({"graded"}));
  const char* later = "; sets it in case.db and rewrites the case's outputs and SHA256SUMS";
  cmd->add_option("--case-ref", opts->details.case_ref, std::string("Case reference") + later);
  cmd->add_option("--exhibit-ref", opts->details.exhibit_ref, std::string("Exhibit reference(s)") + later);
  cmd->add_option("--examiner", opts->details.examiner, std::string("Examiner's name") + later);
  cmd->add_option("--organisation", opts->details.organisation, std::string("Examiner's organisation") + later);
  cmd->callback([opts, &io, &exit_code] { exit_code = run_report(*opts, io); });
}

}  // namespace triage::cli
