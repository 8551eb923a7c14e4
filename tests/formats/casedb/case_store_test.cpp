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
    folder.kind = SourceKind::directory;
    store->begin_run({"2026-01-01T00:00:00Z", "triage scan x --out y", "{}", 2,
                      {{"libtsk", "4.11.1"}, {"OpenSSL", "OpenSSL 3.0.17 1 Jul 2025"}}},
                     {folder});
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
    p.key = {1, 0};
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
  // The libraries the run used, each with its version (a version may hold spaces).
  REQUIRE(runs[0].libraries.size() == 2);
  CHECK(runs[0].libraries[0].name == "libtsk");
  CHECK(runs[0].libraries[1].version == "OpenSSL 3.0.17 1 Jul 2025");
}

TEST_CASE("case details are kept in case_info; a case without them reads as not recorded") {
  test::TempDir dir;
  {
    auto store = CaseStore::create(dir / "case.db");
    store->begin_run({"2026-01-01T00:00:00Z", "triage scan x", "{}", 1, {}}, {});
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
    store->begin_run({"2026-01-01T00:00:00Z", "triage scan x", "{}", 1, {}}, {});
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
    image.kind = SourceKind::disk_image;
    image.image_format = "ewf";
    image.segments = {"exhibit.E01", "exhibit.E02"};
    image.media_size = 4194304;
    image.media = {"m5", "s1", "s256"};
    image.stored_md5 = "m5";
    image.integrity = Integrity::pending;
    store->begin_run({"2026-01-01T00:00:00Z", "triage scan exhibit.E01 --out y", "{}", 1, {}}, {image});
    ItemRecord item;
    item.path = "exhibit.E01/p1(ntfs@1048576):/a.txt:secret";
    item.mime = "text/plain";
    item.fs.inode = 64;
    item.fs.address = "64-128-4";
    item.fs.deleted = true;
    item.fs.orphan = true;
    item.fs.reallocated = true;
    item.fs.mtime = 978'494'706'000'000'000;
    item.fs.fn_mtime = 1'700'000'000'123'456'700;
    item.fs.fn_btime = 1'700'000'000'000'000'000;
    item.fs.overwritten = Overwritten::partial;
    store->add_item(item);
    ItemRecord plain;  // no NTFS times, nothing overwritten
    plain.seq = 1;
    plain.path = "exhibit.E01/p1(ntfs@1048576):/b.txt";
    plain.mime = "text/plain";
    store->add_item(plain);
    store->record_source_verification(0, {"m5", "s1", "s256"}, Integrity::verified, "unchanged");
    store->end_run("completed", "2026-01-01T00:00:01Z");
  }
  auto store = CaseStore::open_read_only(file);
  const auto sources = store->sources();
  REQUIRE(sources.size() == 1);
  CHECK(sources[0].kind == SourceKind::disk_image);
  CHECK(sources[0].image_format == "ewf");
  CHECK(sources[0].media_size == 4194304u);
  CHECK(sources[0].media.sha256 == "s256");
  CHECK(sources[0].stored_md5 == "m5");
  CHECK(sources[0].integrity == Integrity::verified);
  CHECK(sources[0].integrity_note == "unchanged");
  std::vector<ItemRecord> items;
  store->for_each_item([&](const ItemRecord& r) { items.push_back(r); });
  REQUIRE(items.size() == 2);
  CHECK(items[0].fs.address == "64-128-4");
  CHECK(items[0].fs.deleted);
  CHECK(items[0].fs.orphan);
  CHECK(items[0].fs.reallocated);
  CHECK(items[0].fs.fn_mtime == 1'700'000'000'123'456'700);
  CHECK(items[0].fs.fn_btime == 1'700'000'000'000'000'000);
  CHECK_FALSE(items[0].fs.fn_atime.has_value());
  CHECK(items[0].fs.overwritten == Overwritten::partial);
  CHECK_FALSE(items[1].fs.fn_mtime.has_value());
  CHECK_FALSE(items[1].fs.overwritten.has_value());
}

TEST_CASE("a resumed run continues the same run after its committed walk positions") {
  test::TempDir dir;
  const auto file = dir / "case.db";
  auto item_at = [](std::uint64_t seq, std::string path) {
    ItemRecord item;
    item.seq = seq;
    item.key = {seq, 0};
    item.path = std::move(path);
    item.mime = "text/plain";
    return item;
  };
  {
    auto store = CaseStore::create(file);
    CHECK_FALSE(store->last_run());
    SourceInfo folder;
    folder.path = "x";
    folder.kind = SourceKind::directory;
    store->begin_run({"2026-01-01T00:00:00Z", "triage scan x --out y", "{}", 2, {}}, {folder});
    store->add_item(item_at(0, "x/a"));
    WalkProblem p;
    p.seq = 1;
    p.key = {1, 0};
    p.path = "x/fifo";
    p.kind = "special_file";
    store->add_problem(p);
    store->add_item(item_at(2, "x/b"));
    store->commit();
    store->add_item(item_at(3, "x/c"));  // never committed: the process "dies" here
  }
  auto store = CaseStore::open_or_create(file);
  const auto run = store->last_run();
  REQUIRE(run);
  CHECK(run->status == "running");
  std::vector<std::string> paths;
  std::vector<WalkKey> keys;
  const auto committed = store->for_each_committed_position([&](std::uint32_t source, WalkKey key, const std::string& p) {
    CHECK(source == 0);
    keys.push_back(key);
    paths.push_back(p);
  });
  CHECK(committed == 3);
  CHECK(paths == std::vector<std::string>{"x/a", "x/fifo", "x/b"});
  CHECK(keys == std::vector<WalkKey>{{0, 0}, {1, 0}, {2, 0}});
  store->resume_run({"2026-01-02T00:00:00Z", "triage scan x --out y --resume", "{}", 4, {}}, committed);
  store->add_item(item_at(3, "x/c"));
  store->end_run("completed", "2026-01-02T00:00:01Z");
  store.reset();

  auto done = CaseStore::open_read_only(file);
  const auto runs = done->runs();
  REQUIRE(runs.size() == 1);  // the same run, finished
  CHECK(runs[0].status == "completed");
  CHECK(runs[0].started_utc == "2026-01-01T00:00:00Z");
  std::vector<std::uint64_t> seqs;
  done->for_each_item([&](const ItemRecord& r) { seqs.push_back(r.seq); });
  CHECK(seqs == std::vector<std::uint64_t>{0, 2, 3});
  std::vector<std::string> walk_problems;
  done->for_each_walk_problem([&](const WalkProblem& w) { walk_problems.push_back(w.path); });
  CHECK(walk_problems == std::vector<std::string>{"x/fifo"});
  CHECK_THROWS_AS(CaseStore::create(file), sqlite::Error);
}

TEST_CASE("restore_walk_order puts positions examined out of order back in walk order, references with them") {
  test::TempDir dir;
  const auto file = dir / "case.db";
  {
    auto store = CaseStore::create(file);
    SourceInfo folder;
    folder.path = "x";
    store->begin_run({"2026-01-01T00:00:00Z", "triage scan x --out y", "{}", 2, {}}, {folder});
    // Examined in the order c (a member of b's scope), b, fifo, a; walk order is a, fifo, b, c.
    const std::vector<std::tuple<std::string, WalkKey, bool>> examined{
        {"x/b!/c", {2, 1}, false}, {"x/b", {2, 0}, false}, {"x/fifo", {1, 0}, true}, {"x/a", {0, 0}, false}};
    std::uint64_t seq = 0;
    for (const auto& [path, key, problem] : examined) {
      if (problem) {
        WalkProblem p;
        p.seq = seq++;
        p.key = key;
        p.path = path;
        p.kind = "special_file";
        store->add_problem(p);
        continue;
      }
      ItemRecord item;
      item.seq = seq++;
      item.key = key;
      item.path = path;
      item.mime = "text/plain";
      ItemMatch match;
      match.set = "set";
      match.media_id = path;
      match.category = "1";
      item.matches.push_back(match);
      item.problems.push_back({"read", "problem of " + path});
      store->add_item(item);
    }
    CHECK(store->restore_walk_order());
    CHECK_FALSE(store->restore_walk_order());  // already in order
    store->end_run("completed", "2026-01-01T00:00:01Z");
  }
  auto done = CaseStore::open_read_only(file);
  std::vector<std::pair<std::uint64_t, std::string>> items;
  done->for_each_item([&](const ItemRecord& r) {
    items.emplace_back(r.seq, r.path);
    REQUIRE(r.matches.size() == 1);
    CHECK(r.matches[0].media_id == r.path);  // its match moved with it
    REQUIRE(r.problems.size() == 1);
    CHECK(r.problems[0].message == "problem of " + r.path);
  });
  CHECK(items == std::vector<std::pair<std::uint64_t, std::string>>{{0, "x/a"}, {2, "x/b"}, {3, "x/b!/c"}});
  std::vector<std::pair<std::uint64_t, std::string>> problems;
  done->for_each_walk_problem([&](const WalkProblem& w) { problems.emplace_back(w.seq, w.path); });
  CHECK(problems == std::vector<std::pair<std::uint64_t, std::string>>{{1, "x/fifo"}});
}

TEST_CASE("open_or_create makes the schema in an empty file and refuses a foreign database") {
  test::TempDir dir;
  {
    auto store = CaseStore::open_or_create(dir / "new.db");
    CHECK_FALSE(store->last_run());
    CHECK(store->for_each_committed_position([](std::uint32_t, WalkKey, const std::string&) {}) == 0);
  }
  CHECK_NOTHROW(CaseStore::open_or_create(dir / "new.db"));
  {
    auto db = sqlite::open((dir / "other.db").string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    sqlite::exec(db.get(), "CREATE TABLE db_info (key TEXT, value TEXT); INSERT INTO db_info VALUES ('schema_version', '99')");
  }
  CHECK_THROWS_AS(CaseStore::open_or_create(dir / "other.db"), sqlite::Error);
}

TEST_CASE("an item's problems are found through an index, added to a case made without it when it is opened to write") {
  test::TempDir dir;
  const auto file = dir / "case.db";
  auto has_index = [&] {
    auto db = sqlite::open(file.string(), SQLITE_OPEN_READONLY);
    sqlite::Statement q(db.get(), "SELECT count(*) FROM sqlite_master WHERE type='index' AND name='errors_item'");
    return q.step() && q.int64(0) == 1;
  };
  CaseStore::open_or_create(file).reset();
  CHECK(has_index());
  {
    auto db = sqlite::open(file.string(), SQLITE_OPEN_READWRITE);
    sqlite::exec(db.get(), "DROP INDEX errors_item");  // as a case written before the index was in the schema
  }
  REQUIRE_FALSE(has_index());
  CaseStore::open_or_create(file).reset();  // --resume opens it so
  CHECK(has_index());
}

TEST_CASE("a video's facts and its count of frame hashes read back as the scan wrote them") {
  test::TempDir dir;
  ItemRecord video;
  video.seq = 0;
  video.path = "x/clip.mp4";
  video.media_type = MediaType::video;
  video.mime = "video/mp4";
  VideoFacts facts;
  facts.info = {"mov,mp4,m4a,3gp,3g2,mj2", "h264", 1280, 720, 29.97, 4.0, std::nullopt, "2026-01-01T00:00:00.000000Z", 90};
  facts.decoded_frames = 120;
  facts.sample_fps = 1;
  facts.hashed_frames = 3;
  video.video = facts;
  for (int k = 0; k < 3; ++k) {
    VideoFrameHash f;
    f.frame = 30 * k;
    f.timestamp = k * 1.001;
    f.pdq.hash = *PdqHash::from_hex(std::string(63, '0') + std::to_string(k + 1));
    f.pdq.quality = 90 + k;
    video.frames.push_back(f);
  }
  ItemRecord still;
  still.seq = 1;
  still.path = "x/a.jpg";
  still.media_type = MediaType::image;
  still.mime = "image/jpeg";
  {
    auto store = CaseStore::create(dir / "case.db");
    store->begin_run({"2026-01-01T00:00:00Z", "triage scan x", "{}", 1, {}}, {});
    store->add_item(video);
    store->add_item(still);
    store->end_run("completed", "2026-01-01T00:00:01Z");
  }
  std::vector<ItemRecord> items;
  CaseStore::open_read_only(dir / "case.db")->for_each_item([&](const ItemRecord& r) { items.push_back(r); });
  REQUIRE(items.size() == 2);
  REQUIRE(items[0].video);
  const VideoFacts& v = *items[0].video;
  CHECK(v.info.container == facts.info.container);
  CHECK(v.info.codec == "h264");
  CHECK(v.info.width == 1280);
  CHECK(v.info.height == 720);
  CHECK(v.info.frame_rate == 29.97);
  CHECK(v.info.duration == 4.0);
  CHECK_FALSE(v.info.frame_count);
  CHECK(v.info.creation_time == facts.info.creation_time);
  CHECK(v.info.rotation == 90);
  CHECK(v.decoded_frames == 120);
  CHECK(v.sample_fps == 1);
  CHECK(v.hashed_frames == 3);  // the rows of the frames table
  CHECK(items[0].frames.empty());  // the hashes stay in case.db (a long video has thousands)
  CHECK_FALSE(items[1].video);  // a still keeps none
  CHECK(items[1].frames.empty());
}

TEST_CASE("an item's device path reads back; a case made before the column reads as none and gains it when written") {
  test::TempDir dir;
  const auto file = dir / "case.db";
  {
    auto store = CaseStore::create(file);
    store->begin_run({"2026-01-01T00:00:00Z", "triage scan phone.zip", "{}", 1, {}}, {});
    ItemRecord item;
    item.seq = 0;
    item.path = "phone.zip!/filesystem1/private/var/mobile/Media/DCIM/100APPLE/IMG_0001.JPG";
    item.fs.device_path = "/private/var/mobile/Media/DCIM/100APPLE/IMG_0001.JPG";
    store->add_item(item);
    store->end_run("completed", "2026-01-01T00:00:01Z");
  }
  auto device_path = [&] {
    std::string out = "unread";
    CaseStore::open_read_only(file)->for_each_item([&](const ItemRecord& r) { out = r.fs.device_path; });
    return out;
  };
  CHECK(device_path() == "/private/var/mobile/Media/DCIM/100APPLE/IMG_0001.JPG");
  {
    auto db = sqlite::open(file.string(), SQLITE_OPEN_READWRITE);
    sqlite::exec(db.get(), "ALTER TABLE items DROP COLUMN device_path");  // as a case written before the column
  }
  CHECK(device_path().empty());
  CaseStore::open_or_create(file).reset();  // --resume opens it so
  auto db = sqlite::open(file.string(), SQLITE_OPEN_READONLY);
  sqlite::Statement q(db.get(), "SELECT count(*) FROM pragma_table_info('items') WHERE name = 'device_path'");
  CHECK((q.step() && q.int64(0) == 1));
}
