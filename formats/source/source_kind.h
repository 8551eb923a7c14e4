#pragma once
// What a source given to `triage scan` is, and the walker it gets: a folder stays the folder
// walker; a regular file or a block device is a disk image read through libtsk.
#include <memory>
#include <string>
#include <vector>

#include "core/case/case_model.h"
#include "core/pipeline/content_loader.h"
#include "core/pipeline/evidence_source.h"
#include "core/result.h"
#include "formats/source/tsk_source.h"

namespace triage {


// The kind of `path`, or an Error (stage "open") naming it and why it cannot be scanned:
// missing, unreadable, a special file, or a file libtsk cannot open as a disk image.
Result<SourceKind> classify_source(const std::string& path);

// `tsk`: how disk images are walked (carving, stage budget).
// libtsk's version, and libewf's as libtsk loaded it.
std::vector<LibraryVersion> source_library_versions();

std::unique_ptr<EvidenceSource> make_source(const std::string& path, SourceKind kind, const ContentPolicy& policy,
                                            const TskWalkOptions& tsk);

}  // namespace triage
