#pragma once
// The human summary printed after `triage scan`: to stdout when it is the result (no --format),
// else to stderr beside the stream.
#include <ostream>

#include "app/scan_job.h"

namespace triage::cli {

void print_scan_summary(std::ostream& out, const ScanJobOptions& options, const ScanOutcome& outcome);
// The extraction's lines (scan --extract and triage extract).
void print_extract_summary(std::ostream& out, const ExtractOutcome& outcome);

}  // namespace triage::cli
