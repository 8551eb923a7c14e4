#pragma once
// Cases for the lab tests (tests/cli/lab_test.cpp, lab_postgres_test.cpp): small evidence folders
// scanned as one exhibit each.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/cli/cli_runner.h"
#include "tests/cli/sample_case.h"
#include "tests/support/test_support.h"

namespace triage::test {

// Scans the folder `evidence` into `case_dir` as exhibit EX-<name> of case OP/<name>.
inline std::filesystem::path scan_lab_case(const std::filesystem::path& evidence, const std::filesystem::path& case_dir,
                                           const std::string& name) {
  const auto run = run_cli({"scan", evidence.string(), "--out", case_dir.string(), "--case-ref", "OP/" + name,
                            "--exhibit-ref", "EX-" + name, "--format", "jsonl"});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  return case_dir;
}

// A case of the sample files named (relative to samples/evidence), each copied in under its own
// name (the first once more as `extra_name`, when given).
inline std::filesystem::path make_case(const std::filesystem::path& tmp, const std::string& name,
                                       const std::vector<std::string>& files, const std::string& extra_name = {}) {
  namespace fs = std::filesystem;
  const fs::path evidence = tmp / ("evidence-" + name);
  fs::create_directories(evidence);
  for (const auto& f : files) fs::copy_file(sample_evidence() / f, evidence / fs::path(f).filename());
  if (!extra_name.empty()) fs::copy_file(sample_evidence() / files.front(), evidence / extra_name);
  return scan_lab_case(evidence, tmp / ("case-" + name), name);
}

// The item of report.json whose evidence path ends in /`file`.
inline nlohmann::json item_named(const std::filesystem::path& case_dir, const std::string& file) {
  const auto report = nlohmann::json::parse(read_text(case_dir / "report.json"));
  for (const auto& item : report["items"])
    if (item["path"].get<std::string>().ends_with("/" + file)) return item;
  FAIL("no item " << file);
  return {};
}

}  // namespace triage::test
