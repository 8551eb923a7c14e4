#pragma once
// The hash sets a scan matches against: loaded once before the walk into one in-memory
// DigestMatcher (exact) and one PdqMatcher (perceptual), with the provenance of every set for
// the case record.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/match/digest_matcher.h"
#include "core/stop.h"
#include "core/match/pdq_matcher.h"
#include "core/match/video_matcher.h"
#include "formats/casedb/case_store.h"

namespace triage {

struct ScanHashSets {
  // The stores the matcher reads a matched record's media id and category from (declared first:
  // they outlive the matcher that points at them).
  std::vector<std::shared_ptr<const MatchRecordSource>> record_sources;
  DigestMatcher matcher;
  PdqMatcher pdq;  // the records that carry a PDQ hash
  VideoMatcher videos;  // known videos' frame hashes (vPDQ files)
  std::vector<CaseHashSet> used;  // in load order
  // The distinct file sizes of the alert sets' exact records (sorted), when every such record
  // states one: an entry of any other size cannot be an exact alert. nullopt: not known.
  std::optional<std::vector<std::uint64_t>> alert_sizes = std::vector<std::uint64_t>{};
};

// What a file given to --hashset (`known` false) or --known-good is: a triage store (used as it
// is, every set with its own role), a vPDQ frame-hash file (read as it is), or an export to
// import first, as an alert set or known-good (NSRL RDS formats, or given as known-good).
// Throws ImportError for an export of no known format.
enum class HashSetFileKind { store, vpdq, alert_export, known_export };
HashSetFileKind hash_set_file_kind(const std::filesystem::path& file, bool known);

// Each of `files` is a triage HASHSET.db (used as it is, every set with its own role), a vPDQ
// frame-hash file (known videos, read as it is into `videos`, alert role) or a raw export,
// imported first into `cache_db`: NSRL RDS formats as known-good, anything else as an alert set;
// each of `known_files` that is a raw export is imported as known-good.
// Throws ImportError or sqlite::Error naming the file on failure, Interrupted on a stop request
// (an import into `cache_db` then stores nothing).
std::unique_ptr<ScanHashSets> load_scan_hash_sets(const std::vector<std::string>& files,
                                                  const std::vector<std::string>& known_files,
                                                  const std::filesystem::path& cache_db, StopToken stop = {});

}  // namespace triage
