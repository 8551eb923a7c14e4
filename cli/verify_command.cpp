// triage verify CASE_DIR [--no-sources]
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <filesystem>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "app/case_outputs.h"
#include "core/text/json_text.h"
#include "app/source_recheck.h"

namespace triage::cli {
namespace {

struct VerifyOptions {
  std::string case_dir;
  bool no_sources = false;  // a court may receive the case without the evidence
};

const char* status_word(OutputCheck::Status s) {
  return s == OutputCheck::ok ? "OK" : s == OutputCheck::missing ? "MISSING" : "DIFFERS";
}

// An evidence path as a JSON string literal: control and bidi characters show as escapes, never
// act on the terminal.
std::string quoted(const std::string& path) {
  std::string out;
  append_json_string(out, path);
  return out;
}

const char* plural(std::uint64_t n, const char* one, const char* many) { return n == 1 ? one : many; }

// The outputs against SHA256SUMS and case.db; the count of files that fail.
std::size_t check_outputs(const OutputVerification& v, Io& io) {
  std::size_t failed = 0;
  // sha256sum -c style: one line per file on stdout; every reason on stderr too.
  for (const auto& c : v.checks) {
    fmt::print(io.out, "{}: {}\n", c.name, status_word(c.status));
    if (c.status == OutputCheck::ok) continue;
    ++failed;
    for (const auto& p : c.problems) fmt::print(io.err, "triage: {} {}\n", c.name, p);
  }
  for (const auto& n : v.notes) fmt::print(io.out, "note: {}\n", n);
  return failed;
}

// The sources re-read; the count of files that differ, are missing, unreadable or were added.
std::size_t check_sources(const SourceRecheck& r, Io& io) {
  for (const auto& d : r.differences) {
    const bool missing = d.kind == DifferenceKind::missing, unreadable = d.kind == DifferenceKind::unreadable,
               added = d.kind == DifferenceKind::added;
    const char* word = missing ? "MISSING" : unreadable ? "UNREADABLE" : added ? "ADDED" : "DIFFERS";
    fmt::print(io.out, "source {} file {}: {} ({})\n", d.source_index, quoted(d.path), word, d.detail);
    fmt::print(io.err, "triage: source file {} {}: {}\n", quoted(d.path),
               missing ? "is missing" : unreadable ? "cannot be read" : added ? "was added" : "differs", d.detail);
  }
  for (const auto& s : r.sources) {
    // An image whose digests were never taken (--no-source-hash) has nothing to be compared with.
    const char* verdict = s.differences > 0                                            ? "FAILED"
                          : s.files > 0 && s.digested == 0 && s.size_only == 0 ? "NOT COMPARED"
                                                                                       : "OK";
    fmt::print(io.out, "source {} ({}) {}: {}: {} {} checked, {} re-read and compared by digest, {} {}\n", s.index,
               to_string(s.kind), quoted(s.path), verdict, s.files, plural(s.files, "file", "files"), s.digested, s.differences,
               plural(s.differences, "difference", "differences"));
    if (!s.note.empty()) fmt::print(io.out, "note: source {}: {}\n", s.index, s.note);
  }
  return r.differences.size();
}

int run_verify(const VerifyOptions& o, Io& io) {
  const std::filesystem::path case_dir = o.case_dir;
  OutputVerification outputs;
  try {
    outputs = verify_case_outputs(case_dir);
  } catch (const std::exception& e) {
    fmt::print(io.err, "triage: {}\n", e.what());
    return kExitSourceUnreadable;
  }
  const std::size_t outputs_failed = check_outputs(outputs, io);

  std::string sources_summary;
  std::size_t sources_failed = 0;
  if (o.no_sources) {
    sources_summary = "sources NOT re-read (--no-sources): only the case's own files were checked";
  } else {
    try {
      const SourceRecheck recheck = recheck_sources(
          case_dir / "case.db", [&io](const std::string& line) { fmt::print(io.err, "triage: {}\n", line); },
          StopToken(io.interrupted));
      sources_failed = check_sources(recheck, io);
      std::uint64_t files = 0, added = 0;
      for (const auto& s : recheck.sources) {
        files += s.files;
        added += s.added;
      }
      const std::uint64_t changed = sources_failed - added;
      sources_summary = fmt::format("{} {} re-read ({} {} checked), {} {} or missing", recheck.sources.size(),
                                    plural(recheck.sources.size(), "source", "sources"), files,
                                    plural(files, "file", "files"), changed,
                                    plural(changed, "file differs", "files differ"));
      if (added > 0) sources_summary += fmt::format(", {} {} added to a folder", added, plural(added, "file", "files"));
    } catch (const Interrupted&) {
      fmt::print(io.err, "triage: interrupted while the sources were re-read: verification not finished\n");
      return kExitInterrupted;
    } catch (const std::exception& e) {
      // Without a readable case.db there is no record to re-read the sources against.
      sources_summary = fmt::format("sources NOT re-read: case.db cannot be read ({})", e.what());
      fmt::print(io.err, "triage: {}\n", sources_summary);
      ++sources_failed;
    }
  }
  const bool ok = outputs_failed == 0 && sources_failed == 0;
  const std::string summary =
      fmt::format("verification {}: {} {} checked, {} {} or missing; {}", ok ? "passed" : "FAILED",
                  outputs.checks.size(), plural(outputs.checks.size(), "case file", "case files"), outputs_failed,
                  plural(outputs_failed, "differs", "differ"), sources_summary);
  fmt::print(io.out, "{}\n", summary);
  if (!ok) fmt::print(io.err, "triage: {}\n", summary);
  // A changed case file comes first: the digests the sources are compared with live in case.db.
  if (outputs_failed > 0) return kExitVerifyFailed;
  if (sources_failed > 0) return kExitSourceChanged;
  return kExitClean;
}

}  // namespace

void setup_verify(CLI::App& app, Io& io, int& exit_code) {
  auto opts = std::make_shared<VerifyOptions>();
  CLI::App* cmd = app.add_subcommand(
      "verify", "Check a case's outputs against SHA256SUMS and case.db, and re-read its sources against case.db");
  cmd->add_option("CASE_DIR", opts->case_dir, "Case directory written by 'triage scan'")->required();
  cmd->add_flag("--no-sources", opts->no_sources,
                "Do not re-read the sources (when they are not available): check the case's own files only");
  cmd->callback([opts, &io, &exit_code] { exit_code = run_verify(*opts, io); });
}

}  // namespace triage::cli
