// vPDQ frame-hash files: the reference's line format, one video per file or several named by
// "# video:" headers with categories, malformed lines refused with their line number, and a
// written line read back.
#include "formats/hashset/vpdq_reader.h"

#include <doctest/doctest.h>

#include <string>

#include "formats/hashset/hashset_reader.h"
#include "formats/hashset/hashset_store.h"
#include "tests/support/test_support.h"

namespace triage {

namespace {
const std::string kHashA = "e6cf059c4c6696362cc9d6663cd9c263714169d98327399993363d9c3d9cc666";
const std::string kHashB = "62dcb64fb67e99d3c9ac4a256edcb289908995564b726b786b8b91048d44f6c3";
}  // namespace

TEST_CASE("vpdq file: reference lines make one video named by the file") {
  test::TempDir dir;
  const auto file = dir / "pattern-1.txt";
  test::write_text(file, "0,100," + kHashA + ",0.000\n1,49," + kHashB + ",0.033\r\n\n");
  CHECK(hashset::is_vpdq_file(file));
  const auto videos = hashset::read_vpdq_file(file);
  REQUIRE(videos.size() == 1);
  CHECK(videos[0].media_id == "pattern-1");
  CHECK(videos[0].category.empty());
  REQUIRE(videos[0].frames.size() == 2);
  CHECK(videos[0].frames[1].frame == 1);
  CHECK(videos[0].frames[1].pdq.quality == 49);
  CHECK(videos[0].frames[1].pdq.hash.to_hex() == kHashB);
  CHECK(videos[0].frames[1].timestamp == doctest::Approx(0.033));
  CHECK(hashset::format_vpdq_line(videos[0].frames[0]) == "0,100," + kHashA + ",0.000");
}

TEST_CASE("vpdq file: several videos with categories") {
  test::TempDir dir;
  const auto file = dir / "set.vpdq";
  test::write_text(file, "# written by a test\n# video: first\n# category: 1\n0,100," + kHashA +
                             ",0.000\n# video: second\n30,90," + kHashB + ",1.000\n31,90," + kHashB + ",1.033\n");
  CHECK(hashset::is_vpdq_file(file));
  const auto videos = hashset::read_vpdq_file(file);
  REQUIRE(videos.size() == 2);
  CHECK(videos[0].media_id == "first");
  CHECK(videos[0].category == "1");
  CHECK(videos[0].frames.size() == 1);
  CHECK(videos[1].media_id == "second");
  CHECK(videos[1].category.empty());
  CHECK(videos[1].frames.size() == 2);
  // Not for a store: format detection names it and refuses it.
  try {
    (void)hashset::detect_format(file);
    FAIL("detected as a store format");
  } catch (const ImportError& e) {
    CHECK(std::string(e.what()).find("vPDQ") != std::string::npos);
  }
}

TEST_CASE("vpdq file: other formats are not vPDQ; a malformed frame line is an error with its line") {
  test::TempDir dir;
  const auto md5 = dir / "list.txt";
  test::write_text(md5, "d41d8cd98f00b204e9800998ecf8427e  empty.jpg\n");
  CHECK(!hashset::is_vpdq_file(md5));
  const auto pdq = dir / "pdq.txt";
  test::write_text(pdq, kHashA + ",1\n");
  CHECK(!hashset::is_vpdq_file(pdq));
  const auto bad = dir / "bad.txt";
  test::write_text(bad, "0,100," + kHashA + ",0.000\n1,101," + kHashA + ",0.033\n");
  CHECK(hashset::is_vpdq_file(bad));
  try {
    (void)hashset::read_vpdq_file(bad);
    FAIL("no error");
  } catch (const ImportError& e) {
    CHECK(std::string(e.what()).find("line 2") != std::string::npos);
  }
  VideoFrameHash f;
  CHECK(!hashset::parse_vpdq_line("0,100," + kHashA.substr(1) + ",0.0", f));
  CHECK(!hashset::parse_vpdq_line("0,100," + kHashA + ",0.0,extra", f));
  CHECK(!hashset::parse_vpdq_line("-1,100," + kHashA + ",0.0", f));
  CHECK(!hashset::parse_vpdq_line("0,100," + kHashA + ",nan", f));
  CHECK(hashset::parse_vpdq_line(" 7 , 50 ," + kHashA + ", 0.25 ", f));  // spaces around cells
  CHECK(hashset::parse_vpdq_line("7,50," + kHashA + ",0.25", f));
  CHECK(f.frame == 7);
}

}  // namespace triage
