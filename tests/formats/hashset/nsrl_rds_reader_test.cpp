#include <doctest/doctest.h>

#include "tests/formats/hashset/hashset_fixtures.h"

using namespace triage;
namespace fs = std::filesystem;

namespace {

// An RDS v3 "full" build in the publication's layout: FILE, PKG and VERSION (upper-case hex).
std::string rds3_sql(int files, bool with_pkg) {
  std::string sql =
      "CREATE TABLE VERSION (version TEXT, build_set TEXT, build_date TEXT, release_date TEXT, description TEXT);"
      "INSERT INTO VERSION VALUES ('2024.12.1', 'modern', '2024-11-30', '2024-12-01', 'synthetic fixture');"
      "CREATE TABLE FILE (sha256 VARCHAR NOT NULL, sha1 VARCHAR NOT NULL, md5 VARCHAR NOT NULL, crc32 VARCHAR, "
      "file_name VARCHAR NOT NULL, file_size INTEGER NOT NULL, package_id INTEGER NOT NULL);";
  if (with_pkg)
    sql += "CREATE TABLE PKG (package_id INTEGER PRIMARY KEY, name VARCHAR, version VARCHAR, operating_system_id "
           "INTEGER, manufacturer_id INTEGER, language VARCHAR, application_type VARCHAR);"
           "INSERT INTO PKG VALUES (1, 'Example Office', '2.0', 1, 1, 'English', 'Office');"
           "INSERT INTO PKG VALUES (2, 'Example Viewer', NULL, 1, 1, 'English', 'Graphics');";
  for (int i = 0; i < files; ++i)
    sql += fmt::format("INSERT INTO FILE VALUES ('{}', '{}', '{}', 'ABCD1234', 'file{}.dll', {}, {});",
                       test::upper(test::synthetic_hex(64, i, 3)), test::upper(test::synthetic_hex(40, i, 2)),
                       test::upper(test::synthetic_hex(32, i, 1)), i, 1000 + i, i % 3 == 2 ? 99 : 1 + i % 2);
  return sql;
}

}  // namespace

TEST_CASE("NSRL RDS v3 full build: every FILE row, product names joined from PKG, version from VERSION") {
  test::TempDir dir;
  const auto file = dir / "RDS_2024.12.1_modern.db";
  test::make_sqlite(file, rds3_sql(9, true));
  CHECK(hashset::detect_format(file) == "nsrl-rds3");
  test::CollectingSink sink;
  hashset::read_nsrl_rds3(file, sink);
  REQUIRE(sink.records.size() == 9);
  CHECK(sink.version == "2024.12.1 (modern, 2024-12-01)");
  for (int i = 0; i < 9; ++i) {
    const auto& r = sink.records[static_cast<std::size_t>(i)];
    CHECK(r.record.md5 == test::upper(test::synthetic_hex(32, i, 1)));
    CHECK(r.detail.file_name == fmt::format("file{}.dll", i));
    CHECK(r.detail.size == static_cast<std::uint64_t>(1000 + i));
    CHECK(r.detail.product == (i % 3 == 2 ? "99" : i % 2 == 0 ? "Example Office 2.0" : "Example Viewer"));
  }
  const auto imported = test::import_one(dir.path(), file);
  CHECK(imported.report.set.record_count == 9);
  CHECK(imported.report.set.version == "2024.12.1 (modern, 2024-12-01)");
  CHECK(imported.records[4].sha256 == test::synthetic_hex(64, 4, 3));  // stored lower case
}

TEST_CASE("NSRL RDS v3 minimal build with DISTINCT_HASH only") {
  test::TempDir dir;
  const auto file = dir / "minimal.db";
  std::string sql = "CREATE TABLE DISTINCT_HASH (sha256 VARCHAR, sha1 VARCHAR, md5 VARCHAR);";
  for (int i = 0; i < 5; ++i)
    sql += fmt::format("INSERT INTO DISTINCT_HASH VALUES ('{}', '{}', '{}');", test::upper(test::synthetic_hex(64, i)),
                       test::upper(test::synthetic_hex(40, i)), test::upper(test::synthetic_hex(32, i)));
  test::make_sqlite(file, sql);
  const auto imported = test::import_one(dir.path(), file);
  REQUIRE(imported.records.size() == 5);
  CHECK(imported.records[2].sha1 == test::synthetic_hex(40, 2));
  CHECK(imported.report.set.format == "nsrl-rds3");
}

TEST_CASE("NSRL RDS v2 NSRLFile.txt") {
  test::TempDir dir;
  const auto file = dir / "NSRLFile.txt";
  std::string text = "\"SHA-1\",\"MD5\",\"CRC32\",\"FileName\",\"FileSize\",\"ProductCode\",\"OpSystemCode\",\"SpecialCode\"\r\n";
  for (int i = 0; i < 6; ++i)
    text += fmt::format("\"{}\",\"{}\",\"0000ABCD\",\"name, with comma {}.txt\",{},{},\"358\",\"\"\r\n",
                        test::upper(test::synthetic_hex(40, i)), test::upper(test::synthetic_hex(32, i)), i, 10 + i,
                        1000 + i);
  text += "\"ZZZ\",\"\",\"\",\"bad.txt\",1,1,\"1\",\"\"\r\n";
  test::write_text(file, text);
  CHECK(hashset::detect_format(file) == "nsrl-rds2");
  const auto imported = test::import_one(dir.path(), file);
  CHECK(imported.report.set.record_count == 6);
  CHECK(imported.report.set.rejected_records == 1);
  test::CollectingSink sink;
  hashset::read_nsrl_rds2(file, sink);
  CHECK(sink.records[3].detail.file_name == "name, with comma 3.txt");
  CHECK(sink.records[3].detail.product == "1003");
  CHECK(sink.records[3].detail.size == 13u);
}
