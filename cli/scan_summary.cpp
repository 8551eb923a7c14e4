// The human summary printed after `triage scan`.
#include "cli/scan_summary.h"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <filesystem>

namespace triage::cli {
namespace fs = std::filesystem;

void print_scan_summary(std::ostream& out, const ScanJobOptions& options, const ScanOutcome& outcome) {
  const ScanCounts& c = outcome.counts;
  fmt::print(out, "triage scan {}\n", outcome.interrupted    ? "INTERRUPTED (finish it: the same command with --resume)"
                                     : outcome.budget_spent ? "PARTIAL: the time budget was spent (continue it: the same "
                                                              "command with --resume, with or without --budget)"
                                                            : "complete");
  fmt::print(out, "  case directory      {}\n", options.case_dir.string());
  if (outcome.already_complete)
    fmt::print(out, "  resumed             nothing to do: the scan had completed (outputs written again)\n");
  else if (options.resume && outcome.resumed_from > 0)
    fmt::print(out, "  resumed             after {} walk positions committed before the interruption\n",
               outcome.resumed_from);
  fmt::print(out, "  files examined      {} ({:.1f} MB) in {:.2f} s\n", c.items, static_cast<double>(c.bytes) / 1e6,
             outcome.seconds);
  if (outcome.first_alert)
    fmt::print(out, "  ALERTS              {} (the first {:.1f} s after the start)\n", outcome.alerts, *outcome.first_alert);
  else
    fmt::print(out, "  alerts              none\n");
  fmt::print(out, "  still images        {}\n", c.images);
  fmt::print(out, "  videos              {}\n", c.videos);
  fmt::print(out, "  other files         {}{}\n", c.others, options.all_files ? "" : " (identified, not digested)");
  fmt::print(out, "  digested            {} (MD5, SHA-1, SHA-256)\n", c.digested);
  if (outcome.copies_not_decoded > 0)
    fmt::print(out, "  copies              {} not decoded again (the same content decoded before: its results reused)\n",
               outcome.copies_not_decoded);
  fmt::print(out, "  with camera EXIF    {} ({} with GPS position)\n", c.with_exif, c.with_gps);
  fmt::print(out, "  extension mismatch  {}\n", c.extension_mismatches);
  if (!c.categories.empty()) {
    fmt::print(out, "  by category (profile {}; each file counted once, by its most severe match)\n",
               options.profile);
    fmt::print(out, "    {:<36} {:>8} {:>8}\n", "category", "stills", "videos");
    for (const auto& [key, counts] : c.categories)
      fmt::print(out, "    {:<36} {:>8} {:>8}\n", key.second, counts.first, counts.second);
  }
  fmt::print(out, "  hash-set matches    {} items ({} probable only: PDQ or video frames, to be confirmed by eye)\n", c.matched,
             c.probable);
  fmt::print(out, "  not examined        {} item errors, {} walk errors, {} notices (links not followed, deleted names only, unpartitioned space)\n",
             c.item_errors, c.walk_errors, c.notices);
  for (const auto& e : outcome.first_errors) fmt::print(out, "    ! {}\n", e);
  if (outcome.coverage && (outcome.budget_spent || outcome.interrupted)) {
    static constexpr const char* kClasses[] = {"", "user media", "user folders", "other", "system areas"};
    const Coverage& k = *outcome.coverage;
    fmt::print(out, "  coverage            by priority class: entries examined of those listed (bytes)\n");
    for (std::size_t p = 1; p <= 4; ++p)
      fmt::print(out, "    {}. {:<15} {} of {} ({:.1f} of {:.1f} MB)\n", p, kClasses[p], k.examined[p], k.listed[p],
                 static_cast<double>(k.examined_bytes[p]) / 1e6, static_cast<double>(k.listed_bytes[p]) / 1e6);
  }
  for (const auto& line : outcome.integrity) fmt::print(out, "  source integrity    {}\n", line);
  if (outcome.source_changed) fmt::print(out, "  !!! SOURCE INTEGRITY FAILED: the evidence changed or could not be re-read\n");
  fmt::print(out, "  outputs             case.db, items.csv, report.html, report.json, export.vics.json, review.html, SHA256SUMS{}\n",
             fs::exists(options.case_dir / "hashsets.db") ? ", hashsets.db" : "");
  if (outcome.extracted) print_extract_summary(out, *outcome.extracted);
}

void print_extract_summary(std::ostream& out, const ExtractOutcome& x) {
  for (const std::string& why : x.refused) fmt::print(out, "  !!! EXTRACTION REFUSED: {}: nothing extracted\n", why);
  if (!x.refused.empty()) return;
  fmt::print(out, "  extracted           {} of {} chosen items, in {} files ({:.1f} MB) under extracted/ (manifest.csv)\n",
             x.extracted, x.items, x.files, static_cast<double>(x.bytes) / 1e6);
  if (x.changed) fmt::print(out, "  !!! {} items refused: their content changed since the scan\n", x.changed);
  for (std::size_t i = 0; i < x.problems.size() && i < 10; ++i) fmt::print(out, "    ! {}\n", x.problems[i]);
  if (x.problems.size() > 10) fmt::print(out, "    ! ... {} more in extracted/manifest.csv\n", x.problems.size() - 10);
}

}  // namespace triage::cli
