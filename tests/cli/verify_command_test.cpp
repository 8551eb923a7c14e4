// `triage verify`: the case's outputs against SHA256SUMS and the outputs table of case.db, and
// the sources re-read against the digests case.db recorded (exit 5 and 6, --no-sources).
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <set>

#include "core/digest/digests.h"
#include "formats/casedb/output_digests.h"
#include "tests/cli/cli_runner.h"
#include "tests/cli/sample_case.h"
#include "tests/support/test_support.h"

using namespace triage;
namespace fs = std::filesystem;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

void flip_byte(const fs::path& file, std::size_t at) {
  auto bytes = test::read_bytes(file);
  REQUIRE(at < bytes.size());
  bytes[at] ^= std::byte{0x01};
  test::write_bytes(file, bytes);
}

std::string sha256_hex(const std::vector<std::byte>& bytes) { return digest_buffer(bytes).sha256; }

// The outputs table as "name sha256 size" lines.
std::set<std::string> outputs_table(const fs::path& case_db) {
  const auto rows = recorded_output_digests(case_db);
  REQUIRE(rows.has_value());
  std::set<std::string> out;
  for (const auto& r : *rows) out.insert(r.name + " " + r.sha256 + " " + std::to_string(r.size));
  return out;
}

// The sample evidence copied where the test may change it.
fs::path copy_evidence(const test::TempDir& tmp) {
  const fs::path copy = tmp / "evidence";
  fs::copy(test::sample_evidence(), copy, fs::copy_options::recursive);
  return copy;
}

test::CliRun scan_folder(const fs::path& evidence, const fs::path& case_dir) {
  return test::run_cli({"scan", evidence.string(), "--out", case_dir.string(), "--hashset",
                        (test::sample_hash_sets() / "sample-uk.vics.json").string()});
}

}  // namespace

TEST_CASE("case.db records every output's SHA-256 and size, and SHA256SUMS covers case.db after it") {
  test::TempDir tmp;
  const fs::path case_dir = tmp / "case";
  REQUIRE(test::scan_sample(case_dir).exit_code == 0);
  std::set<std::string> expected;
  for (const char* name : {"hashsets.db", "items.csv", "report.html", "report.json", "export.vics.json", "review.html"}) {
    const auto bytes = test::read_bytes(case_dir / name);
    expected.insert(std::string(name) + " " + sha256_hex(bytes) + " " + std::to_string(bytes.size()));
  }
  CHECK(outputs_table(case_dir / "case.db") == expected);
  const std::string sums = test::read_text(case_dir / "SHA256SUMS");
  CHECK(has(sums, sha256_hex(test::read_bytes(case_dir / "case.db")) + "  case.db\n"));

  // A report regeneration with new case details rewrites the outputs: the table follows.
  REQUIRE(test::run_cli({"report", case_dir.string(), "--examiner", "A. N. Other"}).exit_code == 0);
  const auto html = test::read_bytes(case_dir / "report.html");
  CHECK(outputs_table(case_dir / "case.db").count("report.html " + sha256_hex(html) + " " +
                                                  std::to_string(html.size())) == 1);
  const auto again = test::run_cli({"verify", case_dir.string()});
  CHECK_MESSAGE(again.exit_code == 0, again.out << again.err);
}

TEST_CASE("triage verify: an untouched case passes, outputs and sources both checked") {
  test::TempDir tmp;
  const fs::path case_dir = tmp / "case";
  REQUIRE(test::scan_sample(case_dir).exit_code == 0);
  const auto ok = test::run_cli({"verify", case_dir.string()});
  CHECK_MESSAGE(ok.exit_code == 0, ok.out << ok.err);
  CHECK(has(ok.out, "report.html: OK\n"));
  CHECK(has(ok.out, "source 0 (directory) "));
  CHECK(has(ok.out, ": OK: 12 files checked, "));  // samples/evidence holds 12 files
  CHECK(has(ok.out, "verification passed: 7 case files checked, 0 differ or missing; 1 source re-read (12 files "
                    "checked), 0 files differ or missing\n"));
  // verify reads the case and changes nothing in it: a second run agrees.
  CHECK(test::run_cli({"verify", case_dir.string()}).exit_code == 0);
}

TEST_CASE("triage verify catches a report changed together with its line in SHA256SUMS (case.db outputs table)") {
  test::TempDir tmp;
  const fs::path case_dir = tmp / "case";
  REQUIRE(test::scan_sample(case_dir).exit_code == 0);

  flip_byte(case_dir / "report.html", 1000);
  const auto one = test::run_cli({"verify", case_dir.string()});
  CHECK(one.exit_code == 5);
  CHECK(has(one.out, "report.html: DIFFERS\n"));
  CHECK(has(one.err, "report.html differs from the SHA-256 recorded in SHA256SUMS"));
  CHECK(has(one.err, "report.html differs from the SHA-256 and size recorded in case.db (table outputs)"));
  CHECK(has(one.out, "verification FAILED: 7 case files checked, 1 differs or missing;"));

  // Now SHA256SUMS is made to agree with the changed report: case.db still disagrees.
  std::string sums = test::read_text(case_dir / "SHA256SUMS");
  const auto line = sums.find("  report.html\n");
  REQUIRE(line != std::string::npos);
  sums.replace(line - 64, 64, sha256_hex(test::read_bytes(case_dir / "report.html")));
  test::write_text(case_dir / "SHA256SUMS", sums);
  const auto both = test::run_cli({"verify", case_dir.string()});
  CHECK(both.exit_code == 5);
  CHECK(has(both.out, "report.html: DIFFERS\n"));
  CHECK_FALSE(has(both.err, "recorded in SHA256SUMS"));
  CHECK(has(both.err, "report.html differs from the SHA-256 and size recorded in case.db (table outputs)"));

  // A line dropped from SHA256SUMS with its file: the table still names it.
  sums.erase(sums.find("items.csv\n") - 66, 66 + 10);
  test::write_text(case_dir / "SHA256SUMS", sums);
  fs::remove(case_dir / "items.csv");
  const auto dropped = test::run_cli({"verify", case_dir.string(), "--no-sources"});
  CHECK(dropped.exit_code == 5);
  CHECK(has(dropped.out, "items.csv: MISSING\n"));
  CHECK(has(dropped.err, "items.csv is missing (named in the outputs table of case.db)"));
}

TEST_CASE("triage verify re-reads a folder source: a changed or missing file is named, exit 6") {
  test::TempDir tmp;
  const fs::path evidence = copy_evidence(tmp);
  const fs::path case_dir = tmp / "case";
  const auto scan = scan_folder(evidence, case_dir);
  REQUIRE_MESSAGE(scan.exit_code == 0, scan.err);
  REQUIRE(test::run_cli({"verify", case_dir.string()}).exit_code == 0);

  const fs::path photo = evidence / "DCIM" / "100TEST" / "IMG_0001.jpg";
  flip_byte(photo, fs::file_size(photo) / 2);  // same size, other content
  const auto changed = test::run_cli({"verify", case_dir.string()});
  CHECK(changed.exit_code == 6);
  CHECK(has(changed.out, "file \"" + photo.string() + "\": DIFFERS (MD5 "));
  CHECK(has(changed.out, "; SHA-256 "));
  CHECK(has(changed.err, "source file \"" + photo.string() + "\" differs"));
  CHECK(has(changed.out, "report.html: OK\n"));  // the case itself is intact
  CHECK(has(changed.out, "1 source re-read (12 files checked), 1 file differs or missing\n"));

  // A file not digested at the scan (not media) is still there and the same size, or named.
  fs::remove(evidence / "Downloads" / "invoice.txt");
  const auto missing = test::run_cli({"verify", case_dir.string()});
  CHECK(missing.exit_code == 6);
  CHECK(has(missing.out, "file \"" + (evidence / "Downloads" / "invoice.txt").string() + "\": MISSING"));
  CHECK(has(missing.out, "2 files differ or missing\n"));

  // A file added since the scan (in a new subfolder too) is named; a named pipe is not a file.
  fs::create_directories(evidence / "New");
  test::write_text(evidence / "New" / "later.jpg", "not there at the scan");
  REQUIRE(::mkfifo((evidence / "pipe").c_str(), 0600) == 0);
  const auto added = test::run_cli({"verify", case_dir.string()});
  CHECK(added.exit_code == 6);
  CHECK(has(added.out, "file \"" + (evidence / "New" / "later.jpg").string() +
                           "\": ADDED (not in the case: added to the folder after the scan)\n"));
  CHECK(has(added.err, "source file \"" + (evidence / "New" / "later.jpg").string() + "\" was added"));
  CHECK_FALSE(has(added.out, "pipe"));
  CHECK(has(added.out, "3 differences\n"));
  CHECK(has(added.out, "2 files differ or missing, 1 file added to a folder\n"));

  // Without the sources (a court copy), the case alone passes and says what was skipped.
  const auto skipped = test::run_cli({"verify", case_dir.string(), "--no-sources"});
  CHECK_MESSAGE(skipped.exit_code == 0, skipped.err);
  CHECK(has(skipped.out, "sources NOT re-read (--no-sources)"));
  CHECK_FALSE(has(skipped.out, "source 0"));
}

TEST_CASE("triage verify re-reads a disk image against its recorded media SHA-256") {
  test::TempDir tmp;
  const fs::path image = tmp / "sample-fat12.img";
  fs::copy_file(test::source_dir() / "samples" / "disk" / "sample-fat12.img", image);
  const fs::path case_dir = tmp / "case";
  const auto scan = test::run_cli({"scan", image.string(), "--out", case_dir.string()});
  REQUIRE_MESSAGE(scan.exit_code == 0, scan.err);
  const auto ok = test::run_cli({"verify", case_dir.string()});
  CHECK_MESSAGE(ok.exit_code == 0, ok.out << ok.err);
  CHECK(has(ok.out, "source 0 (disk_image) \"" + image.string() + "\": OK: 1 file checked, 1 re-read"));

  flip_byte(image, fs::file_size(image) - 1);
  const auto changed = test::run_cli({"verify", case_dir.string()});
  CHECK(changed.exit_code == 6);
  CHECK(has(changed.out, "source 0 file \"" + image.string() + "\": DIFFERS (media SHA-256 "));
  CHECK(has(changed.out, "source 0 (disk_image) \"" + image.string() + "\": FAILED"));

  const auto skipped = test::run_cli({"verify", case_dir.string(), "--no-sources"});
  CHECK_MESSAGE(skipped.exit_code == 0, skipped.err);
  CHECK(has(skipped.out, "verification passed: "));
  CHECK(has(skipped.out, "sources NOT re-read (--no-sources): only the case's own files were checked\n"));

  // An image scanned without its digests (--no-source-hash) has nothing to compare: said, not failed.
  const fs::path unhashed = tmp / "unhashed";
  REQUIRE(test::run_cli({"scan", image.string(), "--out", unhashed.string(), "--no-source-hash"}).exit_code == 0);
  const auto not_compared = test::run_cli({"verify", unhashed.string()});
  CHECK_MESSAGE(not_compared.exit_code == 0, not_compared.out << not_compared.err);
  CHECK(has(not_compared.out, "\": NOT COMPARED: 1 file checked, 0 re-read"));
  CHECK(has(not_compared.out, "note: source 0: no media digest was recorded at the scan, so none was compared: "
                              "source hash skipped (--no-source-hash)\n"));

  fs::remove(image);
  const auto gone = test::run_cli({"verify", case_dir.string()});
  CHECK(gone.exit_code == 6);
  CHECK(has(gone.out, "\": MISSING (the image is no longer there)"));
}

TEST_CASE("case files stay owner-only through scan, report and verify") {
  test::TempDir tmp;
  const fs::path case_dir = tmp / "case";
  REQUIRE(test::scan_sample(case_dir).exit_code == 0);
  REQUIRE(test::run_cli({"report", case_dir.string(), "--organisation", "Unit 9"}).exit_code == 0);
  REQUIRE(test::run_cli({"verify", case_dir.string()}).exit_code == 0);
  CHECK(test::file_mode(case_dir) == 0700);
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(case_dir)) {
    CAPTURE(entry.path());
    CHECK(test::file_mode(entry.path()) == (entry.is_directory() ? 0700 : 0600));
    names.insert(entry.path().filename().string());
  }
  for (const auto& entry : fs::directory_iterator(case_dir / "thumbs")) {
    CAPTURE(entry.path());
    CHECK(test::file_mode(entry.path()) == 0600);
    CHECK(entry.path().extension() == ".jpg");  // no temporary part left
  }
  // Nothing left behind (no SQLite journal): the case is these seven files and the thumbnails.
  CHECK(names == std::set<std::string>{"case.db", "hashsets.db", "items.csv", "report.html", "report.json",
                                       "export.vics.json", "review.html", "SHA256SUMS", "thumbs"});
}

TEST_CASE("triage verify re-reads files with hostile names and prints their names inert") {
  test::TempDir tmp;
  const fs::path src = tmp / "src";
  fs::create_directories(src);
  const auto jpeg = test::read_bytes(test::sample_evidence() / "DCIM" / "100TEST" / "IMG_0002.jpg");
  const std::string bidi = "photo\xE2\x80\xAEgpj.jpg", invalid = "bad\xFF\xFE.jpg";
  for (const std::string& name : {bidi, invalid, std::string("\x1b[2Jclear.jpg")}) test::write_bytes(src / name, jpeg);
  const fs::path case_dir = tmp / "case";
  REQUIRE(test::run_cli({"scan", src.string(), "--out", case_dir.string()}).exit_code == 0);
  const auto ok = test::run_cli({"verify", case_dir.string()});
  CHECK_MESSAGE(ok.exit_code == 0, ok.out << ok.err);
  CHECK(has(ok.out, ": OK: 3 files checked, 3 re-read and compared by digest, 0 differences\n"));

  for (const std::string& name : {bidi, invalid, std::string("\x1b[2Jclear.jpg")}) flip_byte(src / name, 100);
  const auto changed = test::run_cli({"verify", case_dir.string()});
  CHECK(changed.exit_code == 6);
  CHECK(has(changed.out, "3 files differ or missing\n"));
  CHECK(has(changed.out, "photo\\u202egpj.jpg\": DIFFERS"));
  CHECK(has(changed.out, "\\u001b[2Jclear.jpg\": DIFFERS"));
  for (const std::string& text : {changed.out, changed.err}) {
    CHECK_FALSE(has(text, "\xE2\x80\xAE"));  // the override never reaches the terminal
    CHECK_FALSE(has(text, "\x1b"));
    CHECK_FALSE(has(text, "\xFF"));
  }
}
