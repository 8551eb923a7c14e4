#pragma once
// The whole command line, runnable in-process with injected streams (tests capture them).
#include <atomic>
#include <ostream>

namespace triage::cli {

struct Io {
  std::ostream& out;   // results only
  std::ostream& err;   // diagnostics and progress
  bool err_is_terminal = false;
  const std::atomic<bool>& interrupted;
};

int run(int argc, const char* const* argv, Io io);

}  // namespace triage::cli
