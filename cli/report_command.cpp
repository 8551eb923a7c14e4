// triage report CASE_DIR [--format html|json|csv] [--out FILE]
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <filesystem>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "formats/report/case_outputs.h"

namespace triage::cli {
namespace {

struct ReportOptions {
  std::string case_dir;
  std::string format = "html";
  std::string out;  // empty or "-": standard output
};

int run_report(const ReportOptions& o, Io& io) {
  const CaseOutput output = o.format == "json" ? CaseOutput::json : o.format == "csv" ? CaseOutput::csv : CaseOutput::html;
  std::string text;
  try {
    text = render_case_output(o.case_dir, output);
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
      "report", "Render a case's report.html, report.json or items.csv again from its case.db, byte for byte");
  cmd->add_option("CASE_DIR", opts->case_dir, "Case directory written by 'triage scan'")->required();
  cmd->add_option("--format", opts->format, "html, json or csv")
      ->check(CLI::IsMember({"html", "json", "csv"}))
      ->capture_default_str();
  cmd->add_option("--out,-o", opts->out, "File to write (mode 0600); default: standard output");
  cmd->callback([opts, &io, &exit_code] { exit_code = run_report(*opts, io); });
}

}  // namespace triage::cli
