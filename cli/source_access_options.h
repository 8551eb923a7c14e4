#pragma once
// Options shared by `scan` and `extract`, which reads the sources again: what opens what a source
// keeps closed (the case never records a password or a key), and which media to extract.
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "app/extract_job.h"
#include "formats/source/tsk_source.h"

namespace triage::cli {

struct SourceAccess {
  std::vector<std::string>* archive_passwords;
  std::vector<VolumeKey>* keys;
  std::vector<std::string>* parents;
};

// WHICH values of --extract (scan) and --which (extract), repeatable, checked.
void add_extract_option(CLI::App& cmd, const std::string& name, std::vector<ExtractWhich>& which,
                        const std::string& help);

// --archive-password, --archive-password-file, --key and --parent. The vectors must outlive the
// parse (they live in the command's options, held by its callbacks).
void add_source_access_options(CLI::App& cmd, SourceAccess access);

}  // namespace triage::cli
