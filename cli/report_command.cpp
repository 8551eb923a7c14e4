// triage report CASE_DIR [--format html|json|csv|vics|review|jsonl|hash-bank] [--out FILE]
//               [--case-ref R] [--exhibit-ref R] [--examiner NAME] [--organisation NAME]
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <filesystem>
#include <memory>
#include <string_view>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "formats/casedb/case_details.h"
#include "app/case_outputs.h"

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
  if (!o.only.empty() && o.format != "vics" && o.format != "hash-bank") {
    fmt::print(io.err, "triage: --only graded needs --format vics or hash-bank\n");
    return kExitUsage;
  }
  if (o.format == "hash-bank" && o.only != "graded") {  // never a bank of what no examiner graded
    fmt::print(io.err, "triage: --format hash-bank needs --only graded\n");
    return kExitUsage;
  }
  const CaseOutput output = o.format == "json"   ? CaseOutput::json
                            : o.format == "csv"  ? CaseOutput::csv
                            : o.format == "vics" ? CaseOutput::vics
                            : o.format == "jsonl" ? CaseOutput::jsonl
                            : o.format == "review" ? CaseOutput::review
                                                 : CaseOutput::html;
  const CaseDetails& d = o.details;
  if (!d.case_ref.empty() || !d.exhibit_ref.empty() || !d.examiner.empty() || !d.organisation.empty()) {
    try {
      StopToken(io.interrupted).throw_if_requested();  // nothing changed yet: nothing to finish
      update_case_details(std::filesystem::path(o.case_dir) / "case.db", d);
      write_case_outputs(o.case_dir, StopToken(io.interrupted));  // the outputs and SHA256SUMS show the new details
    } catch (const Interrupted&) {
      fmt::print(io.err, "triage: interrupted while the case's outputs were written: run the command again\n");
      return kExitInterrupted;
    } catch (const std::exception& e) {
      fmt::print(io.err, "triage: cannot update case '{}': {}\n", o.case_dir, e.what());
      return kExitCaseUnwritable;
    }
  }
  // Written as it is rendered: a report of a million items is never held in memory whole.
  const bool to_stdout = o.out.empty() || o.out == "-";
  std::unique_ptr<PrivateFile> file;  // opened with the first piece: a case that cannot be read leaves no file
  bool write_failed = false;
  const OutputSink::Consumer consume = [&](std::string_view piece) {
    if (to_stdout) {
      io.out << piece;
      return;
    }
    try {
      if (!file) file = std::make_unique<PrivateFile>(o.out);
      file->write(piece);
    } catch (...) {
      write_failed = true;
      throw;
    }
  };
  try {
    const StopToken stop(io.interrupted);
    if (o.format == "hash-bank") write_graded_hash_bank(o.case_dir, consume, stop);
    else if (o.only == "graded") write_graded_vics(o.case_dir, consume, stop);
    else write_case_output(o.case_dir, output, consume, stop);
    if (to_stdout) io.out.flush();
    else {
      write_failed = true;  // from here on, any failure is the output file's
      if (!file) file = std::make_unique<PrivateFile>(o.out);
      file->close();
    }
  } catch (const Interrupted&) {
    if (file) {  // no half report left behind
      file.reset();
      std::error_code ignored;
      std::filesystem::remove(o.out, ignored);
    }
    fmt::print(io.err, "triage: interrupted: no report written\n");
    return kExitInterrupted;
  } catch (const std::exception& e) {
    if (write_failed) {
      fmt::print(io.err, "triage: {}\n", e.what());
      return kExitCaseUnwritable;
    }
    if (file) {  // a case that fails part way leaves no half report behind
      file.reset();
      std::error_code ignored;
      std::filesystem::remove(o.out, ignored);
    }
    fmt::print(io.err, "triage: cannot read case '{}': {}\n", o.case_dir, e.what());
    return kExitSourceUnreadable;
  }
  return kExitClean;
}

}  // namespace

void setup_report(CLI::App& app, Io& io, int& exit_code) {
  auto opts = std::make_shared<ReportOptions>();
  CLI::App* cmd = app.add_subcommand(
      "report", "Render a case's report.html, report.json, items.csv, export.vics.json or review.html again from its case.db, byte for byte");
  cmd->add_option("CASE_DIR", opts->case_dir, "Case directory written by 'triage scan'")->required();
  cmd->add_option("--format", opts->format,
                  "html, json, csv, vics (export.vics.json), review (review.html, the grading page), jsonl (the items as JSON Lines, with what was decided "
                  "after the walk: clusters, own cameras) or hash-bank (with --only graded: the graded indecent "
                  "media as python-threatexchange's local file signals, pdq and video_md5, for removal)")
      ->check(CLI::IsMember({"html", "json", "csv", "vics", "review", "jsonl", "hash-bank"}))
      ->capture_default_str();
  cmd->add_option("--out,-o", opts->out, "File to write (mode 0600); default: standard output");
  cmd->add_option("--only", opts->only,
                  "graded: with --format vics or hash-bank, only the media graded with 'triage grade', hashes only (no path)")
      ->check(CLI::IsMember({"graded"}));
  const char* later = "; sets it in case.db and rewrites the case's outputs and SHA256SUMS";
  cmd->add_option("--case-ref", opts->details.case_ref, std::string("Case reference") + later);
  cmd->add_option("--exhibit-ref", opts->details.exhibit_ref, std::string("Exhibit reference(s)") + later);
  cmd->add_option("--examiner", opts->details.examiner, std::string("Examiner's name") + later);
  cmd->add_option("--organisation", opts->details.organisation, std::string("Examiner's organisation") + later);
  cmd->callback([opts, &io, &exit_code] { exit_code = run_report(*opts, io); });
}

}  // namespace triage::cli
