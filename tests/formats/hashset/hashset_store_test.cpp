#include "formats/hashset/hashset_store.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cstring>

#include "tests/formats/hashset/hashset_fixtures.h"
#include "triage/version.h"

using namespace triage;
namespace fs = std::filesystem;

namespace {

fs::path write_list(const test::TempDir& dir, const std::string& name, int from, int count) {
  std::string text;
  for (int i = from; i < from + count; ++i) text += test::synthetic_hex(32, i) + "\n";
  const auto file = dir / name;
  test::write_text(file, text);
  return file;
}

std::uint64_t total_records(const HashSetStore& store) {
  std::uint64_t n = 0;
  store.for_each_record([&](const HashSetRecord&) { ++n; });
  return n;
}

}  // namespace

TEST_CASE("a new store carries db_info kind=triage-hashset and schema_version=2") {
  test::TempDir dir;
  const auto db = dir / "HASHSET.db";
  CHECK_FALSE(HashSetStore::is_hashset_store(db));
  HashSetStore::open_or_create(db);
  CHECK(HashSetStore::is_hashset_store(db));
  auto store = HashSetStore::open_read_only(db);
  CHECK(store->sets().empty());
  test::make_sqlite(dir / "case.db", "CREATE TABLE db_info (key TEXT, value TEXT); INSERT INTO db_info VALUES ('schema_version', '1');");
  CHECK_FALSE(HashSetStore::is_hashset_store(dir / "case.db"));
  CHECK_THROWS_WITH(HashSetStore::open_read_only(dir / "case.db"), doctest::Contains("not a triage hash-set store"));
  CHECK_THROWS_WITH(HashSetStore::open_or_create(dir / "case.db"), doctest::Contains("not a triage hash-set store"));
  test::make_sqlite(dir / "v1.db", "CREATE TABLE db_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                                   "INSERT INTO db_info VALUES ('kind', 'triage-hashset'), ('schema_version', '1');");
  CHECK(HashSetStore::is_hashset_store(dir / "v1.db"));
  CHECK_THROWS_WITH(HashSetStore::open_read_only(dir / "v1.db"), doctest::Contains("schema version 1, this triage reads version 2"));
  CHECK_THROWS_WITH(HashSetStore::open_or_create(dir / "v1.db"), doctest::Contains("import its sources again"));
  test::write_text(dir / "text.txt", "not sqlite");
  CHECK_FALSE(HashSetStore::is_hashset_store(dir / "text.txt"));
  CHECK_THROWS(HashSetStore::open_read_only(dir / "missing.db"));
}

TEST_CASE("provenance per set, idempotent re-import, --replace and lookups by every length") {
  test::TempDir dir;
  const auto db = dir / "HASHSET.db";
  const auto list = write_list(dir, "known-good.txt", 0, 10);
  auto store = HashSetStore::open_or_create(db);
  ImportOptions options;
  options.role = HashSetRole::known;
  auto reports = store->import_files({list}, options);
  REQUIRE(reports.size() == 1);
  const HashSetInfo& s = reports[0].set;
  CHECK(s.name == "known-good");
  CHECK(s.role == HashSetRole::known);
  CHECK(s.format == "list");
  CHECK(s.source_sha256 == test::file_sha256(list));
  CHECK(s.source_file == fs::absolute(list).lexically_normal().string());
  CHECK(s.record_count == 10);
  CHECK(s.imported_utc.size() == 20);
  CHECK(s.tool_version == kToolVersion);

  const std::string before = test::file_sha256(db);
  reports = store->import_files({list}, options);
  CHECK(reports[0].already_imported);
  CHECK(store->sets().size() == 1);
  CHECK(total_records(*store) == 10);
  // The same file under another name is another set.
  options.name = "copy";
  store->import_files({list}, options);
  CHECK(store->sets().size() == 2);
  CHECK(total_records(*store) == 20);
  CHECK(store->lookup(test::synthetic_hex(32, 3)).size() == 2);
  CHECK(store->lookup(test::upper(test::synthetic_hex(32, 3))).size() == 2);
  CHECK(store->lookup(test::synthetic_hex(32, 99)).empty());
  CHECK(store->lookup("xyz").empty());
  (void)before;

  // --replace: a newer file under the name "copy" drops the old set and its records.
  const auto newer = write_list(dir, "newer.txt", 100, 4);
  options.replace = true;
  reports = store->import_files({newer}, options);
  CHECK(reports[0].replaced_sets == 1);
  CHECK(store->sets().size() == 2);
  CHECK(total_records(*store) == 14);
  CHECK(store->lookup(test::synthetic_hex(32, 3)).size() == 1);
  REQUIRE(store->lookup(test::synthetic_hex(32, 101)).size() == 1);
  CHECK(store->lookup(test::synthetic_hex(32, 101))[0].set_id == reports[0].set.id);

  // --replace with several files under one name keeps all of them (only earlier sets go), and
  // repeating the same command changes nothing.
  const auto part1 = write_list(dir, "part1.txt", 200, 3), part2 = write_list(dir, "part2.txt", 300, 3);
  options.name = "parts";
  reports = store->import_files({part1, part2}, options);
  CHECK(store->lookup(test::synthetic_hex(32, 201)).size() == 1);
  CHECK(store->lookup(test::synthetic_hex(32, 301)).size() == 1);
  const std::string after_parts = test::file_sha256(db);
  reports = store->import_files({part1, part2}, options);
  CHECK(reports[0].already_imported);
  CHECK(reports[1].already_imported);
  CHECK(reports[0].replaced_sets == 0);
  CHECK(test::file_sha256(db) == after_parts);
  CHECK(store->sets().size() == 4);
}

TEST_CASE("lookups by SHA-1, SHA-256 and PDQ, with details") {
  test::TempDir dir;
  const auto file = dir / "v.json";
  test::write_text(file, R"({"@odata.context": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Media",
    "value": [{"MediaID": 7, "Category": 2, "SHA1": ")" + test::synthetic_hex(40, 1) + R"(",
      "AlternativeHashes": [{"HashName": "SHA-256", "HashValue": ")" + test::synthetic_hex(64, 2) + R"("},
                            {"HashName": "PDQ Hash", "HashValue": ")" + test::synthetic_hex(64, 3) + R"("}],
      "OffenderIdentified": "true", "MediaSize": 42}]})");
  auto store = HashSetStore::open_or_create(dir / "h.db");
  store->import_files({file}, {});
  CHECK(store->lookup(test::synthetic_hex(40, 1)).size() == 1);
  CHECK(store->lookup(test::synthetic_hex(64, 2)).size() == 1);
  const auto by_pdq = store->lookup_detailed(test::synthetic_hex(64, 3));
  REQUIRE(by_pdq.size() == 1);
  CHECK(by_pdq[0].first.media_id == "7");
  CHECK(by_pdq[0].first.category == "2");
  CHECK(by_pdq[0].second.offender_identified == true);
  CHECK_FALSE(by_pdq[0].second.victim_identified);
  CHECK(by_pdq[0].second.size == 42u);
}

TEST_CASE("a failed import leaves an existing store byte-identical, whichever file of several fails") {
  test::TempDir dir;
  const auto db = dir / "HASHSET.db";
  const auto good = write_list(dir, "good.txt", 0, 5);
  {
    auto store = HashSetStore::open_or_create(db);
    store->import_files({good}, {});
  }
  const std::string before = test::file_sha256(db);
  const auto good2 = write_list(dir, "good2.txt", 50, 5);
  const auto truncated = dir / "truncated.json";
  test::write_text(truncated, R"({"odata.metadata": "http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml#Media", "value": [{"MD5": "0)");
  const auto all_bad = dir / "all-bad.txt";
  test::write_text(all_bad, "abcdef\n0123\n");
  const auto mixed = dir / "mixed.txt";
  test::write_text(mixed, test::synthetic_hex(32, 77) + "\nabcdef\n");
  {
    auto store = HashSetStore::open_or_create(db);
    CHECK_THROWS_WITH_AS(store->import_files({good2, truncated}, {}), doctest::Contains("truncated JSON"), ImportError);
    ImportOptions as_list;
    as_list.format = "list";
    CHECK_THROWS_WITH_AS(store->import_files({good2, all_bad}, as_list), doctest::Contains("no valid record"), ImportError);
    ImportOptions strict;
    strict.strict = true;
    CHECK_THROWS_WITH_AS(store->import_files({mixed}, strict), doctest::Contains("line 2 (byte 33)"), ImportError);
    CHECK(store->sets().size() == 1);
  }
  CHECK(test::file_sha256(db) == before);
  CHECK_FALSE(fs::exists(dir / "HASHSET.db-journal"));
}

TEST_CASE("an import ended by a stop request (SIGINT, SIGTERM) stores nothing: the store is byte-identical") {
  test::TempDir dir;
  const auto db = dir / "HASHSET.db";
  {
    auto store = HashSetStore::open_or_create(db);
    store->import_files({write_list(dir, "good.txt", 0, 5)}, {});
  }
  const std::string before = test::file_sha256(db);
  const auto big = write_list(dir, "big.txt", 100, 20'000);  // the check comes every 4,096 records
  std::atomic<bool> stop{true};
  ImportOptions options;
  options.stop = StopToken(stop);
  {
    auto store = HashSetStore::open_or_create(db);
    CHECK_THROWS_AS(store->import_files({big}, options), Interrupted);
    CHECK(store->sets().size() == 1);
  }
  CHECK(test::file_sha256(db) == before);
  CHECK_FALSE(fs::exists(dir / "HASHSET.db-journal"));
  stop = false;  // the same import, not stopped, goes through
  auto store = HashSetStore::open_or_create(db);
  CHECK(store->import_files({big}, options).at(0).set.record_count == 20'000);
}

TEST_CASE("a store left with a hot journal (writer killed mid-import) reads as it was before the import") {
  test::TempDir dir;
  const auto db = dir / "HASHSET.db";
  {
    auto store = HashSetStore::open_or_create(db);
    store->import_files({write_list(dir, "good.txt", 0, 5)}, {});
  }
  const std::string before = test::file_sha256(db);
  // A writer in the middle of a large transaction, its pages spilled to the file: the files as a
  // kill would leave them are copied aside while the transaction is open.
  const auto crashed = dir / "crashed.db";
  {
    sqlite3* writer = nullptr;
    REQUIRE(sqlite3_open(db.c_str(), &writer) == SQLITE_OK);
    REQUIRE(sqlite3_exec(writer, "PRAGMA cache_size = 10; BEGIN; CREATE TABLE filler(x BLOB);", nullptr, nullptr,
                         nullptr) == SQLITE_OK);
    for (int i = 0; i < 200; ++i)
      REQUIRE(sqlite3_exec(writer, "INSERT INTO filler VALUES (randomblob(4000))", nullptr, nullptr, nullptr) ==
              SQLITE_OK);
    fs::copy_file(db, crashed);
    fs::copy_file(dir / "HASHSET.db-journal", dir / "crashed.db-journal");
    sqlite3_exec(writer, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(writer);
  }
  REQUIRE(test::file_sha256(crashed) != before);  // the file itself holds the spilled pages
  auto store = HashSetStore::open_read_only(crashed);
  CHECK(store->sets().size() == 1);
  CHECK(total_records(*store) == 5);
  CHECK(HashSetStore::is_hashset_store(crashed));
  store.reset();
  CHECK(test::file_sha256(crashed) == before);
  CHECK_FALSE(fs::exists(dir / "crashed.db-journal"));
}

TEST_CASE("digest blocks: every digest is found across block boundaries, duplicates whole, per set") {
  test::TempDir dir;
  // 9,000 records (more than two blocks of 4,096): each MD5 three times at the ends of blocks
  // would be split if runs were not kept whole; some records with SHA-1 too.
  std::string text;
  for (int i = 0; i < 9000; ++i) {
    const int seed = i % 3000;  // every MD5 three times
    text += test::synthetic_hex(32, seed) + "  file" + std::to_string(i) + "\n";
  }
  const auto file = dir / "big.md5";
  test::write_text(file, text);
  const auto second = write_list(dir, "second.txt", 2990, 20);  // overlaps the first set
  auto store = HashSetStore::open_or_create(dir / "h.db");
  store->import_files({file, second}, {});
  const auto sets = store->sets();
  REQUIRE(sets.size() == 2);
  CHECK(sets[0].md5_count == 9000);
  CHECK(sets[0].sha1_count == 0);
  CHECK(sets[1].md5_count == 20);
  for (int seed = 0; seed < 3000; ++seed) {
    const auto found = store->lookup(test::synthetic_hex(32, seed));
    REQUIRE(found.size() == (seed >= 2990 ? 4u : 3u));
    CHECK(found[0].set_id == sets[0].id);
    if (seed >= 2990) CHECK(found[3].set_id == sets[1].id);
  }
  CHECK(store->lookup(test::synthetic_hex(32, 3005)).size() == 1);
  CHECK(store->lookup(test::synthetic_hex(32, 3010)).empty());
  // The blocks hand over every entry, sorted by (digest, ordinal), ordinals within the set.
  std::vector<std::string> digests;
  std::uint32_t max_ordinal = 0;
  store->for_each_digest_block(sets[0].id, StoredDigest::md5, [&](std::span<const std::uint8_t> entries, std::size_t count) {
    REQUIRE(entries.size() == count * 20);
    for (std::size_t i = 0; i < count; ++i) {
      digests.emplace_back(reinterpret_cast<const char*>(entries.data() + i * 20), 16);
      std::uint32_t ordinal;
      std::memcpy(&ordinal, entries.data() + i * 20 + 16, 4);
      max_ordinal = std::max(max_ordinal, ordinal);
    }
  });
  CHECK(digests.size() == 9000);
  CHECK(std::is_sorted(digests.begin(), digests.end()));
  CHECK(max_ordinal == 8999);
  std::string media_id, category;
  store->record_label(sets[0].id, 5, media_id, category);
  CHECK(media_id.empty());
  CHECK(category.empty());
}

TEST_CASE("for_each_pdq_record streams only records with a PDQ hash") {
  test::TempDir dir;
  std::string media;
  for (int i = 0; i < 40; ++i) {
    if (!media.empty()) media += ",";
    media += R"({"MediaID": )" + std::to_string(i) + R"(, "Category": 1, "MD5": ")" + test::synthetic_hex(32, i) + "\"";
    if (i % 10 == 3)
      media += R"(, "AlternativeHashes": [{"HashName": "PDQ", "HashValue": ")" + test::synthetic_hex(64, i) + R"("}])";
    media += "}";
  }
  const auto file = dir / "v.json";
  test::write_text(file, R"({"@odata.context": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/UK/$metadata#Media", "value": [)" + media + "]}");
  auto store = HashSetStore::open_or_create(dir / "h.db");
  store->import_files({file, write_list(dir, "plain.txt", 100, 5)}, {});
  std::vector<std::string> seen;
  store->for_each_pdq_record([&](const HashSetRecord& r) {
    CHECK(r.pdq.size() == 64);
    CHECK(r.category == "1");
    seen.push_back(r.media_id);
  });
  CHECK(seen == std::vector<std::string>{"3", "13", "23", "33"});
  CHECK(store->sets()[0].pdq_count == 4);
  CHECK(store->sets()[1].pdq_count == 0);
}

TEST_CASE("the source SHA-256 is recorded whether it is computed before or during the import") {
  test::TempDir dir;
  const auto file = write_list(dir, "list.txt", 0, 300);
  auto store = HashSetStore::open_or_create(dir / "h.db");
  // New name and size: hashed while importing. The same file twice in one command: hashed first.
  const auto reports = store->import_files({file, file}, {});
  REQUIRE(reports.size() == 2);
  CHECK_FALSE(reports[0].already_imported);
  CHECK(reports[0].set.source_sha256 == test::file_sha256(file));
  CHECK(reports[1].already_imported);
  CHECK(store->import_files({file}, {}).at(0).already_imported);
  ImportOptions other;
  other.name = "other";
  CHECK(store->import_files({file}, other).at(0).set.source_sha256 == test::file_sha256(file));
  CHECK(store->sets().size() == 2);
}

TEST_CASE("record sizes: a set's distinct sizes, sorted; none when a record states none or the store predates them") {
  test::TempDir dir;
  const auto db = dir / "HASHSET.db";
  std::string text = "%%%% HASHDEEP-1.0\n%%%% size,md5,filename\n";
  for (const int size : {300, 10, 300, 70000, 10})  // repeats and out of order
    text += fmt::format("{},{},/x/{}.jpg\n", size, test::synthetic_hex(32, size + static_cast<int>(text.size())), size);
  test::write_text(dir / "sized.txt", text);
  const auto unsized = write_list(dir, "unsized.txt", 0, 3);  // md5sum-style: no sizes
  {
    auto store = HashSetStore::open_or_create(db);
    ImportOptions options;
    (void)store->import_files({dir / "sized.txt"}, options);
    (void)store->import_files({unsized}, options);
  }
  auto store = HashSetStore::open_read_only(db);
  const auto sets = store->sets();
  REQUIRE(sets.size() == 2);
  CHECK(store->exact_record_sizes(sets[0].id) == std::vector<std::uint64_t>{10, 300, 70000});
  CHECK_FALSE(store->exact_record_sizes(sets[1].id));
  CHECK_FALSE(store->exact_record_sizes(999));
  store.reset();

  // A store imported by a triage without set_sizes: its sets' sizes are unknown; an import into
  // it adds the table, for the new set only.
  {
    sqlite::Db raw = sqlite::open(db.string(), SQLITE_OPEN_READWRITE);
    sqlite::exec(raw.get(), "DROP TABLE set_sizes");
  }
  store = HashSetStore::open_read_only(db);
  CHECK_FALSE(store->exact_record_sizes(sets[0].id));
  store.reset();
  test::write_text(dir / "more.txt", "%%%% HASHDEEP-1.0\n%%%% size,md5,filename\n5," + test::synthetic_hex(32, 77) + ",/y\n");
  {
    auto writable = HashSetStore::open_or_create(db);
    (void)writable->import_files({dir / "more.txt"}, ImportOptions{});
  }
  store = HashSetStore::open_read_only(db);
  CHECK_FALSE(store->exact_record_sizes(sets[0].id));
  CHECK(store->exact_record_sizes(store->sets().back().id) == std::vector<std::uint64_t>{5});
}
