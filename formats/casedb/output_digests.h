#pragma once
// The case's derived outputs as written (`outputs` table of CASE_DIR/case.db): each file's name,
// SHA-256 and size, so `triage verify` still catches an output changed together with SHA256SUMS.
// case.db cannot hold its own digest; SHA256SUMS, written after this table, covers case.db.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace triage {

struct OutputDigest {
  std::string name;    // a file name of the case directory: "report.html", ...
  std::string sha256;  // lower-case hex
  std::uint64_t size = 0;
};

// Replaces the table's rows with `outputs` in one transaction (creating the table when the case
// has none yet); throws std::runtime_error naming the problem.
void record_output_digests(const std::filesystem::path& case_db, const std::vector<OutputDigest>& outputs);

// The rows in name order; nullopt when the case has no such table (written before it existed).
std::optional<std::vector<OutputDigest>> recorded_output_digests(const std::filesystem::path& case_db);

}  // namespace triage
