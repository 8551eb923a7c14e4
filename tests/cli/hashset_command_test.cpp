#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <sstream>

#include "tests/cli/cli_runner.h"
#include "tests/formats/hashset/hashset_fixtures.h"

using namespace triage;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::string kVics20 = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/Default/$metadata#Media";

std::string vics_export(int count) {
  json doc;
  doc["@odata.context"] = kVics20;
  doc["value"] = json::array();
  for (int i = 0; i < count; ++i)
    doc["value"].push_back({{"MediaID", 10 + i}, {"Category", i % 3 + 1}, {"MD5", test::upper(test::synthetic_hex(32, i))},
                            {"IsDistributed", "true"}});
  return doc.dump();
}

}  // namespace

TEST_CASE("triage hashset import, info and lookup") {
  test::TempDir dir;
  const auto vics = dir / "vics-synthetic.json";
  test::write_text(vics, vics_export(6));
  const auto known = dir / "known.md5";
  test::write_text(known, test::synthetic_hex(32, 100) + "  benign.txt\n");
  const std::string db = (dir / "HASHSET.db").string();

  auto run = test::run_cli({"hashset", "import", vics.string(), "--into", db, "--name", "VICS synthetic"});
  CHECK_MESSAGE(run.exit_code == 0, run.err);
  CHECK(run.out.find("imported: 'VICS synthetic' as alert (vics, VICS data model 2.0/Default, 6 records, 0 rejected)") !=
        std::string::npos);
  run = test::run_cli({"hashset", "import", known.string(), "--into", db, "--role", "known"});
  CHECK(run.exit_code == 0);

  // Idempotent: the same file under the same name adds nothing, and the store is unchanged.
  const std::string before = test::file_sha256(db);
  run = test::run_cli({"hashset", "import", vics.string(), "--into", db, "--name", "VICS synthetic"});
  CHECK(run.exit_code == 0);
  CHECK(run.out.find("already imported") != std::string::npos);
  CHECK(test::file_sha256(db) == before);

  run = test::run_cli({"hashset", "info", db, "--format", "jsonl"});
  CHECK(run.exit_code == 0);
  const auto sets = test::parse_lines(run.out);
  REQUIRE(sets.size() == 2);
  CHECK(sets[0]["name"] == "VICS synthetic");
  CHECK(sets[0]["role"] == "alert");
  CHECK(sets[0]["record_count"] == 6);
  CHECK(sets[0]["source_sha256"] == test::file_sha256(vics));
  CHECK(sets[1]["name"] == "known");
  CHECK(sets[1]["role"] == "known");
  CHECK(sets[1]["format"] == "md5sum");
  for (const char* key : {"id", "version", "source_file", "imported_utc", "tool_version", "rejected_records"})
    CHECK(sets[0].contains(key));
  run = test::run_cli({"hashset", "info", db});
  CHECK(run.out.find("2 set(s), 7 records") != std::string::npos);

  run = test::run_cli({"hashset", "lookup", db, test::upper(test::synthetic_hex(32, 4)), test::synthetic_hex(32, 100),
                       test::synthetic_hex(40, 1)});
  CHECK(run.exit_code == 0);
  const auto hits = test::parse_lines(run.out);
  REQUIRE(hits.size() == 3);
  CHECK(hits[0]["hash"] == test::synthetic_hex(32, 4));
  REQUIRE(hits[0]["matches"].size() == 1);
  CHECK(hits[0]["matches"][0]["set"] == "VICS synthetic");
  CHECK(hits[0]["matches"][0]["role"] == "alert");
  CHECK(hits[0]["matches"][0]["media_id"] == "14");
  CHECK(hits[0]["matches"][0]["category"] == "2");
  CHECK(hits[0]["matches"][0]["is_distributed"] == true);
  CHECK(hits[1]["matches"][0]["role"] == "known");
  CHECK(hits[1]["matches"][0]["file_name"] == "benign.txt");
  CHECK(hits[2]["matches"].empty());

  run = test::run_cli({"hashset", "lookup", db, "nothex"});
  CHECK(run.exit_code == 1);
  CHECK(test::parse_lines(run.out)[0].contains("error"));
}

TEST_CASE("triage hashset import: malformed inputs give a clear error and leave HASHSET.db byte-identical") {
  test::TempDir dir;
  const auto good = dir / "good.json";
  test::write_text(good, vics_export(3));
  const std::string db = (dir / "HASHSET.db").string();
  REQUIRE(test::run_cli({"hashset", "import", good.string(), "--into", db}).exit_code == 0);
  const std::string before = test::file_sha256(db);

  const std::string full = vics_export(5);
  struct Bad {
    std::string name, content, format, expect;
  };
  std::string binary = "\x7f" "ELF\x02\x01\x01";
  binary += std::string(64, '\0');
  const std::vector<Bad> bad = {
      {"truncated.json", full.substr(0, full.size() - 40), "auto", "truncated JSON"},
      {"wrong-root.json", R"({"metadata": "x", "value": []})", "auto", "wrong root key \"metadata\""},
      {"wrong-length.txt", "0123456789abcdef\nabcdef0123\n", "list", "no valid record"},
      {"wrong-length.json", R"({"odata.metadata": "http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml#Media",
                                "value": [{"MediaID": 1, "MD5": "ABC"}]})", "auto", "MD5 'ABC' is not 32 hex digits"},
      {"binary.md5", binary, "md5sum", "NUL byte: binary data"},
      {"binary-auto.bin", binary, "auto", "binary data"},
  };
  for (const auto& b : bad) {
    CAPTURE(b.name);
    const auto file = dir / b.name;
    test::write_text(file, b.content);
    const auto run = test::run_cli({"hashset", "import", file.string(), "--into", db, "--format", b.format});
    CHECK(run.exit_code == 3);
    CHECK_MESSAGE(run.err.find(b.expect) != std::string::npos, run.err);
    CHECK(run.err.find("is unchanged") != std::string::npos);
    CHECK(test::file_sha256(db) == before);
  }

  // --strict: one rejected record aborts the import.
  const auto mixed = dir / "mixed.txt";
  test::write_text(mixed, test::synthetic_hex(32, 1) + "\n0123\n");
  auto run = test::run_cli({"hashset", "import", mixed.string(), "--into", db, "--strict"});
  CHECK(run.exit_code == 3);
  CHECK(run.err.find("line 2 (byte 33)") != std::string::npos);
  CHECK(test::file_sha256(db) == before);
  // Without --strict the good record goes in, the bad one is reported, and the exit status is 1.
  run = test::run_cli({"hashset", "import", mixed.string(), "--into", db});
  CHECK(run.exit_code == 1);
  CHECK(run.err.find("rejected: line 2 (byte 33): '0123' is not a hash of 32, 40 or 64 hex digits") != std::string::npos);
  CHECK(test::file_sha256(db) != before);
}

TEST_CASE("triage hashset: a store that could not be filled is not left behind; usage and store errors") {
  test::TempDir dir;
  const auto bad = dir / "bad.json";
  test::write_text(bad, "{\"odata.metadata\": ");
  const auto db = dir / "new.db";
  auto run = test::run_cli({"hashset", "import", bad.string(), "--into", db.string()});
  CHECK(run.exit_code == 3);
  CHECK_FALSE(fs::exists(db));

  // --check reads and reports without a store.
  const auto checked = dir / "checked.json";
  test::write_text(checked, vics_export(4));
  run = test::run_cli({"hashset", "import", "--check", checked.string()});
  CHECK(run.exit_code == 0);
  CHECK(run.out.find("checked: 'checked' (vics, VICS data model 2.0/Default, 4 records, 0 rejected)") != std::string::npos);
  CHECK_FALSE(fs::exists(db));
  run = test::run_cli({"hashset", "import", "--check", bad.string()});
  CHECK(run.exit_code == 3);
  run = test::run_cli({"hashset", "import", checked.string()});
  CHECK(run.exit_code == 2);  // neither --into nor --check

  run = test::run_cli({"hashset", "import", bad.string(), "--into", db.string(), "--role", "maybe"});
  CHECK(run.exit_code == 2);
  run = test::run_cli({"hashset", "import", bad.string(), "--into", db.string(), "--format", "xml"});
  CHECK(run.exit_code == 2);
  run = test::run_cli({"hashset", "import", (dir / "missing.json").string(), "--into", db.string()});
  CHECK(run.exit_code == 3);
  run = test::run_cli({"hashset", "info", (dir / "missing.db").string()});
  CHECK(run.exit_code == 3);
  test::write_text(dir / "not-a-store.db", "plain text");
  run = test::run_cli({"hashset", "lookup", (dir / "not-a-store.db").string(), test::synthetic_hex(32, 1)});
  CHECK(run.exit_code == 3);

  const auto good = dir / "good.txt";
  test::write_text(good, test::synthetic_hex(32, 1) + "\n");
  fs::create_directories(dir / "ro");
  fs::permissions(dir / "ro", fs::perms::owner_read | fs::perms::owner_exec);
  run = test::run_cli({"hashset", "import", good.string(), "--into", (dir / "ro" / "h.db").string()});
  if (::geteuid() != 0) CHECK(run.exit_code == 4);  // root may write anywhere
}

TEST_CASE("triage hashset info describes a raw export as an import would read it, writing nothing") {
  test::TempDir dir;
  const auto vics = (test::source_dir() / "samples" / "hashsets" / "sample-uk.vics.json").string();
  const auto text = test::run_cli({"hashset", "info", vics});
  CHECK(text.exit_code == 0);
  CHECK(text.out.find("format:        vics") != std::string::npos);
  CHECK(text.out.find("records:       3 (0 would be rejected)") != std::string::npos);
  CHECK(text.out.find("category 1     1 records") != std::string::npos);
  const auto lines = test::parse_lines(test::run_cli({"hashset", "info", vics, "--format", "jsonl"}).out);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["kind"] == "export");
  CHECK(lines[0]["record_count"] == 3);
  CHECK(lines[0]["categories"]["2"] == 1);
  const auto other = dir / "notes.txt";
  test::write_text(other, "not a hash list at all\n");
  const auto refused = test::run_cli({"hashset", "info", other.string()});
  CHECK(refused.exit_code == 3);
  CHECK(refused.err.find("is neither a hash-set store nor an export triage reads") != std::string::npos);
  CHECK(refused.err.back() == '\n');
}
