#pragma once
// The case directory's derived outputs, all rendered from case.db: items.csv, report.html,
// report.json, export.vics.json, review.html, and SHA256SUMS over them (and over case.db and hashsets.db). Their
// SHA-256 and sizes are also recorded in case.db (formats/casedb/output_digests.h). Every file is
// written owner-only (0600).
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/stop.h"
#include "formats/report/output_sink.h"

namespace triage {

// jsonl (the items as JSON Lines, the scan's --format jsonl with what was decided after the walk)
// is rendered on request only: the case directory does not keep it.
enum class CaseOutput { csv, html, json, vics, jsonl, review };

// The file name of an output in the case directory ("items.csv", "report.html", "report.json",
// "export.vics.json", "review.html"; "items.jsonl" for the one it does not keep).
const char* case_output_name(CaseOutput output);

// The output rendered from CASE_DIR/case.db, handed to `consume` piece by piece as it is
// rendered; throws std::runtime_error naming the problem (and whatever `consume` throws),
// Interrupted when `stop` is requested.
void write_case_output(const std::filesystem::path& case_dir, CaseOutput output, const OutputSink::Consumer& consume,
                       StopToken stop = {});

// CASE_DIR's media with an analyst grade, as a VICS export of hashes only (report --only graded).
void write_graded_vics(const std::filesystem::path& case_dir, const OutputSink::Consumer& consume,
                       StopToken stop = {});

// CASE_DIR's media graded into indecent (or pertinent) categories as a hash bank for removal
// (report --format hash-bank --only graded; formats/report/hash_bank.h).
void write_graded_hash_bank(const std::filesystem::path& case_dir, const OutputSink::Consumer& consume,
                            StopToken stop = {});

// A file written with mode 0600 (also when it existed), piece by piece; every failure throws
// std::runtime_error naming the file. Destroyed without close() (an exception on its way), the
// descriptor is closed and the partial file left for the caller to report.
class PrivateFile {
 public:
  explicit PrivateFile(const std::filesystem::path& file);
  ~PrivateFile();
  PrivateFile(const PrivateFile&) = delete;
  PrivateFile& operator=(const PrivateFile&) = delete;
  void write(std::string_view bytes);
  void close();

 private:
  std::filesystem::path file_;
  int fd_ = -1;
};

// Renders every output into the case directory, records their digests in case.db (table
// outputs), then writes SHA256SUMS over case.db and the outputs. Throws Interrupted when `stop`
// is requested: the output being written is left partial and SHA256SUMS is not rewritten.
void write_case_outputs(const std::filesystem::path& case_dir, StopToken stop = {});


// One output of the case checked against SHA256SUMS and against the outputs table of case.db.
struct OutputCheck {
  std::string name;
  enum Status { ok, differs, missing } status = ok;
  std::vector<std::string> problems;  // each says which record the file contradicts
};

struct OutputVerification {
  std::vector<OutputCheck> checks;  // SHA256SUMS's files in its order, then any only case.db names
  std::vector<std::string> notes;   // what could not be checked, and why
};

// Re-hashes every file SHA256SUMS names and every file the outputs table of case.db records
// (SHA-256 and size); a file named by one record and not the other is a difference too. Throws
// std::runtime_error when SHA256SUMS itself is missing or malformed (a line that is not
// "HEX64  NAME", or a name that leaves the directory).
OutputVerification verify_case_outputs(const std::filesystem::path& case_dir);

}  // namespace triage
