// Acceptance: the sample case's report.html in headless Chromium (Debian `chromium`), as a
// screenshot and printed to A4 PDF; `pdftotext` of the PDF must show the summary counts, the
// running header and "Page x of y". Set TRIAGE_KEEP_BROWSER_OUTPUT=DIR to keep the PNG and PDF
// for a look by eye.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "tests/cli/cli_runner.h"
#include "tests/cli/image_tools.h"
#include "tests/cli/sample_case.h"
#include "tests/support/test_support.h"

using namespace triage;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

using test::q;
using test::require_tools;

// Runs headless Chromium with the acceptance flags (plus a private profile folder, so that runs
// in parallel do not share one) on `page`, adding `extra`. Its chatter goes to `log`.
void chromium(const fs::path& profile, const fs::path& page, const std::string& extra, const fs::path& log) {
  const std::string cmd = "chromium --headless --no-sandbox --disable-gpu --no-first-run "
                          "--disable-background-networking --user-data-dir=" + q(profile) + " " + extra +
                          " " + q("file://" + page.string()) + " > " + q(log) + " 2>&1";
  REQUIRE_MESSAGE(std::system(cmd.c_str()) == 0, cmd << "\n" << test::read_text(log));
}

// Runs of spaces and tabs as one space (no std::regex: GCC 12 warns inside it under ASan -O1).
std::string collapse_blanks(const std::string& s) {
  std::string out;
  for (char c : s) {
    const bool blank = c == ' ' || c == '\t';
    if (blank && !out.empty() && out.back() == ' ') continue;
    out += blank ? ' ' : c;
  }
  return out;
}

}  // namespace

TEST_CASE("report.html renders in headless Chromium: screenshot, and an A4 PDF whose text has the summary counts") {
  if (!require_tools({"chromium", "pdftotext", "pdfinfo"})) return;
  test::TempDir tmp;
  const fs::path case_dir = tmp / "case";
  const auto run = test::scan_sample(case_dir);
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  const char* keep = std::getenv("TRIAGE_KEEP_BROWSER_OUTPUT");
  const fs::path out_dir = keep ? fs::path(keep) : tmp.path();
  fs::create_directories(out_dir);
  const fs::path png = out_dir / "report.png", pdf = out_dir / "report.pdf";
  fs::remove(png);
  fs::remove(pdf);

  const fs::path page = fs::absolute(case_dir / "report.html");
  chromium(tmp / "profile", page, "--window-size=1200,1600 --screenshot=" + q(png), tmp / "chromium.log");
  chromium(tmp / "profile", page, "--no-pdf-header-footer --print-to-pdf=" + q(pdf), tmp / "chromium.log");

  // The screenshot is a PNG of the window size (IHDR width and height, big-endian, PNG spec 11.2.2).
  const auto shot = test::read_bytes(png);
  REQUIRE(shot.size() > 10000);
  CHECK(std::memcmp(shot.data(), "\x89PNG\r\n\x1a\n", 8) == 0);
  const auto be32 = [&](std::size_t at) {
    return (std::to_integer<std::uint32_t>(shot[at]) << 24) | (std::to_integer<std::uint32_t>(shot[at + 1]) << 16) |
           (std::to_integer<std::uint32_t>(shot[at + 2]) << 8) | std::to_integer<std::uint32_t>(shot[at + 3]);
  };
  CHECK(be32(16) == 1200);
  CHECK(be32(20) == 1600);

  // The PDF: A4 pages (595 x 842 points), several of them.
  REQUIRE(std::system(("pdfinfo " + q(pdf) + " > " + q(tmp / "info.txt")).c_str()) == 0);
  const std::string info = test::read_text(tmp / "info.txt");
  CHECK(info.find("(A4)") != std::string::npos);
  const auto pages_at = info.find("Pages:");
  REQUIRE(pages_at != std::string::npos);
  const int pages = std::stoi(info.substr(pages_at + 6));  // stoi skips the blanks
  CHECK(pages >= 5);  // the sections start on new pages

  REQUIRE(std::system(("pdftotext -layout " + q(pdf) + " " + q(tmp / "report.txt")).c_str()) == 0);
  const std::string text = test::read_text(tmp / "report.txt");
  const std::string flat = collapse_blanks(text);
  // Every page carries the running header and its number ("Page x of y").
  std::size_t headers = 0;
  for (std::size_t at = 0; (at = text.find("Case OP-42/2026 / Exhibit JB/1", at)) != std::string::npos; ++at) ++headers;
  CHECK(headers == static_cast<std::size_t>(pages));
  for (int p = 1; p <= pages; ++p)
    CHECK_MESSAGE(text.find("Page " + std::to_string(p) + " of " + std::to_string(pages)) != std::string::npos, p);
  for (const char* section : {"1. Case", "2. Summary", "3. Charts", "4. Origin of the imagery", "5. Method",
                              "6. Evidence integrity", "7. Findings", "8. Not examined", "9. Glossary"})
    CHECK_MESSAGE(text.find(section) != std::string::npos, section);

  // The summary counts, as report.json has them: the totals, then each category row's label
  // followed by its four counts (still unique, instances, moving unique, instances).
  const json report = json::parse(test::read_text(case_dir / "report.json"));
  const json& s = report["summary"];
  CHECK(flat.find("Files examined " + s["items"].dump() + "\n") != std::string::npos);
  CHECK(flat.find("Still images " + s["still_images"].dump() + "\n") != std::string::npos);
  CHECK(flat.find("Videos " + s["videos"].dump() + "\n") != std::string::npos);
  int rows = 0;
  for (const auto& row : s["categories"]) {
    const json& k = row["all_sources"];
    std::string label = row["label"];
    if (row["probable"].get<bool>()) label += " (probable: PDQ match only)";
    const std::string line = " " + label + " " + k["still"]["unique"].dump() + " " + k["still"]["instances"].dump() +
                             " " + k["moving"]["unique"].dump() + " " + k["moving"]["instances"].dump() + "\n";
    CHECK_MESSAGE(flat.find(line) != std::string::npos, line);
    ++rows;
  }
  CHECK(rows >= 9);
  // Section 4, the origin of the imagery: the caution, each category's instances per indicator and
  // every camera, as report.json has them.
  const json& origin = report["provenance"];
  CHECK(origin["items"].get<int>() > 0);
  CHECK(flat.find("Caution. These are indicators drawn from metadata and file locations") != std::string::npos);
  const std::string section = flat.substr(flat.find("Instances per category and indicator"));
  for (const auto& row : origin["by_category"]) {
    // A long label wraps in its cell: its first line holds the label's start and the five counts.
    const std::string label = row["category"].get<std::string>() + (row["probable"].get<bool>() ? " (probable)" : "");
    const std::string start = label.substr(0, label.find(' ', 10));
    std::string expected;
    for (const char* key : {"captured_on_device_front_camera", "captured_on_device", "captured_on_other_device",
                            "received", "unknown"})
      expected += " " + row["indicators"][key].dump();
    const auto at = section.find("\n " + start + " ");
    REQUIRE_MESSAGE(at != std::string::npos, start);
    const std::string line = section.substr(at + 1, section.find('\n', at + 1) - at - 1);
    CHECK_MESSAGE(line.ends_with(expected), line << " | expected counts" << expected);
  }
  REQUIRE_FALSE(origin["cameras"].empty());
  for (const auto& camera : origin["cameras"]) {  // make and model|serial (the cell wraps at a space)
    const std::string id = camera["camera_id"];
    CHECK_MESSAGE(section.find(id.substr(0, id.find(' '))) != std::string::npos, id);
    CHECK_MESSAGE(section.find(id.substr(id.find('|') + 1)) != std::string::npos, id);
  }
  // Nothing was fetched: the report stays self-contained (Chromium would log a blocked request).
  CHECK(test::read_text(tmp / "chromium.log").find("Content Security Policy") == std::string::npos);
}
