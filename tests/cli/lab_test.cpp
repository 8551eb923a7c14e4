// triage lab (issue 23): cases loaded into a SQLite lab, searched by digest, PDQ hash and camera id,
// and linked across cases; a case added again replaced; a damaged or foreign case.db refused with
// the lab unchanged.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <filesystem>
#include <set>

#include "tests/cli/cli_runner.h"
#include "tests/cli/lab_cases.h"
#include "tests/support/test_support.h"

using namespace triage;
using nlohmann::json;
using test::item_named;
using test::make_case;
namespace fs = std::filesystem;

namespace {

std::vector<json> search(const fs::path& lab, std::vector<std::string> args) {
  args.insert(args.begin(), {"lab", "search", "--db", lab.string(), "--format", "jsonl"});
  const auto run = test::run_cli(args);
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  return test::parse_lines(run.out);
}

std::set<std::string> exhibits(const std::vector<json>& hits) {
  std::set<std::string> out;
  for (const auto& h : hits) out.insert(h["exhibit_ref"].get<std::string>());
  return out;
}

// A copy of `case_dir`'s case.db in the folder `to`, with `sql` run on it.
fs::path case_db_copy(const fs::path& case_dir, const fs::path& to, const std::string& sql) {
  fs::create_directories(to);
  fs::copy_file(case_dir / "case.db", to / "case.db");
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open((to / "case.db").c_str(), &db) == SQLITE_OK);
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
  return to;
}

// The first value `sql` gives in the SQLite file `file`, as text.
std::string first_value(const fs::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* q = nullptr;
  std::string value;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &q, nullptr) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
    value = reinterpret_cast<const char*>(sqlite3_column_text(q, 0));
  sqlite3_finalize(q);
  sqlite3_close(db);
  return value;
}

// `lab links` JSON without the cases' added_utc (the moment each was added).
json without_added_utc(json links) {
  for (json& c : links["cases"]) c.erase("added_utc");
  return links;
}

}  // namespace

TEST_CASE("lab: three cases added, searched by digest, PDQ and camera id, linked; added twice is replaced") {
  test::TempDir tmp;
  // IMG_0001.jpg in a (twice, once under a hostile name) and b; holiday-copy.jpg, an edited copy
  // of it (PDQ distance 4), in b.
  const fs::path a = make_case(tmp.path(), "a", {"DCIM/100TEST/IMG_0001.jpg", "Pictures/pattern.png"}, "x<script>.jpg");
  const fs::path b = make_case(tmp.path(), "b", {"DCIM/100TEST/IMG_0001.jpg", "Pictures/holiday-copy.jpg"});
  const fs::path c = make_case(tmp.path(), "c", {"Pictures/grid.bmp", "Documents/notes.txt"});
  const fs::path lab = tmp / "lab.db";
  const auto added = test::run_cli({"lab", "add", a.string(), b.string(), c.string(), "--db", lab.string()});
  REQUIRE_MESSAGE(added.exit_code == 0, added.err);
  CHECK(added.out.find("added to the lab") != std::string::npos);

  const json photo = item_named(a, "IMG_0001.jpg");
  CHECK(exhibits(search(lab, {"--sha1", photo["sha1"]})) == std::set<std::string>{"EX-a", "EX-b"});
  CHECK(exhibits(search(lab, {"--md5", photo["md5"].get<std::string>()})) == std::set<std::string>{"EX-a", "EX-b"});
  CHECK(exhibits(search(lab, {"--sha256", photo["sha256"]})) == std::set<std::string>{"EX-a", "EX-b"});
  CHECK(search(lab, {"--sha1", std::string(40, '0')}).empty());

  // The photo and its edited copy: near-duplicates across two cases.
  const auto near = search(lab, {"--pdq", photo["pdq"]});
  REQUIRE(near.size() == 4);  // the photo in a, its copy under a hostile name, the photo and the edited copy in b
  CHECK(exhibits(near) == std::set<std::string>{"EX-a", "EX-b"});
  CHECK(near[0]["distance"] == 0);
  CHECK(near[3]["exhibit_ref"] == "EX-b");
  CHECK(near[3]["path"].get<std::string>().ends_with("holiday-copy.jpg"));
  CHECK(near[3]["distance"] == 4);
  CHECK(search(lab, {"--pdq", photo["pdq"], "--distance", "3"}).size() == 3);

  const std::string camera = photo["provenance"]["camera_id"];
  REQUIRE_FALSE(camera.empty());
  CHECK(exhibits(search(lab, {"--camera-id", camera})) == std::set<std::string>{"EX-a", "EX-b"});

  const auto links_run = test::run_cli({"lab", "links", "--db", lab.string()});
  REQUIRE_MESSAGE(links_run.exit_code == 0, links_run.err);
  const json links = json::parse(links_run.out);
  CHECK(links["cases"].size() == 3);
  std::set<std::string> kinds;
  for (const auto& l : links["links"]) {
    CAPTURE(l["kind"]);
    kinds.insert(l["kind"]);
    CHECK(l["cases"] == 2);
    if (l["kind"] == "content") CHECK(l["key"] == photo["sha1"]);
    if (l["kind"] == "content") CHECK(l["items"] == 3);
    if (l["kind"] == "near_duplicate") CHECK(l["items"] == 4);
    if (l["kind"] == "camera_id") CHECK(l["key"] == camera);
  }
  CHECK(kinds == std::set<std::string>{"content", "near_duplicate", "camera_id"});
  const auto html = test::run_cli({"lab", "links", "--db", lab.string(), "--format", "html", "--out", (tmp / "links.html").string()});
  REQUIRE(html.exit_code == 0);
  const std::string page = test::read_text(tmp / "links.html");
  CHECK(page.find("x&lt;script&gt;.jpg") != std::string::npos);
  CHECK(page.find("<script") == std::string::npos);

  // Added again: replaced, not doubled.
  const auto again = test::run_cli({"lab", "add", a.string(), "--db", lab.string()});
  REQUIRE(again.exit_code == 0);
  CHECK(again.out.find("replaced in the lab") != std::string::npos);
  CHECK(without_added_utc(json::parse(test::run_cli({"lab", "links", "--db", lab.string()}).out)) ==
        without_added_utc(links));  // (added again: a second later, perhaps)
  CHECK(search(lab, {"--sha1", photo["sha1"]}).size() == 3);
}

TEST_CASE("lab: a damaged, foreign or unfinished case is refused and the lab is unchanged") {
  test::TempDir tmp;
  const fs::path a = make_case(tmp.path(), "a", {"Pictures/pattern.png"});
  const fs::path lab = tmp / "lab.db";
  REQUIRE(test::run_cli({"lab", "add", a.string(), "--db", lab.string()}).exit_code == 0);
  const std::string before = test::run_cli({"lab", "links", "--db", lab.string()}).out;

  const fs::path damaged = tmp / "damaged";
  fs::create_directories(damaged);
  auto bytes = test::read_bytes(a / "case.db");
  for (std::size_t i = 100; i < bytes.size(); i += 7) bytes[i] = std::byte{0x5a};
  test::write_bytes(damaged / "case.db", bytes);

  const fs::path foreign =
      case_db_copy(a, tmp / "foreign", "UPDATE db_info SET value = '999' WHERE key = 'schema_version'");

  const fs::path evidence = tmp / "evidence-slow";
  fs::create_directories(evidence);
  fs::copy_file(test::sample_evidence() / "Pictures" / "pattern.png", evidence / "a.png");
  const auto interrupted = test::run_cli({"scan", evidence.string(), "--out", (tmp / "unfinished").string()}, true);
  REQUIRE(interrupted.exit_code == 130);

  for (const fs::path& bad : {damaged, foreign, tmp / "unfinished", tmp / "nothing"}) {
    CAPTURE(bad);
    const auto run = test::run_cli({"lab", "add", bad.string(), "--db", lab.string()});
    CHECK(run.exit_code == 3);
    CHECK(run.err.find("not added") != std::string::npos);
    CHECK(run.err.find("the lab is unchanged") != std::string::npos);
    CHECK(test::run_cli({"lab", "links", "--db", lab.string()}).out == before);
  }
  // A digest that is no digest (an altered case.db): refused too.
  const fs::path altered = case_db_copy(a, tmp / "altered", "UPDATE items SET md5 = 'not hex' WHERE md5 IS NOT NULL");
  const auto altered_run = test::run_cli({"lab", "add", altered.string(), "--db", lab.string()});
  CHECK(altered_run.exit_code == 3);
  CHECK(altered_run.err.find("is not 16 bytes of hex") != std::string::npos);
  CHECK(test::run_cli({"lab", "links", "--db", lab.string()}).out == before);

  // The same case with other digests (same first run, so the same case): replaced, and its old
  // digests are found no more.
  const std::string sha1 = first_value(a / "case.db", "SELECT sha1 FROM items WHERE sha1 IS NOT NULL ORDER BY id LIMIT 1");
  REQUIRE(sha1.size() == 40);
  const fs::path changed =
      case_db_copy(a, tmp / "changed", "UPDATE items SET sha1 = '" + std::string(40, 'e') + "' WHERE sha1 = '" + sha1 + "'");
  REQUIRE(search(lab, {"--sha1", sha1}).size() == 1);
  const auto replaced = test::run_cli({"lab", "add", changed.string(), "--db", lab.string()});
  REQUIRE_MESSAGE(replaced.exit_code == 0, replaced.err);
  CHECK(replaced.out.find("replaced in the lab") != std::string::npos);
  CHECK(search(lab, {"--sha1", sha1}).empty());
  CHECK(search(lab, {"--sha1", std::string(40, 'e')}).size() == 1);
  // No key left behind by the replaced rows (a stale key would be invisible to searches).
  const std::string keys = first_value(lab, "SELECT count(*) FROM digests");
  CHECK(std::stoi(keys) > 0);
  CHECK(keys == first_value(lab, "SELECT count(md5) + count(sha1) + count(sha256) FROM items"));
  CHECK(first_value(lab, "SELECT count(*) FROM digests WHERE item_id NOT IN (SELECT id FROM items)") == "0");

  // A lab file that is no lab, and searches asked wrongly: clear refusals.
  test::write_text(tmp / "not-a-lab.db", "hello");
  CHECK(test::run_cli({"lab", "add", a.string(), "--db", (tmp / "not-a-lab.db").string()}).exit_code == 4);
  CHECK(test::read_text(tmp / "not-a-lab.db") == "hello");
  CHECK(test::run_cli({"lab", "search", "--db", lab.string()}).exit_code == 2);
  CHECK(test::run_cli({"lab", "search", "--db", lab.string(), "--sha1", "abc"}).exit_code == 2);
}
