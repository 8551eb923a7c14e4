// triage extract CASE_DIR --which matched|probable|uncategorised|graded|all-media
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <filesystem>

#include "app/extract_job.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/scan_summary.h"
#include "cli/source_access_options.h"
#include "core/pipeline/scan_pipeline.h"

namespace triage::cli {
namespace {

int run_extract(const ExtractOptions& o, Io& io) {
  if (o.which.empty()) {
    fmt::print(io.err, "triage: extract needs --which (matched, probable, uncategorised, graded or all-media)\n");
    return kExitUsage;
  }
  if (!std::filesystem::is_regular_file(o.case_dir / "case.db")) {
    fmt::print(io.err, "triage: no case.db in {}: not a case directory\n", o.case_dir.string());
    return kExitSourceUnreadable;
  }
  ExtractOutcome outcome;
  try {
    outcome = extract_media(o, io.err, io.interrupted);
  } catch (const Interrupted&) {
    fmt::print(io.err, "triage: interrupted: run the command again\n");
    return kExitInterrupted;
  } catch (const std::exception& e) {
    fmt::print(io.err, "triage: cannot extract from {}: {}\n", o.case_dir.string(), e.what());
    return kExitCaseUnwritable;
  }
  fmt::print(io.out, "triage extract {}\n", outcome.interrupted ? "INTERRUPTED (run the command again)" : "complete");
  print_extract_summary(io.out, outcome);
  if (outcome.interrupted) return kExitInterrupted;
  if (outcome.source_changed || outcome.changed) return kExitSourceChanged;
  if (!outcome.refused.empty()) return kExitSourceUnreadable;
  return outcome.extracted == outcome.items ? kExitClean : kExitItemErrors;
}

}  // namespace

void setup_extract(CLI::App& app, Io& io, int& exit_code) {
  auto opts = std::make_shared<ExtractOptions>();
  opts->jobs = default_jobs();
  CLI::App* cmd = app.add_subcommand(
      "extract", "Copy a case's chosen media out of its sources (read again) into CASE_DIR/extracted/, checked "
                 "against the SHA-256 the case records");
  cmd->add_option("CASE_DIR", opts->case_dir, "Case directory written by 'triage scan'")->required();
  add_extract_option(*cmd, "--which", opts->which,
                     "matched (exact hash-set matches in a category), probable (PDQ or video matches only), "
                     "uncategorised, graded (by 'triage grade') or all-media; repeatable");
  cmd->add_option("--jobs,-j", opts->jobs, "Worker threads (default: the number of cores)")
      ->check(CLI::Range(1u, 1024u));
  add_source_access_options(*cmd, {&opts->archive_passwords, &opts->keys, &opts->parents});
  cmd->callback([opts, &io, &exit_code] { exit_code = run_extract(*opts, io); });
}

}  // namespace triage::cli
