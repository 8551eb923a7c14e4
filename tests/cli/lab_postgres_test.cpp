// triage lab on PostgreSQL (issue 23, acceptance 3): a real server started by the test
// (tests/support/pg_server.h); the same cases added to a SQLite lab and to a PostgreSQL lab give
// byte-identical search and links answers. A planted picture is in three exhibits (two of them
// re-encoded, so only PDQ finds those), a camera id in two cases, and an evidence file name of
// tab, newline, backslash and a byte that is not UTF-8. A case added twice is replaced; a damaged
// case.db, a filler that fails half-way and a database of another format leave the lab as it was.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <regex>
#include <set>
#include <utility>

#include "formats/labdb/lab_store.h"
#include "formats/labdb/pg_lab_store.h"
#include "tests/cli/cli_runner.h"
#include "tests/cli/image_tools.h"
#include "tests/cli/lab_cases.h"
#include "tests/support/pg_server.h"
#include "tests/support/test_support.h"

namespace triage {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using test::q;
using test::sh;

constexpr const char* kCamera = "-Make=Canon '-Model=Canon EOS 80D' -SerialNumber=083024001234";
const std::string kHostileName = "tab\there\nnew line\\back\xff.bmp";

// Each answer of `lab search` and `lab links` the test compares, with what it asked.
std::vector<std::pair<std::string, std::string>> answers(const std::string& lab, const json& planted,
                                                         const json& hostile, const std::string& camera) {
  std::vector<std::vector<std::string>> queries = {
      {"--md5", planted["md5"]},         {"--sha1", planted["sha1"]},  {"--sha256", planted["sha256"]},
      {"--sha1", hostile["sha1"]},       {"--pdq", planted["pdq"]},    {"--pdq", planted["pdq"], "--distance", "8"},
      {"--camera-id", camera},           {"--sha1", std::string(40, '0')}};
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& query : queries)
    for (const char* format : {"table", "jsonl"}) {
      std::vector<std::string> args = {"lab", "search", "--db", lab, "--format", format};
      args.insert(args.end(), query.begin(), query.end());
      const auto run = test::run_cli(args);
      REQUIRE_MESSAGE(run.exit_code == 0, run.err);
      std::string asked = format;
      for (const auto& a : query) asked += " " + a;
      out.emplace_back(asked, run.out);
    }
  const auto links = test::run_cli({"lab", "links", "--db", lab});
  REQUIRE_MESSAGE(links.exit_code == 0, links.err);
  // When each case was added is the one thing two labs may not share.
  const std::regex added_utc(R"("added_utc": ?"[^"]*")");
  out.emplace_back("links", std::regex_replace(links.out, added_utc, R"("added_utc":"-")"));
  return out;
}

std::set<std::string> exhibits(const std::string& jsonl) {
  std::set<std::string> out;
  for (const auto& hit : test::parse_lines(jsonl)) out.insert(hit["exhibit_ref"].get<std::string>());
  return out;
}

std::string answer(const std::vector<std::pair<std::string, std::string>>& all, const std::string& asked) {
  for (const auto& [a, text] : all)
    if (a == asked) return text;
  FAIL("not asked: " << asked);
  return {};
}

// Every item and frame of a lab, as text: what two stores must hold alike.
std::string dump(const LabIndex& lab) {
  std::string out;
  for (const LabCase& c : lab.cases()) out += c.uid + "|" + c.case_dir + "|" + std::to_string(c.items) + "\n";
  lab.for_each_item([&](const std::string& uid, const LabItem& i) {
    out += uid + "|" + std::to_string(i.seq) + "|" + i.path + "|" + i.md5 + "|" + i.camera_id + "|" +
           (i.pdq_quality ? std::to_string(*i.pdq_quality) : "null") + "\n";
  });
  lab.for_each_frame([&](const std::string& uid, const LabFrame& f) {
    out += uid + "|" + std::to_string(f.seq) + "|" + std::to_string(f.frame) + "|" + f.pdq + "\n";
  });
  return out;
}

}  // namespace

TEST_CASE("lab on PostgreSQL: the same answers as a SQLite lab, byte for byte; replaced, refused, rolled back") {
  if (!test::require_tools({"ffmpeg", "exiftool"})) return;
  test::PgServer server;
  if (!server.running()) return;
  test::TempDir tmp;

  // The planted picture, with a camera's EXIF, and two re-encodings of it (other bytes, no EXIF).
  const fs::path planted = tmp / "src/planted.jpg";
  test::make_picture(planted, 40, kCamera, "256x192");
  const fs::path ev_a = tmp / "ev-a", ev_b = tmp / "ev-b", ev_c = tmp / "ev-c";
  for (const auto& d : {ev_a, ev_b, ev_c}) fs::create_directories(d);
  fs::copy_file(planted, ev_a / "IMG_0001.jpg");
  test::write_bytes(ev_a / kHostileName, test::pattern_bmp(3, 64, 48));
  sh("ffmpeg -loglevel error -y -i " + q(planted) + " -q:v 12 " + q(ev_b / "received.jpg"));
  test::make_picture(ev_b / "IMG_0002.jpg", 200, kCamera, "256x192");  // the same camera, in case b
  sh("ffmpeg -loglevel error -y -i " + q(planted) + " -q:v 25 " + q(ev_c / "forwarded.jpg"));
  test::write_bytes(ev_c / "grid.bmp", test::pattern_bmp(7, 64, 48));
  const fs::path a = test::scan_lab_case(ev_a, tmp / "case-a", "a");
  const fs::path b = test::scan_lab_case(ev_b, tmp / "case-b", "b");
  const fs::path c = test::scan_lab_case(ev_c, tmp / "case-c", "c");
  const json photo = test::item_named(a, "IMG_0001.jpg");
  // report.json shows the byte that is not UTF-8 as U+FFFD; the labs keep the name's bytes.
  const json hostile = test::item_named(a, "tab\there\nnew line\\back\xef\xbf\xbd.bmp");
  const std::string camera = photo["provenance"]["camera_id"];
  REQUIRE(camera == "Canon|Canon EOS 80D|083024001234");

  const std::string sqlite_lab = (tmp / "lab.db").string();
  const std::string pg_lab = server.createdb("lab");
  for (const auto& lab : {sqlite_lab, pg_lab}) {
    CAPTURE(lab);
    const auto added = test::run_cli({"lab", "add", a.string(), b.string(), c.string(), "--db", lab});
    REQUIRE_MESSAGE(added.exit_code == 0, added.err);
    CHECK(added.out.find("added to the lab") != std::string::npos);
  }
  const auto from_sqlite = answers(sqlite_lab, photo, hostile, camera);
  const auto from_pg = answers(pg_lab, photo, hostile, camera);
  REQUIRE(from_sqlite.size() == from_pg.size());
  for (std::size_t i = 0; i < from_pg.size(); ++i) {
    CAPTURE(from_pg[i].first);
    CHECK(from_pg[i].second == from_sqlite[i].second);
  }
  // And the answers are the ones planted: the digests find the original only, PDQ all three
  // exhibits, the camera id two cases, the hostile name comes back as it was.
  CHECK(exhibits(answer(from_pg, "jsonl --sha1 " + photo["sha1"].get<std::string>())) == std::set<std::string>{"EX-a"});
  CHECK(exhibits(answer(from_pg, "jsonl --pdq " + photo["pdq"].get<std::string>())) ==
        std::set<std::string>{"EX-a", "EX-b", "EX-c"});
  CHECK(exhibits(answer(from_pg, "jsonl --camera-id " + camera)) == std::set<std::string>{"EX-a", "EX-b"});
  const auto odd = test::parse_lines(answer(from_pg, "jsonl --sha1 " + hostile["sha1"].get<std::string>()));
  REQUIRE(odd.size() == 1);
  CHECK(odd[0]["path"] == hostile["path"]);
  const json links = json::parse(answer(from_pg, "links"));
  std::set<std::string> kinds;
  for (const auto& l : links["links"]) kinds.insert(l["kind"]);
  CHECK(kinds == std::set<std::string>{"near_duplicate", "camera_id"});

  // Added again: replaced, not doubled.
  const auto again = test::run_cli({"lab", "add", a.string(), "--db", pg_lab});
  REQUIRE_MESSAGE(again.exit_code == 0, again.err);
  CHECK(again.out.find("replaced in the lab") != std::string::npos);
  CHECK(answers(pg_lab, photo, hostile, camera) == from_pg);
  CHECK(server.psql("lab", "SELECT count(*) FROM cases") == "3");
  CHECK(server.psql("lab", "SELECT count(*) = (SELECT sum(items) FROM cases) FROM items") == "t");  // none left behind

  // A damaged case.db: refused, the lab unchanged.
  const std::string before = test::run_cli({"lab", "links", "--db", pg_lab}).out;
  const fs::path damaged = tmp / "damaged";
  fs::create_directories(damaged);
  auto bytes = test::read_bytes(a / "case.db");
  for (std::size_t i = 100; i < bytes.size(); i += 7) bytes[i] = std::byte{0x5a};
  test::write_bytes(damaged / "case.db", bytes);
  const auto refused = test::run_cli({"lab", "add", damaged.string(), "--db", pg_lab});
  CHECK(refused.exit_code == 3);
  CHECK(refused.err.find("the lab is unchanged") != std::string::npos);
  CHECK(test::run_cli({"lab", "links", "--db", pg_lab}).out == before);

  // A filler that fails half-way (frames and items interleaved, so COPYs are switched): nothing
  // of it stays. Paths of any bytes round-trip; both stores hold the same.
  auto pg_store = PgLabStore::open(pg_lab, false);
  auto sqlite_store = SqliteLabStore::open(sqlite_lab, false);
  const std::string lab_before = dump(*pg_store);
  LabCase broken;
  broken.uid = std::string(64, 'f');
  broken.case_dir = "/cases/x";
  broken.added_utc = "2026-01-01T00:00:00Z";
  auto fill = [](bool fail) {
    return [fail](LabIndex::CaseRows& rows) {
      for (std::uint64_t seq = 1; seq <= 3; ++seq) {
        LabItem item;
        item.seq = seq;
        item.path = std::string("/ev/\0nul\t\\N\r\n\xfe\xff", 15) + std::to_string(seq);
        item.media_type = seq == 2 ? "video" : "image";
        item.md5 = std::string(32, 'a');
        rows.item(item);
        rows.frame(LabFrame{seq, 0, std::string(64, '0'), 80});
        if (fail && seq == 2) throw std::runtime_error("the case.db went away");
      }
    };
  };
  CHECK_THROWS_WITH(pg_store->put_case(broken, fill(true)), "the case.db went away");
  CHECK(dump(*pg_store) == lab_before);
  for (LabIndex* store : {static_cast<LabIndex*>(pg_store.get()), static_cast<LabIndex*>(sqlite_store.get())})
    store->put_case(broken, fill(false));
  CHECK(dump(*pg_store) == dump(*sqlite_store));
  CHECK(pg_store->find_digest(HashType::md5, std::string(32, 'a')).at(2).item.path ==
        std::string("/ev/\0nul\t\\N\r\n\xfe\xff", 15) + "3");

  // A database of another lab format, or one that is no lab: refused and never written.
  server.createdb("other");
  server.psql("other", "CREATE TABLE lab_info (key TEXT PRIMARY KEY, value TEXT NOT NULL); "
                       "INSERT INTO lab_info VALUES ('format', 'triage-lab/999')");
  const std::string other = pg_lab.substr(0, pg_lab.find("/lab?")) + "/other" + pg_lab.substr(pg_lab.find('?'));
  const auto foreign = test::run_cli({"lab", "add", a.string(), "--db", other});
  CHECK(foreign.exit_code == 4);
  CHECK(foreign.err.find("triage-lab/999") != std::string::npos);
  CHECK(server.psql("other", "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == "1");
  server.createdb("empty");
  const std::string empty = pg_lab.substr(0, pg_lab.find("/lab?")) + "/empty" + pg_lab.substr(pg_lab.find('?'));
  CHECK(test::run_cli({"lab", "search", "--db", empty, "--sha1", std::string(40, '0')}).exit_code == 3);
  CHECK(server.psql("empty", "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == "0");

  // A server that is not there: named, without the password.
  const auto unreachable = test::run_cli(
      {"lab", "search", "--db", "postgresql://examiner:s3cret@/lab?host=" + (tmp / "nowhere").string(), "--sha1",
       std::string(40, '0')});
  CHECK(unreachable.exit_code == 3);
  CHECK(unreachable.err.find("postgresql://examiner:***@/lab") != std::string::npos);
  CHECK(unreachable.err.find("s3cret") == std::string::npos);
}

}  // namespace triage
