#pragma once
// One file per subcommand, each with an options struct, a setup_ and a run_ function.
#include <CLI/CLI.hpp>

#include <string>

#include "cli/app.h"

namespace triage::cli {

// The subcommand's exit code lands in `exit_code` when its callback runs.
void setup_scan(CLI::App& app, Io& io, int& exit_code, const std::string& command_line);
void setup_hash(CLI::App& app, Io& io, int& exit_code);
void setup_hashset(CLI::App& app, Io& io, int& exit_code);
void setup_report(CLI::App& app, Io& io, int& exit_code);
void setup_verify(CLI::App& app, Io& io, int& exit_code);
void setup_grade(CLI::App& app, Io& io, int& exit_code);
void setup_extract(CLI::App& app, Io& io, int& exit_code);
void setup_lab(CLI::App& app, Io& io, int& exit_code);
void setup_batch(CLI::App& app, Io& io, int& exit_code);

// argv as one shell-quoted line, for the run record.
std::string quote_command_line(int argc, const char* const* argv);

}  // namespace triage::cli
