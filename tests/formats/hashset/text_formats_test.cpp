// ICSE CSV, md5sum, hashdeep, HashKeeper, plain and PDQ lists.
#include <doctest/doctest.h>

#include <cstdlib>

#include "tests/formats/hashset/hashset_fixtures.h"

using namespace triage;
namespace fs = std::filesystem;

TEST_CASE("ICSE CSV: ';'-separated with its header, columns found by name") {
  test::TempDir dir;
  const auto file = dir / "icse.csv";
  std::string text = "MD5;SHA1;ZZ40;PhotoDNA;Image ID;Is distributed;Victim identified;Offender identified;"
                     "Series name;Number of submissions;File Available;Media Type;Baseline\n";
  for (int i = 0; i < 7; ++i)
    text += fmt::format("{};{};x;AAAA;{};{};Yes;No;\"series; {}\";3;1;Image;0\n",
                        i % 2 ? test::upper(test::synthetic_hex(32, i)) : test::synthetic_hex(32, i),
                        test::synthetic_hex(40, i), 500 + i, i % 2 ? "1" : "0", i);
  text += "12;;;;;;;;;;;;\n";
  test::write_text(file, text);
  CHECK(hashset::detect_format(file) == "icse");
  const auto imported = test::import_one(dir.path(), file);
  REQUIRE(imported.records.size() == 7);
  CHECK(imported.report.set.rejected_records == 1);
  CHECK(imported.records[3].md5 == test::synthetic_hex(32, 3));
  CHECK(imported.records[3].media_id == "503");
  CHECK(imported.records[3].series == "series; 3");
  test::CollectingSink sink;
  hashset::read_icse_csv(file, sink);
  CHECK(sink.records[1].detail.is_distributed == true);
  CHECK(sink.records[0].detail.is_distributed == false);
  CHECK(sink.records[0].detail.victim_identified == true);
  CHECK(sink.records[0].detail.offender_identified == false);
}

TEST_CASE("md5sum, sha1sum, sha256sum: GNU text and binary modes, escaped names, BSD tags") {
  test::TempDir dir;
  const auto file = dir / "sums.md5";
  std::string text;
  text += test::synthetic_hex(32, 1) + "  plain name.jpg\n";
  text += test::upper(test::synthetic_hex(32, 2)) + " *binary.jpg\n";
  text += "\\" + test::synthetic_hex(40, 3) + "  new\\nline\\\\x.jpg\n";
  text += test::synthetic_hex(64, 4) + "  sha256.jpg\n";
  text += "MD5 (bsd (1).jpg) = " + test::synthetic_hex(32, 5) + "\n";
  text += "SHA256 (bsd.png) = " + test::synthetic_hex(64, 6) + "\n";
  text += "abc  short.jpg\n";
  text += "not a line\n";
  test::write_text(file, text);
  CHECK(hashset::detect_format(file) == "md5sum");
  test::CollectingSink sink;
  hashset::read_md5sum(file, sink);
  REQUIRE(sink.records.size() == 6);
  CHECK(sink.rejections.size() == 2);
  CHECK(sink.records[0].detail.file_name == "plain name.jpg");
  CHECK(sink.records[1].detail.file_name == "binary.jpg");
  CHECK(sink.records[2].record.sha1 == test::synthetic_hex(40, 3));
  CHECK(sink.records[2].detail.file_name == "new\nline\\x.jpg");
  CHECK(sink.records[3].record.sha256 == test::synthetic_hex(64, 4));
  CHECK(sink.records[4].detail.file_name == "bsd (1).jpg");
  CHECK(sink.records[4].record.md5 == test::synthetic_hex(32, 5));
  CHECK(sink.records[5].record.sha256 == test::synthetic_hex(64, 6));
  CHECK(sink.rejections[0].starts_with("line 7 (byte "));
}

TEST_CASE("md5sum: the oracle's own output reads back (md5sum, sha256sum --tag)") {
  test::TempDir dir;
  test::write_text(dir / "a.txt", "benign a\n");
  test::write_text(dir / "b c.txt", "benign b\n");
  const auto sums = dir / "sums.txt";
  const std::string cmd = fmt::format("cd '{}' && md5sum a.txt 'b c.txt' > sums.txt && sha256sum --tag a.txt >> sums.txt",
                                      dir.path().string());
  if (std::system(cmd.c_str()) != 0) {
    MESSAGE("SKIPPED: md5sum/sha256sum not available");
    return;
  }
  const auto imported = test::import_one(dir.path(), sums);
  REQUIRE(imported.records.size() == 3);
  const auto digests = triage::test::read_text(sums);
  CHECK(digests.find(imported.records[1].md5) != std::string::npos);
  CHECK(imported.records[2].sha256.size() == 64);
}

TEST_CASE("md5sum: a binary file given as md5sum is an ImportError naming the byte") {
  test::TempDir dir;
  const auto file = dir / "binary.md5";
  std::string bytes = test::synthetic_hex(32, 1) + "  ok.jpg\n";
  bytes += std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
  test::write_text(file, bytes);
  test::CollectingSink sink;
  CHECK_THROWS_WITH_AS(hashset::read_md5sum(file, sink), doctest::Contains("NUL byte: binary data"), ImportError);
  CHECK_THROWS_WITH_AS(hashset::detect_format(file), doctest::Contains("binary data"), ImportError);
}

TEST_CASE("hashdeep: HASHDEEP-1.0 files, own fixture and the hashdeep oracle") {
  test::TempDir dir;
  const auto file = dir / "audit.txt";
  std::string text = "%%%% HASHDEEP-1.0\n%%%% size,md5,sha256,filename\n## Invoked from: /tmp\n## $ hashdeep -r x\n##\n";
  for (int i = 0; i < 4; ++i)
    text += fmt::format("{},{},{},/x/name,with,commas{}.jpg\n", 10 + i, test::synthetic_hex(32, i), test::synthetic_hex(64, i), i);
  test::write_text(file, text);
  CHECK(hashset::detect_format(file) == "hashdeep");
  test::CollectingSink sink;
  hashset::read_hashdeep(file, sink);
  REQUIRE(sink.records.size() == 4);
  CHECK(sink.records[2].record.md5 == test::synthetic_hex(32, 2));
  CHECK(sink.records[2].record.sha256 == test::synthetic_hex(64, 2));
  CHECK(sink.records[2].detail.file_name == "/x/name,with,commas2.jpg");
  CHECK(sink.records[2].detail.size == 12u);

  fs::create_directories(dir / "in");
  test::write_text(dir / "in" / "a.bin", "benign");
  test::write_text(dir / "in" / "b.bin", "benign too");
  const auto oracle = dir / "oracle.txt";
  if (std::system(fmt::format("hashdeep -c md5,sha1,sha256 -r '{}' > '{}' 2>/dev/null", (dir / "in").string(),
                              oracle.string()).c_str()) != 0) {
    MESSAGE("SKIPPED: hashdeep not installed");
    return;
  }
  const auto imported = test::import_one(dir.path(), oracle);
  CHECK(imported.records.size() == 2);
  CHECK(imported.report.set.format == "hashdeep");
  for (const auto& r : imported.records) CHECK((r.md5.size() == 32 && r.sha1.size() == 40 && r.sha256.size() == 64));
}

TEST_CASE("HashKeeper .hsh") {
  test::TempDir dir;
  const auto file = dir / "set.hsh";
  std::string text =
      "\"file_id\",\"hashset_id\",\"file_name\",\"directory\",\"hash\",\"file_size\",\"date_modified\",\"time_modified\","
      "\"time_zone\",\"comments\",\"date_accessed\",\"time_accessed\"\r\n";
  for (int i = 0; i < 5; ++i)
    text += fmt::format("{},7,\"f{}.exe\",\"C:\\\\x\",\"{}\",{},,,,\"synthetic\",,\r\n", i, i,
                        test::upper(test::synthetic_hex(32, i)), 100 + i);
  test::write_text(file, text);
  CHECK(hashset::detect_format(file) == "hashkeeper");
  const auto imported = test::import_one(dir.path(), file);
  REQUIRE(imported.records.size() == 5);
  CHECK(imported.records[4].md5 == test::synthetic_hex(32, 4));
}

TEST_CASE("plain lists by length and PDQ lists with categories") {
  test::TempDir dir;
  const auto list = dir / "list.txt";
  test::write_text(list, "# synthetic\n" + test::synthetic_hex(32, 1) + "\n" + test::upper(test::synthetic_hex(40, 2)) +
                             "  \r\n\n" + test::synthetic_hex(64, 3) + "\n" + test::synthetic_hex(30, 4) + "\n");
  CHECK(hashset::detect_format(list) == "list");
  const auto imported = test::import_one(dir.path(), list);
  REQUIRE(imported.records.size() == 3);
  CHECK(imported.report.set.rejected_records == 1);
  CHECK(imported.records[0].md5 == test::synthetic_hex(32, 1));
  CHECK(imported.records[1].sha1 == test::synthetic_hex(40, 2));
  CHECK(imported.records[2].sha256 == test::synthetic_hex(64, 3));

  const auto pdq = dir / "pdq.txt";
  test::write_text(pdq, test::synthetic_hex(64, 5) + " 1\n" + test::synthetic_hex(64, 6) + "\n" +
                            test::upper(test::synthetic_hex(64, 7)) + "\tB\n");
  CHECK(hashset::detect_format(pdq) == "pdq");
  const auto p = test::import_one(dir.path(), pdq, "pdq");
  REQUIRE(p.records.size() == 3);
  CHECK(p.records[0].pdq == test::synthetic_hex(64, 5));
  CHECK(p.records[0].category == "1");
  CHECK(p.records[1].category.empty());
  CHECK(p.records[2].pdq == test::synthetic_hex(64, 7));
  CHECK(p.records[2].category == "B");
  CHECK(p.records[0].sha256.empty());
}

TEST_CASE("text readers stream past their buffer: a list of 300,000 hashes") {
  test::TempDir dir;
  const auto list = dir / "long.txt";
  std::string text;
  for (int i = 0; i < 300000; ++i) text += test::synthetic_hex(32, i) + "\n";
  test::write_text(list, text);
  test::CollectingSink sink;
  hashset::read_plain_list(list, sink);
  REQUIRE(sink.records.size() == 300000);
  CHECK(sink.records[299999].record.md5 == test::synthetic_hex(32, 299999));
  CHECK(sink.rejections.empty());
}
