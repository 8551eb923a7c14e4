#include "cli/source_access_options.h"

#include <algorithm>
#include <fstream>

namespace triage::cli {
namespace {

// One password per line (a final CR dropped, empty lines skipped).
void read_password_file(const std::string& file, std::vector<std::string>& out) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw CLI::ValidationError("--archive-password-file", "cannot read " + file);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) out.push_back(std::move(line));
  }
}

}  // namespace

void add_extract_option(CLI::App& cmd, const std::string& name, std::vector<ExtractWhich>& which,
                        const std::string& help) {
  cmd.add_option_function<std::vector<std::string>>(
         name,
         [&which, name](const std::vector<std::string>& values) {
           for (const std::string& v : values) {
             const auto w = parse_extract_which(v);
             if (!w) throw CLI::ValidationError(name, "'" + v + "' is not matched, probable, uncategorised, graded or all-media");
             if (std::find(which.begin(), which.end(), *w) == which.end()) which.push_back(*w);
           }
         },
         help)
      ->delimiter(',')
      ->allow_extra_args(false);
}

void add_source_access_options(CLI::App& cmd, SourceAccess access) {
  cmd.add_option("--archive-password", *access.archive_passwords,
                 "A password tried on encrypted archive members (repeatable); never recorded in the case, "
                 "shown in a report or written to a log. Prefer --archive-password-file: a command line is "
                 "visible to other users of the machine")
      ->allow_extra_args(false);
  cmd.add_option_function<std::string>(
         "--archive-password-file",
         [passwords = access.archive_passwords](const std::string& file) { read_password_file(file, *passwords); },
         "A file holding one password per line, tried like --archive-password")
      ->check(CLI::ExistingFile);
  cmd.add_option_function<std::string>(
         "--key",
         [keys = access.keys](const std::string& spec) {
           auto key = parse_volume_key(spec);
           if (!key) throw CLI::ValidationError("--key", key.error().message);
           keys->push_back(std::move(*key));
         },
         "SELECTOR:TYPE:VALUE, a key for encrypted volumes (repeatable): SELECTOR * (any volume), a partition "
         "(p2) or the volume's UUID; TYPE password, key_file (VALUE its path) or recovery_password. LUKS1 and "
         "LUKS2 volumes a key opens are walked decrypted. Never recorded, shown in a report or logged")
      ->allow_extra_args(false);
  cmd.add_option("--parent", *access.parents,
                 "The parent (backing) disk of a differential QCOW2, VHD or VHDX source, when it is not beside it "
                 "under the name the source records (repeatable: a chain); matched by that name")
      ->check(CLI::ExistingFile);
}

}  // namespace triage::cli
