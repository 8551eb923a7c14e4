#include "cli/app.h"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "cli/commands.h"
#include "app/library_versions.h"
#include "cli/exit_codes.h"
#include "core/text/shell_quote.h"
#include "triage/version.h"

namespace triage::cli {

std::string quote_command_line(int argc, const char* const* argv) {
  // A password or key is never recorded: its value is withheld from the command line the case
  // keeps (of a --key SELECTOR:TYPE:VALUE, the selector and type are kept).
  constexpr std::string_view kPassword = "--archive-password", kKey = "--key";
  const auto key_withheld = [](std::string_view spec) {
    const auto first = spec.find(':');
    const auto second = first == std::string_view::npos ? first : spec.find(':', first + 1);
    return second == std::string_view::npos ? std::string("(withheld)")
                                            : std::string(spec.substr(0, second + 1)) + "(withheld)";
  };
  // "--option=value" (not with operator+: GCC 12's -Warray-bounds misfires on it in the unity build)
  const auto given_with_equals = [](std::string_view arg, std::string_view option) {
    return arg.size() > option.size() && arg.starts_with(option) && arg[option.size()] == '=';
  };
  std::string line;
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    if (i > 0 && argv[i - 1] == kPassword) arg = "(withheld)";
    else if (given_with_equals(arg, kPassword)) arg.assign(kPassword).append("=(withheld)");
    else if (i > 0 && argv[i - 1] == kKey) arg = key_withheld(arg);
    else if (given_with_equals(arg, kKey)) arg = std::string(kKey) + "=" + key_withheld(arg.substr(kKey.size() + 1));
    if (i) line += ' ';
    line += shell_quoted(arg);
  }
  return line;
}

int run(int argc, const char* const* argv, Io io) {
  CLI::App app{"triage: find, hash, match and report media on seized devices"};
  app.name("triage");
  app.set_version_flag("--version", std::function<std::string()>([] {
                         std::string text = fmt::format("triage {} ({})", kToolVersion, kGitCommit);
                         for (const auto& l : library_versions()) text += fmt::format("\n  {:<12} {}", l.name, l.version);
                         return text;
                       }),
                       "Print the version, git commit and the versions of the libraries in use, and exit");
  app.require_subcommand(1);
  app.footer("Exit status: 0 clean, 1 finished with item errors, 2 usage, 3 source unreadable,\n"
             "4 case directory not writable, 5 verify found an output changed or missing,\n"
             "6 source integrity failed (a disk image changed, or verify found a source changed),\n"
             "130 interrupted. See man triage.");
  int exit_code = kExitClean;
  setup_scan(app, io, exit_code, quote_command_line(argc, argv));
  setup_hash(app, io, exit_code);
  setup_hashset(app, io, exit_code);
  setup_report(app, io, exit_code);
  setup_verify(app, io, exit_code);
  setup_grade(app, io, exit_code);
  setup_extract(app, io, exit_code);
  setup_lab(app, io, exit_code);
  setup_batch(app, io, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e, io.out, io.err);
    return rc == 0 ? kExitClean : kExitUsage;
  }
  return exit_code;
}

}  // namespace triage::cli
