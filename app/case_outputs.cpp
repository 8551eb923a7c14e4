#include "app/case_outputs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/digest/digests.h"
#include "formats/casedb/output_digests.h"
#include "formats/report/hash_bank.h"
#include "formats/report/item_json.h"
#include "formats/report/items_csv.h"
#include "formats/report/report_html.h"
#include "formats/report/report_json.h"
#include "app/case_report.h"
#include "formats/report/report_model.h"
#include "formats/report/review_html.h"
#include "formats/report/vics_export.h"

namespace triage {
namespace fs = std::filesystem;

const char* case_output_name(CaseOutput output) {
  switch (output) {
    case CaseOutput::csv: return "items.csv";
    case CaseOutput::html: return "report.html";
    case CaseOutput::json: return "report.json";
    case CaseOutput::vics: return "export.vics.json";
    case CaseOutput::jsonl: return "items.jsonl";
    case CaseOutput::review: return "review.html";
  }
  return "";
}

namespace {

void write(const CaseReport& report, CaseOutput output, OutputSink& sink) {
  switch (output) {
    case CaseOutput::csv:
      sink.buffer() += items_csv_header();
      report.for_each_item([&](const ItemRecord& item) {
        append_item_csv_row(sink.buffer(), item);
        sink.flush_if_large();
      });
      sink.flush();
      return;
    case CaseOutput::html: return write_report_html(report, sink);
    case CaseOutput::json: return write_report_json(report, sink);
    case CaseOutput::vics: return write_vics_export(report, sink);
    case CaseOutput::review: return write_review_html(report, sink);
    case CaseOutput::jsonl:
      report.for_each_item([&](const ItemRecord& item) {
        append_item_json_line(sink.buffer(), item);
        sink.flush_if_large();
      });
      sink.flush();
      return;
  }
}

bool is_hex64(std::string_view s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

}  // namespace

void write_case_output(const fs::path& case_dir, CaseOutput output, const OutputSink::Consumer& consume,
                       StopToken stop) {
  OutputSink sink(consume);
  write(load_case_report(case_dir / "case.db", stop), output, sink);
}

void write_graded_vics(const fs::path& case_dir, const OutputSink::Consumer& consume, StopToken stop) {
  OutputSink sink(consume);
  write_vics_export(load_case_report(case_dir / "case.db", stop), sink, VicsScope::graded_only);
}

void write_graded_hash_bank(const fs::path& case_dir, const OutputSink::Consumer& consume, StopToken stop) {
  OutputSink sink(consume);
  write_hash_bank(load_case_report(case_dir / "case.db", stop), sink);
}

PrivateFile::PrivateFile(const fs::path& file) : file_(file) {
  fd_ = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd_ < 0) throw std::runtime_error(fmt::format("cannot write {}: {}", file.string(), std::strerror(errno)));
  if (::fchmod(fd_, 0600) != 0) {  // an existing file keeps its mode through O_CREAT
    const int saved = errno;
    ::close(fd_);
    throw std::runtime_error(fmt::format("cannot write {}: {}", file.string(), std::strerror(saved)));
  }
}

PrivateFile::~PrivateFile() {
  if (fd_ >= 0) ::close(fd_);  // not closed: an exception is already on its way
}

void PrivateFile::write(std::string_view bytes) {
  for (std::size_t done = 0; done < bytes.size();) {
    const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error(fmt::format("cannot write {}: {}", file_.string(), std::strerror(errno)));
    done += static_cast<std::size_t>(n);
  }
}

void PrivateFile::close() {
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) throw std::runtime_error(fmt::format("cannot write {}: {}", file_.string(), std::strerror(errno)));
}

namespace {

// Everything SHA256SUMS lists, in its order; case.db first (it cannot be in its own outputs table).
constexpr const char* kCaseDb = "case.db";
constexpr const char* kExtracted = "extracted";  // the one folder whose files the outputs name

// A name SHA256SUMS and the outputs table may hold: a plain file name of the case directory, or
// of its extracted/ folder.
bool output_name_allowed(std::string_view name) {
  if (name.starts_with("extracted/")) name.remove_prefix(std::string_view("extracted/").size());
  return !name.empty() && name.find('/') == std::string_view::npos && name != "." && name != "..";
}
constexpr std::array<const char*, 6> kDerivedOutputs = {"hashsets.db", "items.csv", "report.html", "report.json",
                                                        "export.vics.json", "review.html"};

}  // namespace

void write_case_outputs(const fs::path& case_dir, StopToken stop) {
  const CaseReport report = load_case_report(case_dir / kCaseDb, stop);
  for (const CaseOutput o : {CaseOutput::csv, CaseOutput::html, CaseOutput::json, CaseOutput::vics, CaseOutput::review}) {
    PrivateFile file(case_dir / case_output_name(o));
    OutputSink sink([&](std::string_view piece) { file.write(piece); });
    write(report, o, sink);
    file.close();
  }
  // The outputs table first, so that SHA256SUMS covers case.db as it finally is.
  std::vector<OutputDigest> outputs;
  for (const char* name : kDerivedOutputs) {
    if (!fs::exists(case_dir / name)) continue;  // hashsets.db only when raw exports were imported
    OutputDigest o;
    o.name = name;
    o.sha256 = sha256_of_file(case_dir / name);
    o.size = fs::file_size(case_dir / name);
    outputs.push_back(std::move(o));
  }
  // Extracted media (triage extract) and their manifest, by their path in the case directory. An
  // extracted copy is named by the SHA-256 the case records, checked when it was written: that is
  // what SHA256SUMS states for it (not hashed again at every rewrite of the outputs, and never a
  // copy altered since made to look right; triage verify re-hashes it).
  if (fs::is_directory(case_dir / kExtracted)) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(case_dir / kExtracted))
      if (entry.is_regular_file() && entry.path().extension() != ".part") names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    for (const std::string& name : names) {
      stop.throw_if_requested();
      OutputDigest o;
      o.name = std::string(kExtracted) + "/" + name;
      const std::string_view stem = std::string_view(name).substr(0, name.find('.'));
      o.sha256 = is_hex64(stem) ? std::string(stem) : sha256_of_file(case_dir / o.name);
      o.size = fs::file_size(case_dir / o.name);
      outputs.push_back(std::move(o));
    }
  }
  record_output_digests(case_dir / kCaseDb, outputs);
  std::string sums = fmt::format("{}  {}\n", sha256_of_file(case_dir / kCaseDb), kCaseDb);
  for (const auto& o : outputs) sums += fmt::format("{}  {}\n", o.sha256, o.name);
  PrivateFile sums_file(case_dir / "SHA256SUMS");
  sums_file.write(sums);
  sums_file.close();
}

namespace {

OutputCheck& check_of(std::vector<OutputCheck>& checks, const std::string& name) {
  for (auto& c : checks)
    if (c.name == name) return c;
  OutputCheck c;
  c.name = name;
  checks.push_back(std::move(c));
  return checks.back();
}

void fail(OutputCheck& check, OutputCheck::Status status, std::string problem) {
  if (check.status == OutputCheck::ok || status == OutputCheck::missing) check.status = status;
  check.problems.push_back(std::move(problem));
}

// Each line of SHA256SUMS against the file on disk.
void check_sums_file(const fs::path& case_dir, std::vector<OutputCheck>& checks) {
  const fs::path sums_file = case_dir / "SHA256SUMS";
  std::ifstream in(sums_file, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("cannot read {}", sums_file.string()));
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    // sha256sum(1) text format: 64 hex digits, two spaces, a plain file name of the case directory.
    const std::string name = line.size() > 66 ? line.substr(66) : std::string();
    if (line.size() <= 66 || !is_hex64(std::string_view(line).substr(0, 64)) || line.compare(64, 2, "  ") != 0 ||
        !output_name_allowed(name))
      throw std::runtime_error(fmt::format("{} line {}: not \"SHA256  NAME\"", sums_file.string(), number));
    OutputCheck& check = check_of(checks, name);
    const fs::path file = case_dir / name;
    if (!fs::is_regular_file(file)) fail(check, OutputCheck::missing, "is missing");
    else if (sha256_of_file(file) != line.substr(0, 64))
      fail(check, OutputCheck::differs, "differs from the SHA-256 recorded in SHA256SUMS");
  }
  if (checks.empty()) throw std::runtime_error(fmt::format("{} names no file", sums_file.string()));
}

// The outputs table of case.db against the files on disk and against SHA256SUMS's list: a file
// changed together with its line of SHA256SUMS still differs here.
void check_outputs_table(const fs::path& case_dir, std::vector<OutputCheck>& checks,
                         std::vector<std::string>& notes) {
  const std::size_t listed = checks.size();
  std::optional<std::vector<OutputDigest>> recorded;
  try {
    recorded = recorded_output_digests(case_dir / kCaseDb);
  } catch (const std::exception& e) {
    fail(check_of(checks, kCaseDb), OutputCheck::differs,
         fmt::format("cannot be read, so its record of the outputs was not checked: {}", e.what()));
    return;
  }
  if (!recorded) {
    notes.push_back("case.db has no outputs table (a case written before it existed): outputs checked against "
                    "SHA256SUMS only");
    return;
  }
  for (const OutputDigest& o : *recorded) {
    const bool in_sums = std::any_of(checks.begin(), checks.begin() + static_cast<std::ptrdiff_t>(listed),
                                     [&](const OutputCheck& c) { return c.name == o.name; });
    OutputCheck& check = check_of(checks, o.name);
    const fs::path file = case_dir / o.name;
    if (!output_name_allowed(o.name))
      fail(check, OutputCheck::differs, "is not a plain file name of the case directory (outputs table of case.db)");
    else if (!fs::is_regular_file(file))
      fail(check, OutputCheck::missing, "is missing (named in the outputs table of case.db)");
    else if (fs::file_size(file) != o.size || sha256_of_file(file) != o.sha256)
      fail(check, OutputCheck::differs, "differs from the SHA-256 and size recorded in case.db (table outputs)");
    if (!in_sums)
      fail(check, OutputCheck::differs, "is recorded in case.db (table outputs) but not listed in SHA256SUMS");
  }
  for (std::size_t i = 0; i < listed; ++i) {
    const std::string& name = checks[i].name;
    if (name == kCaseDb) continue;
    if (std::none_of(recorded->begin(), recorded->end(), [&](const OutputDigest& o) { return o.name == name; }))
      fail(checks[i], OutputCheck::differs, "is listed in SHA256SUMS but not recorded in case.db (table outputs)");
  }
}

}  // namespace

OutputVerification verify_case_outputs(const fs::path& case_dir) {
  OutputVerification v;
  check_sums_file(case_dir, v.checks);
  check_outputs_table(case_dir, v.checks, v.notes);
  return v;
}

}  // namespace triage
