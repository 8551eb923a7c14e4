#include "app/batch_job.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <deque>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "app/case_dir.h"
#include "app/scan_hash_sets.h"
#include "core/text/shell_quote.h"
#include "core/text/text_input.h"
#include "formats/casedb/case_store.h"
#include "formats/hashset/hashset_store.h"

namespace triage {
namespace fs = std::filesystem;
using nlohmann::json;
namespace {

constexpr const char* kFormat = "triage-batch/1";

fs::path batch_file(const fs::path& lab) { return lab / "batch.json"; }
fs::path store_file(const fs::path& lab) { return lab / "HASHSET.db"; }
fs::path case_dir(const BatchPlan& plan, const BatchExhibit& ex) { return plan.lab_dir / "cases" / ex.dir; }
fs::path log_file(const BatchPlan& plan, const BatchExhibit& ex, const char* ext) {
  return plan.lab_dir / "logs" / (ex.dir + ext);
}
fs::path jobs_file(const BatchPlan& plan) { return plan.lab_dir / "slurm" / "jobs"; }

// Writes `text` to `file` whole or not at all (a temporary name, then rename).
void write_atomically(const fs::path& file, const std::string& text) {
  const fs::path part = file.string() + ".part";
  {
    std::ofstream out(part, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) throw std::runtime_error(fmt::format("cannot write {}", part.string()));
  }
  fs::rename(part, file);
}

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// What makes two batches the same batch: everything but the executable and the time.
json identity(const BatchPlan& plan) {
  json exhibits = json::array();
  for (const auto& ex : plan.exhibits)
    exhibits.push_back({{"index", ex.index}, {"case_ref", ex.case_ref}, {"exhibit_ref", ex.exhibit_ref},
                        {"examiner", ex.examiner}, {"profile", ex.profile}, {"sources", ex.sources}, {"dir", ex.dir}});
  return {{"format", kFormat}, {"exhibits", exhibits}, {"hashsets", plan.hashsets}, {"known", plan.known},
          {"scan_options", plan.scan_options}, {"jobs_per_exhibit", plan.jobs_per_exhibit}};
}

// The options a batch gives each scan itself.
void check_scan_options(const std::vector<std::string>& options) {
  static const std::vector<std::string> kOwn{"--out", "-o", "--resume", "--case-ref", "--exhibit-ref", "--examiner",
                                             "--profile", "--hashset", "--known-good", "--alerts", "--jobs", "-j"};
  for (const auto& o : options) {
    const std::string name = o.substr(0, o.find('='));
    if (std::find(kOwn.begin(), kOwn.end(), name) != kOwn.end())
      throw std::runtime_error(fmt::format("scan option '{}' is set by the batch itself (manifest columns, --hashset, "
                                           "--known-good, --jobs-per-exhibit)",
                                           name));
  }
}

// Every hash-set file of the batch (the --hashset ones, then the --known-good ones) with its kind.
std::vector<std::pair<fs::path, HashSetFileKind>> hash_set_files(const BatchPlan& plan) {
  std::vector<std::pair<fs::path, HashSetFileKind>> out;
  for (const bool known : {false, true})
    for (const auto& f : known ? plan.known : plan.hashsets) out.emplace_back(f, hash_set_file_kind(f, known));
  return out;
}

bool is_export(HashSetFileKind kind) {
  return kind == HashSetFileKind::alert_export || kind == HashSetFileKind::known_export;
}

// The exports go into LAB_DIR/HASHSET.db, each with the role its kind gives it; a file imported
// before is skipped (the store knows it by name and SHA-256).
void import_exports(const BatchPlan& plan) {
  std::vector<fs::path> alert, known;
  for (const auto& [file, kind] : hash_set_files(plan)) {
    if (kind == HashSetFileKind::alert_export) alert.push_back(file);
    if (kind == HashSetFileKind::known_export) known.push_back(file);
  }
  if (alert.empty() && known.empty()) return;
  auto store = HashSetStore::open_or_create(store_file(plan.lab_dir));
  ImportOptions options;
  options.role = HashSetRole::alert;
  if (!alert.empty()) (void)store->import_files(alert, options);
  options.role = HashSetRole::known;
  if (!known.empty()) (void)store->import_files(known, options);
}

struct ExitRecord {
  int exit_code = 0;
  double seconds = 0;
};
std::optional<ExitRecord> read_exit(const fs::path& file) {
  std::ifstream in(file);
  ExitRecord r;
  if (!(in >> r.exit_code >> r.seconds)) return std::nullopt;
  return r;
}

bool finished_well(int exit_code) { return exit_code == 0 || exit_code == 1; }  // 1: some items had errors
bool stopped(int exit_code) { return exit_code == 7 || exit_code == 130 || exit_code >= 128; }

// Runs argv, its stdout captured; the exit status (127 when it cannot be started).
int run_capture(const std::vector<std::string>& args, std::string& out) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error(fmt::format("pipe: {}", std::strerror(errno)));
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(fmt::format("fork: {}", std::strerror(errno)));
  if (pid == 0) {
    ::dup2(pipe_fds[1], 1);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  char buf[4096];
  ssize_t n;
  while ((n = ::read(pipe_fds[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0) out.append(buf, static_cast<std::size_t>(n));
  ::close(pipe_fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

const char* to_string(ExhibitState state) {
  switch (state) {
    case ExhibitState::pending: return "pending";
    case ExhibitState::queued: return "queued";
    case ExhibitState::running: return "running";
    case ExhibitState::unfinished: return "unfinished";
    case ExhibitState::done: return "done";
    case ExhibitState::failed: return "failed";
  }
  return "pending";
}

void prepare_batch(const BatchPlan& plan) {
  check_scan_options(plan.scan_options);
  const json wanted = identity(plan);
  if (fs::exists(batch_file(plan.lab_dir))) {
    json held;
    try {
      held = json::parse(read_file(batch_file(plan.lab_dir)));
    } catch (const json::exception& e) {
      throw std::runtime_error(fmt::format("{}: not a batch file ({})", batch_file(plan.lab_dir).string(), e.what()));
    }
    json held_identity = held;
    held_identity.erase("manifest");
    held_identity.erase("created_utc");
    if (held_identity != wanted)
      throw std::runtime_error(fmt::format("{} holds another batch (its exhibits, sources, hash sets or scan options "
                                           "differ): give the same manifest and options, or another LAB_DIR",
                                           plan.lab_dir.string()));
    import_exports(plan);  // a failed import earlier: done now (files already imported are skipped)
    return;
  }
  fs::create_directories(plan.lab_dir / "cases");
  fs::create_directories(plan.lab_dir / "logs");
  import_exports(plan);
  json record = wanted;
  record["manifest"] = fs::absolute(plan.manifest).string();
  write_atomically(batch_file(plan.lab_dir), record.dump(2) + "\n");
}

BatchPlan load_batch(const fs::path& lab_dir) {
  const fs::path file = batch_file(lab_dir);
  if (!fs::exists(file)) throw std::runtime_error(fmt::format("{}: no batch here (no batch.json)", lab_dir.string()));
  BatchPlan plan;
  plan.lab_dir = lab_dir;
  try {
    const json j = json::parse(read_file(file));
    if (j.at("format") != kFormat)
      throw std::runtime_error(fmt::format("{}: a batch of format {}, this triage reads {}", file.string(),
                                           j.at("format").dump(), kFormat));
    plan.manifest = j.at("manifest").get<std::string>();
    plan.hashsets = j.at("hashsets").get<std::vector<std::string>>();
    plan.known = j.at("known").get<std::vector<std::string>>();
    plan.scan_options = j.at("scan_options").get<std::vector<std::string>>();
    plan.jobs_per_exhibit = j.at("jobs_per_exhibit").get<unsigned>();
    for (const auto& e : j.at("exhibits")) {
      BatchExhibit ex;
      ex.index = e.at("index").get<std::size_t>();
      ex.case_ref = e.at("case_ref").get<std::string>();
      ex.exhibit_ref = e.at("exhibit_ref").get<std::string>();
      ex.examiner = e.at("examiner").get<std::string>();
      ex.profile = e.at("profile").get<std::string>();
      ex.sources = e.at("sources").get<std::vector<std::string>>();
      ex.dir = e.at("dir").get<std::string>();
      if (ex.index != plan.exhibits.size() || ex.dir.empty() || ex.dir.find('/') != std::string::npos || ex.dir == "..")
        throw std::runtime_error("an exhibit out of order or with a bad folder name");
      plan.exhibits.push_back(std::move(ex));
    }
  } catch (const json::exception& e) {
    throw std::runtime_error(fmt::format("{}: not a batch file ({})", file.string(), e.what()));
  }
  return plan;
}

std::vector<std::string> exhibit_scan_args(const BatchPlan& plan, const BatchExhibit& ex) {
  const fs::path dir = case_dir(plan, ex);
  bool resume = false;
  if (fs::exists(dir / "case.db")) {
    const auto run = CaseStore::open_read_only(dir / "case.db")->last_run();
    if (run && run->status == "completed") return {};
    resume = run.has_value();
  }
  std::vector<std::string> args{"scan"};
  args.insert(args.end(), ex.sources.begin(), ex.sources.end());
  args.insert(args.end(), {"--out", dir.string(), "--case-ref", ex.case_ref, "--exhibit-ref", ex.exhibit_ref});
  if (!ex.examiner.empty()) args.insert(args.end(), {"--examiner", ex.examiner});
  if (!ex.profile.empty()) args.insert(args.end(), {"--profile", ex.profile});
  // Stores and vPDQ files as they are; the exports through the batch's store.
  const auto sets = hash_set_files(plan);
  if (std::any_of(sets.begin(), sets.end(), [](const auto& s) { return is_export(s.second); }))
    args.insert(args.end(), {"--hashset", store_file(plan.lab_dir).string()});
  for (std::size_t i = 0; i < sets.size(); ++i)
    if (!is_export(sets[i].second))
      args.insert(args.end(), {i < plan.hashsets.size() ? "--hashset" : "--known-good", sets[i].first.string()});
  if (plan.jobs_per_exhibit > 0) args.insert(args.end(), {"--jobs", std::to_string(plan.jobs_per_exhibit)});
  args.insert(args.end(), plan.scan_options.begin(), plan.scan_options.end());
  if (resume) args.push_back("--resume");
  return args;
}

void record_exhibit_exit(const BatchPlan& plan, const BatchExhibit& ex, int exit_code, double seconds) {
  const fs::path file = log_file(plan, ex, ".exit");
  const auto before = read_exit(file);
  write_atomically(file, fmt::format("{} {:.3f}\n", exit_code, seconds + (before ? before->seconds : 0)));
}

ExhibitStatus exhibit_status(const BatchPlan& plan, const BatchExhibit& ex) {
  ExhibitStatus s;
  const fs::path dir = case_dir(plan, ex);
  if (const auto exit = read_exit(log_file(plan, ex, ".exit"))) {
    s.last_exit = exit->exit_code;
    s.elapsed_s = exit->seconds;
  }
  std::optional<RunSummary> run;
  // A running scan's case.db is not opened: a reader's transaction can make its last writes
  // fail with "database is locked" (seen in CI).
  const bool running = CaseDirLock::held(dir);
  if (!running && fs::exists(dir / "case.db")) {
    try {
      const auto store = CaseStore::open_read_only(dir / "case.db");
      run = store->last_run();
      const auto tally = store->tally();
      s.items = tally.items;
      s.alerts = tally.alert_items;
      s.errors = tally.errors;
    } catch (const std::exception& e) {
      s.note = e.what();
    }
  }
  const bool failed_exit = s.last_exit && !finished_well(*s.last_exit) && !stopped(*s.last_exit);
  if (running) {
    s.state = ExhibitState::running;
  } else if (run && run->status == "completed") {
    s.state = failed_exit ? ExhibitState::failed : ExhibitState::done;
  } else if (failed_exit) {
    s.state = ExhibitState::failed;
  } else if (run || s.last_exit) {
    s.state = ExhibitState::unfinished;
    if (run) s.note = fmt::format("run {}", run->status);
  }
  if (failed_exit && s.note.empty()) s.note = fmt::format("exit {} (see logs/{}.log)", *s.last_exit, ex.dir);
  return s;
}

void run_batch_local(const BatchPlan& plan, unsigned parallel, const std::atomic<bool>& stop, std::ostream& err) {
  std::deque<const BatchExhibit*> todo;
  for (const auto& ex : plan.exhibits) {
    const auto state = exhibit_status(plan, ex).state;
    if (state == ExhibitState::done) continue;
    if (state == ExhibitState::running) {
      err << fmt::format("batch: {} {}: another process is scanning it; left alone\n", ex.case_ref, ex.exhibit_ref);
      continue;
    }
    todo.push_back(&ex);
  }
  const pid_t parent = ::getpid();
  std::map<pid_t, const BatchExhibit*> live;
  bool told_to_stop = false;
  parallel = std::max(1u, parallel);
  while (true) {
    while (live.size() < parallel && !todo.empty() && !stop.load()) {
      const BatchExhibit* ex = todo.front();
      todo.pop_front();
      const std::string index = std::to_string(ex->index);
      const std::string lab = plan.lab_dir.string();
      const pid_t pid = ::fork();
      if (pid < 0) throw std::runtime_error(fmt::format("fork: {}", std::strerror(errno)));
      if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);  // the batch killed: its scans stop cleanly, resumable
        if (::getppid() != parent) ::_exit(130);
        const int null = ::open("/dev/null", O_RDWR);
        ::dup2(null, 0);
        ::dup2(null, 1);
        ::dup2(null, 2);
        const char* argv[] = {plan.triage.c_str(), "batch", "run-one", lab.c_str(), index.c_str(), nullptr};
        ::execv(plan.triage.c_str(), const_cast<char* const*>(argv));
        ::_exit(127);
      }
      live.emplace(pid, ex);
      err << fmt::format("batch: {} {} started\n", ex->case_ref, ex->exhibit_ref) << std::flush;
    }
    if (live.empty()) break;
    int status = 0;
    const pid_t done = ::waitpid(-1, &status, WNOHANG);
    if (done <= 0) {
      if (stop.load() && !told_to_stop) {
        for (const auto& [pid, ex] : live) ::kill(pid, SIGTERM);
        told_to_stop = true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    const auto it = live.find(done);
    if (it == live.end()) continue;
    const BatchExhibit* ex = it->second;
    live.erase(it);
    const auto s = exhibit_status(plan, *ex);
    err << fmt::format("batch: {} {} {}{}\n", ex->case_ref, ex->exhibit_ref, to_string(s.state),
                       s.note.empty() ? "" : " (" + s.note + ")")
        << std::flush;
  }
}

bool batch_submitted_to_slurm(const BatchPlan& plan) { return fs::exists(jobs_file(plan)); }

std::vector<std::optional<std::string>> slurm_states(const BatchPlan& plan) {
  std::vector<std::optional<std::string>> states(plan.exhibits.size());
  std::ifstream jobs(jobs_file(plan));
  std::string job, indexes;
  while (jobs >> job >> indexes) {  // later submissions override earlier ones
    std::string out;
    if (run_capture({"squeue", "-h", "-r", "-t", "all", "-j", job, "-o", "%i %T"}, out) != 0) continue;
    std::istringstream lines(out);
    std::string id, state;
    while (lines >> id >> state) {
      const auto underscore = id.find('_');
      if (underscore == std::string::npos) continue;
      const auto index = parse_size(id.substr(underscore + 1));
      if (index && *index < states.size()) states[*index] = state;
    }
  }
  return states;
}

std::vector<std::size_t> submit_batch_slurm(const BatchPlan& plan, const SlurmSettings& settings) {
  const auto queue = slurm_states(plan);
  std::vector<std::size_t> indexes;
  for (const auto& ex : plan.exhibits) {
    const auto& q = queue[ex.index];
    if (q && (*q == "PENDING" || *q == "RUNNING" || *q == "CONFIGURING" || *q == "COMPLETING")) continue;
    const auto s = exhibit_status(plan, ex);
    if (s.state != ExhibitState::done && s.state != ExhibitState::running) indexes.push_back(ex.index);
  }
  if (indexes.empty()) return indexes;
  const fs::path dir = plan.lab_dir / "slurm";
  fs::create_directories(dir);
  const fs::path script = dir / "triage-batch.sh";
  write_atomically(script, fmt::format("#!/bin/sh\n"
                                       "# triage batch: one array task per exhibit (its index in batch.json), each a\n"
                                       "# resumable scan into cases/; LAB_DIR must be on a file system every node shares.\n"
                                       "exec {} batch run-one {} \"$SLURM_ARRAY_TASK_ID\"\n",
                                       shell_quoted(plan.triage), shell_quoted(fs::absolute(plan.lab_dir).string())));
  fs::permissions(script, fs::perms::owner_all, fs::perm_options::add);
  std::string list;
  for (const auto i : indexes) list += (list.empty() ? "" : ",") + std::to_string(i);
  std::vector<std::string> args{"sbatch", "--parsable", "--array=" + list, "--job-name=triage-batch",
                                "--output=" + (fs::absolute(plan.lab_dir) / "logs" / "slurm-%A_%a.out").string(),
                                "--chdir=" + fs::absolute(plan.lab_dir).string()};
  if (!settings.partition.empty()) args.push_back("--partition=" + settings.partition);
  if (!settings.time_limit.empty()) args.push_back("--time=" + settings.time_limit);
  if (settings.cpus_per_exhibit > 0) args.push_back("--cpus-per-task=" + std::to_string(settings.cpus_per_exhibit));
  args.push_back(script.string());
  std::string out;
  const int status = run_capture(args, out);
  const std::string job = std::string(trim_blanks(out.substr(0, out.find_first_of(";\n"))));
  if (status != 0 || job.empty() || !std::all_of(job.begin(), job.end(), [](char c) { return c >= '0' && c <= '9'; }))
    throw std::runtime_error(fmt::format("sbatch failed (exit {}): {}", status, std::string(trim_blanks(out))));
  std::ofstream jobs(jobs_file(plan), std::ios::app);
  jobs << job << ' ' << list << '\n';
  if (!jobs.flush()) throw std::runtime_error(fmt::format("cannot write {}", jobs_file(plan).string()));
  return indexes;
}

}  // namespace triage
