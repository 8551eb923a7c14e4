// triage: forensic triage of seized media. All logic lives in the libraries.
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <iostream>

#include "cli/app.h"

namespace {
std::atomic<bool> g_interrupted{false};
extern "C" void on_sigint(int) { g_interrupted.store(true); }  // only sets a flag
}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGINT, on_sigint);
  std::signal(SIGTERM, on_sigint);
  std::ios::sync_with_stdio(false);
  return triage::cli::run(argc, argv, {std::cout, std::cerr, ::isatty(STDERR_FILENO) == 1, g_interrupted});
}
