#include "formats/report/case_outputs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/digest/digests.h"
#include "formats/report/items_csv.h"
#include "formats/report/report_html.h"
#include "formats/report/report_json.h"
#include "formats/report/report_model.h"
#include "formats/report/vics_export.h"

namespace triage {
namespace fs = std::filesystem;

const char* case_output_name(CaseOutput output) {
  switch (output) {
    case CaseOutput::csv: return "items.csv";
    case CaseOutput::html: return "report.html";
    case CaseOutput::json: return "report.json";
    case CaseOutput::vics: return "export.vics.json";
  }
  return "";
}

namespace {

std::string render(const CaseReport& report, CaseOutput output) {
  switch (output) {
    case CaseOutput::csv: {
      std::string csv = items_csv_header();
      for (const auto& item : report.items) append_item_csv_row(csv, item);
      return csv;
    }
    case CaseOutput::html: return render_report_html(report);
    case CaseOutput::json: return render_report_json(report);
    case CaseOutput::vics: return render_vics_export(report);
  }
  return {};
}

bool is_hex64(std::string_view s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

}  // namespace

std::string render_case_output(const fs::path& case_dir, CaseOutput output) {
  return render(load_case_report(case_dir / "case.db"), output);
}

std::string render_graded_vics(const fs::path& case_dir) {
  return render_vics_export(load_case_report(case_dir / "case.db"), VicsScope::graded_only);
}

void write_private_file(const fs::path& file, const std::string& text) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error(fmt::format("cannot write {}: {}", file.string(), std::strerror(errno)));
  bool ok = ::fchmod(fd, 0600) == 0;  // an existing file keeps its mode through O_CREAT
  for (std::size_t done = 0; ok && done < text.size();) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<std::size_t>(n);
  }
  const int saved = errno;
  ok = ::close(fd) == 0 && ok;
  if (!ok) throw std::runtime_error(fmt::format("cannot write {}: {}", file.string(), std::strerror(saved)));
}

std::string sha256_of_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  MultiDigest digest;
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto n = static_cast<std::size_t>(in.gcount());
    digest.update(std::as_bytes(std::span(buf.data(), n)));
  }
  return digest.finish().sha256;
}

void write_case_outputs(const fs::path& case_dir) {
  const CaseReport report = load_case_report(case_dir / "case.db");
  for (const CaseOutput o : {CaseOutput::csv, CaseOutput::html, CaseOutput::json, CaseOutput::vics})
    write_private_file(case_dir / case_output_name(o), render(report, o));
  std::string sums;
  for (const char* name : {"case.db", "hashsets.db", "items.csv", "report.html", "report.json", "export.vics.json"})
    if (fs::exists(case_dir / name))  // hashsets.db only when raw exports were imported
      sums += fmt::format("{}  {}\n", sha256_of_file(case_dir / name), name);
  write_private_file(case_dir / "SHA256SUMS", sums);
}

std::vector<OutputCheck> verify_case_outputs(const fs::path& case_dir) {
  const fs::path sums_file = case_dir / "SHA256SUMS";
  std::ifstream in(sums_file, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("cannot read {}", sums_file.string()));
  std::vector<OutputCheck> checks;
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    // sha256sum(1) text format: 64 hex digits, two spaces, a plain file name of the case directory.
    const std::string name = line.size() > 66 ? line.substr(66) : std::string();
    if (line.size() <= 66 || !is_hex64(std::string_view(line).substr(0, 64)) || line.compare(64, 2, "  ") != 0 || name.empty() ||
        name.find('/') != std::string::npos || name == "." || name == "..")
      throw std::runtime_error(fmt::format("{} line {}: not \"SHA256  NAME\"", sums_file.string(), number));
    OutputCheck check{name};
    const fs::path file = case_dir / name;
    if (!fs::is_regular_file(file)) check.status = OutputCheck::missing;
    else if (sha256_of_file(file) != line.substr(0, 64)) check.status = OutputCheck::differs;
    checks.push_back(check);
  }
  if (checks.empty()) throw std::runtime_error(fmt::format("{} names no file", sums_file.string()));
  return checks;
}

}  // namespace triage
