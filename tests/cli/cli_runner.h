#pragma once
// Runs the whole command line in-process with captured streams.
#include <atomic>
#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

#include "cli/app.h"

namespace triage::test {

struct CliRun {
  int exit_code = -1;
  std::string out, err;
};

inline CliRun run_cli(const std::vector<std::string>& args) {
  std::vector<const char*> argv{"triage"};
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  std::atomic<bool> interrupted{false};
  CliRun run;
  run.exit_code = cli::run(static_cast<int>(argv.size()), argv.data(), {out, err, false, interrupted});
  run.out = out.str();
  run.err = err.str();
  return run;
}

}  // namespace triage::test
