#pragma once
// `triage batch`: a manifest's exhibits scanned into one case directory each under LAB_DIR,
// side by side on this machine or as a Slurm job array, every exhibit resumable. What a batch
// is lives in LAB_DIR/batch.json; each exhibit's state is read back from its case directory
// (case.db's last run), its log folder and, on Slurm, the scheduler's queue.
//   LAB_DIR/batch.json            the exhibits, sources, hash sets and scan options (format triage-batch/1)
//   LAB_DIR/HASHSET.db            the hash sets given as exports, imported once, opened read-only by every scan
//   LAB_DIR/cases/DIR/            one case directory per exhibit
//   LAB_DIR/logs/DIR.log, .exit   each exhibit's scan output, and how its last attempt ended
//   LAB_DIR/slurm/                the job-array script and the jobs submitted
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "app/batch_manifest.h"

namespace triage {

struct BatchPlan {
  std::filesystem::path lab_dir;
  std::filesystem::path manifest;
  std::vector<BatchExhibit> exhibits;
  std::vector<std::string> hashsets, known;  // as given (exports are imported into HASHSET.db)
  std::vector<std::string> scan_options;     // given to every scan
  unsigned jobs_per_exhibit = 0;             // --jobs of each scan; 0: the scan's default
  std::string triage;                        // the executable every exhibit runs
};

// Writes LAB_DIR/batch.json and imports the hash-set exports into LAB_DIR/HASHSET.db, or, when
// LAB_DIR holds a batch already, checks it is this one (same exhibits, sources, sets and scan
// options: a rerun continues it). Throws std::runtime_error saying what differs; InputError
// for a scan option a batch sets itself (--out, --resume, --case-ref...).
void prepare_batch(const BatchPlan& plan);
// The batch LAB_DIR holds; throws std::runtime_error when it holds none.
BatchPlan load_batch(const std::filesystem::path& lab_dir);

// The command line (after the program name) of exhibit `index`'s scan: a new scan, or --resume
// when its case directory holds an unfinished run; empty when it is finished.
std::vector<std::string> exhibit_scan_args(const BatchPlan& plan, const BatchExhibit& exhibit);

// Records how an attempt at an exhibit ended (exit status, seconds), atomically.
void record_exhibit_exit(const BatchPlan& plan, const BatchExhibit& exhibit, int exit_code, double seconds);

enum class ExhibitState { pending, queued, running, unfinished, done, failed };
const char* to_string(ExhibitState state);

struct ExhibitStatus {
  ExhibitState state = ExhibitState::pending;
  std::uint64_t items = 0, alerts = 0, errors = 0;
  double elapsed_s = 0;           // summed over its attempts
  std::optional<int> last_exit;   // of its last attempt
  std::string note;               // the scheduler's state, a failure's reason
};

// An exhibit's state from its case directory and logs (queued and running on Slurm come from
// the scheduler: see slurm_states).
ExhibitStatus exhibit_status(const BatchPlan& plan, const BatchExhibit& exhibit);

// Runs every exhibit not finished, `parallel` at a time, each as `TRIAGE batch run-one LAB_DIR
// INDEX` in a child process (which receives SIGTERM if this process dies). A stop request stops
// the children cleanly (their scans are resumable) and starts no more. Progress lines go to `err`.
void run_batch_local(const BatchPlan& plan, unsigned parallel, const std::atomic<bool>& stop, std::ostream& err);

struct SlurmSettings {
  std::string partition, time_limit;
  unsigned cpus_per_exhibit = 0;
};
// Writes LAB_DIR/slurm/triage-batch.sh and submits, as one job array, every exhibit that is not
// finished and not queued or running (sbatch --parsable); records the job in LAB_DIR/slurm/jobs.
// Returns the indexes submitted (none: nothing to do). Throws std::runtime_error when sbatch fails.
std::vector<std::size_t> submit_batch_slurm(const BatchPlan& plan, const SlurmSettings& settings);
// Whether LAB_DIR records a Slurm submission.
bool batch_submitted_to_slurm(const BatchPlan& plan);
// The scheduler's state of each exhibit of the batch's jobs still known to it (squeue), by index:
// PENDING, RUNNING, COMPLETED, CANCELLED, TIMEOUT... Empty when none is known.
std::vector<std::optional<std::string>> slurm_states(const BatchPlan& plan);

}  // namespace triage
