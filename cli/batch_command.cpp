// triage batch MANIFEST.csv --out LAB_DIR [--engine local|slurm] | batch status LAB_DIR |
// batch run-one LAB_DIR INDEX (what each local child and Slurm array task runs): app/batch_job.h.
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "app/batch_job.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "core/text/json_text.h"
#include "core/text/text_input.h"

namespace triage::cli {
namespace {

struct BatchOptions {
  std::string manifest, lab_dir;
  std::vector<std::string> hashsets, known, scan_options;
  unsigned parallel = 0, jobs_per_exhibit = 0, cpus_per_exhibit = 0;
  std::string engine = "local", partition, time_limit, format = "table";
  bool resubmit = false;
  std::size_t index = 0;  // run-one
};

std::string batch_exhibit_name(const BatchExhibit& ex) { return ex.case_ref + " / " + ex.exhibit_ref; }

// The status table (or JSON Lines); true when no exhibit failed.
bool print_batch_status(const BatchPlan& plan, const std::string& format, std::ostream& out) {
  std::vector<std::optional<std::string>> queue(plan.exhibits.size());
  if (batch_submitted_to_slurm(plan)) queue = slurm_states(plan);
  bool ok = true;
  if (format == "table")
    fmt::print(out, "{:<32} {:<11} {:>9} {:>7} {:>7} {:>9}  {}\n", "EXHIBIT", "STATE", "ITEMS", "ALERTS", "ERRORS",
               "ELAPSED", "NOTE");
  for (const auto& ex : plan.exhibits) {
    ExhibitStatus s = exhibit_status(plan, ex);
    if (const auto& q = queue[ex.index]; q && s.state != ExhibitState::done) {
      if (*q == "PENDING") s.state = ExhibitState::queued;
      if (*q == "RUNNING" || *q == "CONFIGURING" || *q == "COMPLETING") s.state = ExhibitState::running;
      s.note = "slurm " + *q + (s.note.empty() ? "" : "; " + s.note);
    }
    ok = ok && s.state != ExhibitState::failed;
    if (format == "table") {
      fmt::print(out, "{:<32} {:<11} {:>9} {:>7} {:>7} {:>8.1f}s  {}\n", batch_exhibit_name(ex), to_string(s.state), s.items,
                 s.alerts, s.errors, s.elapsed_s, s.note);
      continue;
    }
    std::string line;
    {
      JsonObject o(line);
      o.string("case_ref", ex.case_ref).string("exhibit_ref", ex.exhibit_ref).string("dir", "cases/" + ex.dir);
      o.string("state", to_string(s.state)).number("items", s.items).number("alerts", s.alerts);
      o.number("errors", s.errors).number("elapsed_s", s.elapsed_s);
      if (s.last_exit) o.number("last_exit", static_cast<std::int64_t>(*s.last_exit));
      else o.null("last_exit");
      o.string("note", s.note);
    }
    out << line << '\n';
  }
  return ok;
}

int run_batch(const BatchOptions& o, Io& io) {
  if (o.manifest.empty() || o.lab_dir.empty()) {
    fmt::print(io.err, "triage batch: give MANIFEST.csv and --out LAB_DIR (or: batch status LAB_DIR)\n");
    return kExitUsage;
  }
  BatchPlan plan;
  plan.lab_dir = std::filesystem::absolute(o.lab_dir).lexically_normal();
  plan.manifest = o.manifest;
  // Absolute: each exhibit's scan runs elsewhere (a Slurm task in LAB_DIR).
  for (const auto& f : o.hashsets) plan.hashsets.push_back(std::filesystem::absolute(f).lexically_normal().string());
  for (const auto& f : o.known) plan.known.push_back(std::filesystem::absolute(f).lexically_normal().string());
  plan.scan_options = o.scan_options;
  plan.jobs_per_exhibit = o.engine == "slurm" && o.cpus_per_exhibit > 0 ? o.cpus_per_exhibit : o.jobs_per_exhibit;
  plan.triage = std::filesystem::read_symlink("/proc/self/exe").string();
  try {
    plan.exhibits = read_batch_manifest(o.manifest);
  } catch (const InputError& e) {
    fmt::print(io.err, "triage batch: manifest refused, nothing run: {}\n", e.what());
    return kExitUsage;
  }
  try {
    prepare_batch(plan);
  } catch (const std::exception& e) {
    fmt::print(io.err, "triage batch: {}\n", e.what());
    return kExitCaseUnwritable;
  }
  if (o.engine == "slurm") {
    if (batch_submitted_to_slurm(plan) && !o.resubmit) {
      fmt::print(io.err, "triage batch: {} was submitted to Slurm already: `triage batch status {}` shows it; "
                         "--resubmit submits again the exhibits not finished, queued or running\n",
                 plan.lab_dir.string(), plan.lab_dir.string());
      return kExitUsage;
    }
    try {
      const auto submitted = submit_batch_slurm(plan, {o.partition, o.time_limit, o.cpus_per_exhibit});
      if (submitted.empty())
        fmt::print(io.out, "nothing to submit: every exhibit is finished, queued or running\n");
      else
        fmt::print(io.out, "submitted {} exhibit(s) to Slurm as one job array; `triage batch status {}` follows it\n",
                   submitted.size(), plan.lab_dir.string());
    } catch (const std::exception& e) {
      fmt::print(io.err, "triage batch: {}\n", e.what());
      return kExitCaseUnwritable;
    }
    return kExitClean;
  }
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  unsigned parallel = o.parallel;
  if (parallel == 0) parallel = std::min<unsigned>(static_cast<unsigned>(plan.exhibits.size()),
                                                   std::max(1u, cores / std::max(1u, plan.jobs_per_exhibit)));
  if (plan.jobs_per_exhibit == 0) {  // the machine's cores shared between the exhibits running
    plan.jobs_per_exhibit = std::max(1u, cores / std::max(1u, parallel));
  }
  try {
    run_batch_local(plan, parallel, io.interrupted, io.err);
  } catch (const std::exception& e) {
    fmt::print(io.err, "triage batch: {}\n", e.what());
    return kExitCaseUnwritable;
  }
  const bool ok = print_batch_status(plan, "table", io.out);
  if (io.interrupted.load()) return kExitInterrupted;
  if (!ok) return kExitItemErrors;
  for (const auto& ex : plan.exhibits)
    if (exhibit_status(plan, ex).state != ExhibitState::done) return kExitPartial;
  return kExitClean;
}

int run_batch_status(const BatchOptions& o, Io& io) {
  try {
    const BatchPlan plan = load_batch(o.lab_dir);
    return print_batch_status(plan, o.format, io.out) ? kExitClean : kExitItemErrors;
  } catch (const std::exception& e) {
    fmt::print(io.err, "triage batch status: {}\n", e.what());
    return kExitSourceUnreadable;
  }
}

// One exhibit's scan, in this process; its output to logs/DIR.log, how it ended to logs/DIR.exit.
int run_batch_one(const BatchOptions& o, Io& io) {
  BatchPlan plan;
  std::vector<std::string> args;
  try {
    plan = load_batch(o.lab_dir);
    if (o.index >= plan.exhibits.size()) {
      fmt::print(io.err, "triage batch run-one: no exhibit {} in {}\n", o.index, o.lab_dir);
      return kExitUsage;
    }
    args = exhibit_scan_args(plan, plan.exhibits[o.index]);
  } catch (const std::exception& e) {
    fmt::print(io.err, "triage batch run-one: {}\n", e.what());
    return kExitSourceUnreadable;
  }
  const BatchExhibit& ex = plan.exhibits[o.index];
  if (args.empty()) {
    fmt::print(io.out, "{}: finished already\n", batch_exhibit_name(ex));
    return kExitClean;
  }
  std::ofstream log(plan.lab_dir / "logs" / (ex.dir + ".log"), std::ios::app);
  std::vector<const char*> argv{"triage"};
  for (const auto& a : args) argv.push_back(a.c_str());
  log << "# " << quote_command_line(static_cast<int>(argv.size()), argv.data()) << '\n' << std::flush;
  const auto start = std::chrono::steady_clock::now();
  const int code = cli::run(static_cast<int>(argv.size()), argv.data(), {log, log, false, io.interrupted});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  log << "# exit " << code << '\n';
  try {
    record_exhibit_exit(plan, ex, code, seconds);
  } catch (const std::exception& e) {
    fmt::print(io.err, "triage batch run-one: {}\n", e.what());
    return kExitCaseUnwritable;
  }
  return code;
}

}  // namespace

void setup_batch(CLI::App& app, Io& io, int& exit_code) {
  auto o = std::make_shared<BatchOptions>();
  CLI::App* batch = app.add_subcommand(
      "batch", "Scan a manifest's exhibits into one case directory each under LAB_DIR, here or on a Slurm cluster");
  batch->add_option("MANIFEST", o->manifest, "CSV: case_ref, exhibit_ref, examiner, source (one row per source), profile");
  batch->add_option("--out,-o", o->lab_dir, "The batch's folder (batch.json, HASHSET.db, cases/, logs/)");
  // One value per occurrence (repeat the option): a list option would take the `--` that starts the scan options.
  batch->add_option("--hashset", o->hashsets, "Hash set for every exhibit (exports are imported once into LAB_DIR/HASHSET.db)")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  batch->add_option("--known-good", o->known, "Known-good hash set for every exhibit")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  batch->add_option("--parallel", o->parallel, "Exhibits scanned side by side (default: the cores / --jobs-per-exhibit)");
  batch->add_option("--jobs-per-exhibit", o->jobs_per_exhibit, "Each scan's --jobs (default: the cores shared)");
  batch->add_option("--engine", o->engine, "local (this machine) or slurm (sbatch, one job array)")
      ->check(CLI::IsMember({"local", "slurm"}))
      ->capture_default_str();
  batch->add_option("--partition", o->partition, "Slurm: the partition");
  batch->add_option("--time-limit", o->time_limit, "Slurm: each task's time limit (sbatch --time); a task killed by it is resumed by --resubmit");
  batch->add_option("--cpus-per-exhibit", o->cpus_per_exhibit, "Slurm: cores per task (and each scan's --jobs)");
  batch->add_flag("--resubmit", o->resubmit, "Slurm: submit again every exhibit not finished, queued or running");
  batch->add_option("SCAN_OPTIONS", o->scan_options, "After --: options given to every scan (e.g. -- --all-files --no-thumbnails)");
  batch->positionals_at_end(false);

  CLI::App* status = batch->add_subcommand("status", "Each exhibit's state, items, alerts, errors and time; non-zero exit while one failed");
  status->add_option("LAB_DIR", o->lab_dir, "The batch's folder")->required();
  status->add_option("--format", o->format, "table or jsonl")->check(CLI::IsMember({"table", "jsonl"}))->capture_default_str();
  status->callback([o, &io, &exit_code] { exit_code = run_batch_status(*o, io); });

  CLI::App* one = batch->add_subcommand("run-one", "Scan one exhibit of a prepared batch (what each child process and Slurm task runs)");
  one->add_option("LAB_DIR", o->lab_dir, "The batch's folder")->required();
  one->add_option("INDEX", o->index, "The exhibit's index (manifest order from 0)")->required();
  one->callback([o, &io, &exit_code] { exit_code = run_batch_one(*o, io); });
  one->group("");  // internal: not listed in --help

  batch->callback([o, batch, &io, &exit_code] {
    if (batch->got_subcommand("status") || batch->got_subcommand("run-one")) return;
    exit_code = run_batch(*o, io);
  });
}

}  // namespace triage::cli
