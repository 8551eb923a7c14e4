#pragma once
// What a source given to `triage scan` is, and the walker it gets: a folder, or a file whose
// first bytes are an archive's (a phone extraction's ZIP or TAR), gets the folder walker; any
// other regular file or a block device is a disk image read through libtsk.
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
Result<SourceKind> classify_source(const std::string& path, const ParentSearch& parents = {});

// libtsk's version, libewf's as libtsk loaded it, libqcow's and libvhdi's.
std::vector<LibraryVersion> source_library_versions();

// `tsk`: how disk images are walked (carving, stage budget, parents of differential disks).
std::unique_ptr<EvidenceSource> make_source(const std::string& path, SourceKind kind, const ContentPolicy& policy,
                                            const TskWalkOptions& tsk);

}  // namespace triage
