#pragma once
// What decides the items a walk finds and how their content is read, from the scan's options:
// one mapping for the scan and for the extraction, which walks the sources again and must meet
// the same items at the same evidence paths.
#include <string>

#include "app/scan_job.h"
#include "core/pipeline/content_loader.h"
#include "formats/source/tsk_source.h"

namespace triage {

struct WalkSettings {
  ContentPolicy policy;
  TskWalkOptions tsk;
};

// Archives are spooled into options.case_dir; `stop` ends long reads.
WalkSettings walk_settings(const ScanJobOptions& options, StopToken stop);

// The options a scan recorded (case.db runs.options, app/scan_resume.h's options_json) that
// walk_settings reads; the rest keep their defaults. Throws std::runtime_error when the text is
// not such a JSON object.
ScanJobOptions recorded_walk_options(const std::string& options_json);

}  // namespace triage
