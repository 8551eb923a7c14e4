// triage: forensic triage of seized media. All logic lives in the libraries.
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <iostream>

#include "cli/app.h"
#include "cli/exit_codes.h"

namespace {
std::atomic<bool> g_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the signal handler may only touch a lock-free atomic");

// SIGINT and SIGTERM (what timeout, systemd and batch schedulers send) only set a flag: every
// long loop checks it and the scan ends as interrupted, resumable. A second signal exits at
// once (async-signal-safe calls only): SQLite's WAL keeps case.db consistent as after SIGKILL,
// so --resume still continues the case.
extern "C" void on_stop_signal(int) {
  if (g_interrupted.exchange(true)) {
    constexpr char kMessage[] = "triage: second stop request: exiting at once (finish with --resume)\n";
    (void)!::write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
    ::_exit(triage::cli::kExitInterrupted);
  }
}
}  // namespace

int main(int argc, char** argv) {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // reads interrupted by the first signal carry on; the flag ends the work
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  std::ios::sync_with_stdio(false);
  return triage::cli::run(argc, argv, {std::cout, std::cerr, ::isatty(STDERR_FILENO) == 1, g_interrupted});
}
