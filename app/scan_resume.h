#pragma once
// --resume: what a scan records of its options, the check that a case's interrupted run can be
// continued with the options given now, and the replay of what it had committed.
#include <string>
#include <vector>

#include "app/scan_hash_sets.h"
#include "app/scan_job.h"
#include "core/pipeline/scan_pipeline.h"
#include "formats/casedb/case_store.h"

namespace triage {

// The options in force as one JSON object (case.db's runs.options): what --resume compares.
std::string options_json(const ScanJobOptions& options);

// --resume continues a run only with what produced its committed items: the same sources and
// options (jobs aside: it changes no result), profile, hash sets, case details and tool version.
// What the run had not recorded yet when it was killed (profile, hash sets) is recorded now.
// Throws ScanResumeError naming what differs.
void check_resumable(const ScanJobOptions& options, const RunSummary& run, CaseStore& store,
                     const ScanHashSets* hash_sets);

// Hands what the case holds to `sink` in walk order: the committed part of a resumed run, so
// that counts and the stdout stream cover the whole run.
void replay_committed(const CaseStore& store, RecordSink& sink);

}  // namespace triage
