#include "formats/casedb/case_store.h"

#include <doctest/doctest.h>

#include "tests/support/test_support.h"

using namespace triage;

TEST_CASE("items and problems round-trip through the case database in walk order") {
  test::TempDir dir;
  const auto file = dir / "case.db";
  {
    auto store = CaseStore::create(file);
    SourceInfo folder;
    folder.path = "x";
    folder.kind = "directory";
    store->begin_run({"2026-01-01T00:00:00Z", "triage scan x --out y", "{}", 2}, {folder});
    ItemRecord item;
    item.seq = 0;
    item.path = std::string("x/bad\xFF\nname.jpg");
    item.size = 123;
    item.fs.mtime = 1'000'000'000;
    item.media_type = MediaType::image;
    item.mime = "image/jpeg";
    item.digests = {"m", "s1", "s256"};
    item.exif.make = "Canon";
    item.exif.gps_lat = -33.5;
    item.exif.orientation = 6;
    item.problems.push_back({"exif", "corrupt IFD"});
    store->add_item(item);
    WalkProblem p;
    p.seq = 1;
    p.path = "x/fifo";
    p.kind = "special_file";
    p.message = "named pipe not examined";
    store->add_problem(p);
    store->end_run("completed", "2026-01-01T00:00:01Z");
  }
  CHECK_THROWS_AS(CaseStore::create(file), sqlite::Error);  // never overwrite a case
  auto store = CaseStore::open_read_only(file);
  std::vector<ItemRecord> items;
  store->for_each_item([&](const ItemRecord& r) { items.push_back(r); });
  REQUIRE(items.size() == 1);
  CHECK(items[0].path == std::string("x/bad\xFF\nname.jpg"));
  CHECK(items[0].size == 123);
  CHECK(items[0].media_type == MediaType::image);
  CHECK(items[0].digests.sha256 == "s256");
  CHECK(items[0].exif.make == "Canon");
  CHECK(items[0].exif.gps_lat == -33.5);
  CHECK(items[0].exif.orientation == 6);
  CHECK_FALSE(items[0].exif.model);
  REQUIRE(items[0].problems.size() == 1);
  CHECK(items[0].problems[0].message == "corrupt IFD");
  std::vector<WalkProblem> problems;
  store->for_each_problem([&](const WalkProblem& w) { problems.push_back(w); });
  REQUIRE(problems.size() == 2);  // the item's problem and the walk problem
  CHECK(problems[1].kind == "special_file");
  const auto runs = store->runs();
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].status == "completed");
  CHECK(runs[0].command_line == "triage scan x --out y");
}

TEST_CASE("case details are kept in case_info; a case without them reads as not recorded") {
  test::TempDir dir;
  {
    auto store = CaseStore::create(dir / "case.db");
    store->begin_run({"2026-01-01T00:00:00Z", "triage scan x", "{}", 1}, {});
    store->set_case_details({"OP-42/2026", "JB/1 <laptop>", "J. Bloggs", "", "Europe/London (UTC+00:00, GMT)"});
    store->end_run("completed", "2026-01-01T00:00:01Z");
  }
  const CaseDetails d = CaseStore::open_read_only(dir / "case.db")->case_details();
  CHECK(d.case_ref == "OP-42/2026");
  CHECK(d.exhibit_ref == "JB/1 <laptop>");
  CHECK(d.examiner == "J. Bloggs");
  CHECK(d.organisation.empty());
  CHECK(d.time_zone == "Europe/London (UTC+00:00, GMT)");
  {
    auto store = CaseStore::create(dir / "bare.db");
    store->begin_run({"2026-01-01T00:00:00Z", "triage scan x", "{}", 1}, {});
    store->end_run("completed", "2026-01-01T00:00:01Z");
  }
  CHECK(CaseStore::open_read_only(dir / "bare.db")->case_details().case_ref.empty());
}

TEST_CASE("disk-image sources keep their digests and verdict; items keep their TSK address and state") {
  test::TempDir dir;
  const auto file = dir / "case.db";
  {
    auto store = CaseStore::create(file);
    SourceInfo image;
    image.path = "exhibit.E01";
    image.kind = "disk_image";
    image.image_format = "ewf";
    image.segments = {"exhibit.E01", "exhibit.E02"};
    image.media_size = 4194304;
    image.media = {"m5", "s1", "s256"};
    image.stored_md5 = "m5";
    image.integrity = "pending";
    store->begin_run({"2026-01-01T00:00:00Z", "triage scan exhibit.E01 --out y", "{}", 1}, {image});
    ItemRecord item;
    item.path = "exhibit.E01/p1(ntfs@1048576):/a.txt:secret";
    item.mime = "text/plain";
    item.fs.inode = 64;
    item.fs.address = "64-128-4";
    item.fs.deleted = true;
    item.fs.orphan = true;
    item.fs.reallocated = true;
    store->add_item(item);
    store->record_source_verification(0, {"m5", "s1", "s256"}, "verified", "unchanged");
    store->end_run("completed", "2026-01-01T00:00:01Z");
  }
  auto store = CaseStore::open_read_only(file);
  const auto sources = store->sources();
  REQUIRE(sources.size() == 1);
  CHECK(sources[0].kind == "disk_image");
  CHECK(sources[0].image_format == "ewf");
  CHECK(sources[0].media_size == 4194304u);
  CHECK(sources[0].media.sha256 == "s256");
  CHECK(sources[0].stored_md5 == "m5");
  CHECK(sources[0].integrity == "verified");
  CHECK(sources[0].integrity_note == "unchanged");
  std::vector<ItemRecord> items;
  store->for_each_item([&](const ItemRecord& r) { items.push_back(r); });
  REQUIRE(items.size() == 1);
  CHECK(items[0].fs.address == "64-128-4");
  CHECK(items[0].fs.deleted);
  CHECK(items[0].fs.orphan);
  CHECK(items[0].fs.reallocated);
}
