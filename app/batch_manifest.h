#pragma once
// A batch manifest (`triage batch MANIFEST.csv`): one exhibit per (case_ref, exhibit_ref), its
// sources as rows. Read and checked whole before anything runs: a bad row is refused, named.
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace triage {

struct BatchExhibit {
  std::size_t index = 0;     // manifest order from 0 (a Slurm job array's task index)
  std::string case_ref, exhibit_ref, examiner;
  std::string profile;       // empty: the scan's default
  std::vector<std::string> sources;  // absolute
  std::string dir;           // its case directory's name under LAB_DIR/cases
  std::size_t row = 0;       // the manifest line of its first row
};

// Columns (header row, any order): case_ref, exhibit_ref, examiner, source (required), profile
// (optional; a built-in name or a profile file). A relative source is relative to the
// manifest's folder. Throws InputError naming the file and line of the first bad row: a missing
// cell or source, an unknown column or profile, a source given twice for one exhibit, the rows of
// one exhibit not together (a duplicate exhibit), examiners or profiles differing between the
// rows of one exhibit, two exhibits whose directory names would be the same.
std::vector<BatchExhibit> read_batch_manifest(const std::filesystem::path& file);

}  // namespace triage
