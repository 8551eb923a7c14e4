#pragma once
// `triage verify` re-reads the sources a case records (ACPO principle 1, checked again later):
// a disk image's whole media against the SHA-256 recorded before the scan; a folder's files
// against the digests (and sizes) recorded for each item. Read-only, as the scan read them.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/case/case_model.h"
#include "core/stop.h"

namespace triage {

// How a file of a source no longer matches the case: gone, not readable, other content, or a
// folder's file the case does not record.
enum class DifferenceKind { missing, unreadable, differs, added };

// One file of a source that no longer matches the case.
struct SourceDifference {
  std::uint32_t source_index = 0;
  std::string path;  // the disk image, or the folder item's recorded path (raw bytes)
  DifferenceKind kind = DifferenceKind::differs;
  std::string detail;  // what was recorded and what was found
};

struct SourceRecheckSummary {
  std::uint32_t index = 0;
  std::string path;  // as recorded in the sources table
  SourceKind kind = SourceKind::directory;
  std::uint64_t files = 0;         // files (or images) looked at
  std::uint64_t digested = 0;      // of them, re-read and compared digest by digest
  std::uint64_t size_only = 0;     // of them, recorded without digests: existence and size compared
  std::uint64_t in_archives = 0;   // archive members, checked through their archives (not counted in files)
  std::uint64_t added = 0;          // folder files there now that the case does not record
  std::uint64_t differences = 0;    // added ones included
  std::string note;  // why something could not be compared (no digest recorded ...)
};

struct SourceRecheck {
  std::vector<SourceRecheckSummary> sources;
  std::vector<SourceDifference> differences;  // in source order, then walk order
};

// Reads CASE_DIR/case.db (read-only) and every source it names. Folder items whose digests were
// recorded are re-read and their MD5, SHA-1 and SHA-256 compared; items recorded without digests
// (not media, no --all-files) are checked for existence and size; a folder's regular files that
// the case does not record are differences too ("added"). Relative source paths resolve
// against the current directory, as they did for the scan. `progress` gets one line per source.
// Throws std::runtime_error when case.db cannot be read, Interrupted when `stop` is requested.
SourceRecheck recheck_sources(const std::filesystem::path& case_db,
                              const std::function<void(const std::string&)>& progress = {}, StopToken stop = {});

}  // namespace triage
