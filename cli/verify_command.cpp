// triage verify CASE_DIR
#include <fmt/format.h>
#include <fmt/ostream.h>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "formats/report/case_outputs.h"

namespace triage::cli {
namespace {

int run_verify(const std::string& case_dir, Io& io) {
  std::vector<OutputCheck> checks;
  try {
    checks = verify_case_outputs(case_dir);
  } catch (const std::exception& e) {
    fmt::print(io.err, "triage: {}\n", e.what());
    return kExitSourceUnreadable;
  }
  int failed = 0;
  // sha256sum -c style: one line per file on stdout; failures named on stderr too.
  for (const auto& c : checks) {
    const char* status = c.status == OutputCheck::ok ? "OK" : c.status == OutputCheck::missing ? "MISSING" : "DIFFERS";
    fmt::print(io.out, "{}: {}\n", c.name, status);
    if (c.status != OutputCheck::ok) {
      ++failed;
      fmt::print(io.err, "triage: {} {}\n", c.name,
                 c.status == OutputCheck::missing ? "is missing" : "differs from the SHA-256 recorded in SHA256SUMS");
    }
  }
  if (failed > 0) {
    fmt::print(io.err, "triage: verification FAILED: {} of {} files\n", failed, checks.size());
    return kExitVerifyFailed;
  }
  return kExitClean;
}

}  // namespace

void setup_verify(CLI::App& app, Io& io, int& exit_code) {
  auto case_dir = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("verify", "Check every output of a case against its SHA256SUMS");
  cmd->add_option("CASE_DIR", *case_dir, "Case directory written by 'triage scan'")->required();
  cmd->callback([case_dir, &io, &exit_code] { exit_code = run_verify(*case_dir, io); });
}

}  // namespace triage::cli
