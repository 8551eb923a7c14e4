#pragma once
// Extraction (`triage extract`, `triage scan --extract`): chosen media copied out of the evidence
// into CASE_DIR/extracted/, one file per distinct content named by its SHA-256 with its real
// extension, and extracted/manifest.csv linking each file to every evidence path holding it.
// The sources are walked again with the scan's recorded options (folder files, disk images,
// archive members, carved files alike); a file is kept only when its SHA-256 equals the one the
// case records, so content that changed since the scan is refused, never extracted. Files are
// 0600; SHA256SUMS and case.db's outputs table cover them (triage verify).
#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/stop.h"
#include "formats/source/tsk_source.h"

namespace triage {

// Which media: exact hash-set matches in a category, probable (PDQ) matches, media needing
// grading, media an examiner graded, or every still image and video.
enum class ExtractWhich { matched, probable, uncategorised, graded, all_media };
std::optional<ExtractWhich> parse_extract_which(std::string_view text);  // "matched", ..., "all-media"
const char* to_string(ExtractWhich which);

struct ExtractOptions {
  std::filesystem::path case_dir;
  std::vector<ExtractWhich> which;
  unsigned jobs = 1;
  // What the case never records, given again to read what the scan read with them.
  std::vector<std::string> archive_passwords;
  std::vector<VolumeKey> keys;
  std::vector<std::string> parents;
  // The scan's own --extract: its disk images were just read again after the walk and found
  // unchanged, so they are not digested a third time.
  bool sources_just_verified = false;
};

struct ExtractOutcome {
  std::uint64_t items = 0;      // chosen
  std::uint64_t extracted = 0;  // of them, in a file of extracted/
  std::uint64_t files = 0;      // distinct contents written (or already there)
  std::uint64_t bytes = 0;
  std::uint64_t changed = 0;    // items whose content no longer has the recorded SHA-256: refused
  // Sources refused before anything was written (a disk image whose SHA-256 is not the one
  // recorded, a source no longer there): nothing was extracted then.
  std::vector<std::string> refused;
  bool source_changed = false;  // one of them changed since the scan
  std::vector<std::string> problems;  // one line per item not extracted, saying why
  bool interrupted = false;
};

// Thrown when the case cannot be read or extracted/ cannot be written.
struct ExtractError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Extracts, writes extracted/manifest.csv, then rewrites the case's outputs and SHA256SUMS so that
// they cover the extracted files; when a source is refused, returns with nothing written. `diagnostics` gets one line per source walked.
ExtractOutcome extract_media(const ExtractOptions& options, std::ostream& diagnostics, const std::atomic<bool>& stop);

}  // namespace triage
