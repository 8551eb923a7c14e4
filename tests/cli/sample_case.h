#pragma once
// The sample case shared by the report tests: the bundled evidence against the bundled hash
// sets, with case details (hostile-looking characters in them on purpose).
#include <filesystem>
#include <string>
#include <vector>

#include "tests/cli/cli_runner.h"
#include "tests/support/test_support.h"

namespace triage::test {

inline std::filesystem::path sample_evidence() { return source_dir() / "samples" / "evidence"; }
inline std::filesystem::path sample_hash_sets() { return source_dir() / "samples" / "hashsets"; }

// `store`: a HASHSET.db to use instead of the raw sample exports (which a scan imports at its own
// time, so two scans a second apart record different import times).
inline CliRun scan_sample(const std::filesystem::path& case_dir, const std::string& jobs = "1",
                          const std::filesystem::path& store = {}) {
  std::vector<std::string> args = {"scan", sample_evidence().string(), "--out", case_dir.string(), "--jobs", jobs,
                                   "--case-ref", "OP-42/2026", "--exhibit-ref", "JB/1", "--examiner",
                                   "J. Bloggs <DC 123>", "--organisation", "Test Police \"DFU\""};
  const std::vector<std::string> sets =
      store.empty() ? std::vector<std::string>{(sample_hash_sets() / "sample-uk.vics.json").string(),
                                               (sample_hash_sets() / "known-good.rds.db").string()}
                    : std::vector<std::string>{store.string()};
  for (const auto& set : sets) {
    args.push_back("--hashset");
    args.push_back(set);
  }
  return run_cli(args);
}

// report.html without its run-metadata block (times, command line, worker threads): what two
// scans of the same evidence must have in common byte for byte. Empty when the block is missing.
inline std::string without_run_metadata(std::string html) {
  const auto b = html.find("<!--run-metadata-->");
  const auto e = html.find("<!--/run-metadata-->");
  if (b == std::string::npos || e == std::string::npos) return {};
  return html.erase(b, e - b);
}

}  // namespace triage::test
