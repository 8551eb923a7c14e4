#pragma once
// What the batch tests (local and Slurm) read: `triage batch status --format jsonl` by exhibit.
#include <filesystem>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/cli/cli_runner.h"
#include "tests/support/test_support.h"

namespace triage::test {

inline const std::filesystem::path kSamples = source_dir() / "samples";

// exhibit_ref -> its line of `batch status --format jsonl`; and that command's exit status.
inline std::map<std::string, nlohmann::json> batch_status(const std::filesystem::path& lab, int* exit_code = nullptr) {
  const auto run = run_cli({"batch", "status", lab.string(), "--format", "jsonl"});
  if (exit_code) *exit_code = run.exit_code;
  std::map<std::string, nlohmann::json> out;
  for (const auto& line : parse_lines(run.out)) out[line["exhibit_ref"].get<std::string>()] = line;
  return out;
}

}  // namespace triage::test
