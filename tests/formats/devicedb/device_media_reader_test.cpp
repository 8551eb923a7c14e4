#include "formats/devicedb/device_media_reader.h"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <cstring>

#include "tests/support/test_support.h"

namespace triage {
namespace {

// A fixture's SQL (tests/fixtures/device_media/).
std::string fixture(const char* name) { return test::read_text(test::source_dir() / "tests/fixtures/device_media" / name); }

// The bytes of a database file built from `sql` by SQLite itself, in WAL mode when asked (as
// phones keep Photos.sqlite).
std::vector<std::byte> database_bytes(const std::string& sql, bool wal = false) {
  test::TempDir tmp;
  const auto file = (tmp / "db.sqlite").string();
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
  if (wal) REQUIRE(sqlite3_exec(db, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  if (wal) REQUIRE(sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_close(db) == SQLITE_OK);
  return test::read_bytes(file);
}

}  // namespace

TEST_CASE("Photos.sqlite: assets with who imported them and the creating app, iOS 15+ and iOS 13 layouts") {
  const auto bytes = database_bytes(fixture("photos-ios15.sql"), true);
  REQUIRE(static_cast<int>(bytes[18]) == 2);  // WAL flag set on the file, as on a phone
  const auto rows = read_device_media(DeviceDatabase::photos_sqlite, bytes);
  REQUIRE_MESSAGE(rows.ok(), (rows.ok() ? "" : rows.error().message));
  REQUIRE(rows->size() == 4);
  CHECK(rows.value()[0] == DeviceMediaRow{"DCIM/100APPLE/IMG_0001.JPG", 2, "com.apple.camera", std::nullopt});
  CHECK(rows.value()[1] == DeviceMediaRow{"DCIM/100APPLE/IMG_0002.JPG", 1, "com.apple.camera", std::nullopt});
  CHECK(rows.value()[2] == DeviceMediaRow{"DCIM/100APPLE/IMG_0003.JPG", 3, "net.whatsapp.WhatsApp", std::nullopt});
  CHECK(rows.value()[3] == DeviceMediaRow{"DCIM/100APPLE/IMG_0004.JPG", std::nullopt, "", std::nullopt});

  const auto old = read_device_media(DeviceDatabase::photos_sqlite, database_bytes(fixture("photos-ios13.sql")));
  REQUIRE(old.ok());
  REQUIRE(old->size() == 1);
  CHECK(old.value()[0] == DeviceMediaRow{"DCIM/101APPLE/IMG_0101.HEIC", 2, "", std::nullopt});
}

TEST_CASE("MediaStore external.db: files below the emulated storage with their owner package") {
  const auto rows = read_device_media(DeviceDatabase::mediastore_external, database_bytes(fixture("external-android10.sql")));
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 3);  // the SD card's file is not below /storage/emulated
  CHECK(rows.value()[0] == DeviceMediaRow{"0/Pictures/Edited/b.jpg", std::nullopt, "", "com.sec.android.app.camera"});
  CHECK(rows.value()[1] == DeviceMediaRow{"0/Pictures/Shared/c.jpg", std::nullopt, "", "com.whatsapp"});
  CHECK(rows.value()[2] == DeviceMediaRow{"0/Download/d.jpg", std::nullopt, "", std::nullopt});

  const auto old = read_device_media(DeviceDatabase::mediastore_external, database_bytes(fixture("external-android9.sql")));
  REQUIRE(old.ok());
  REQUIRE(old->size() == 1);
  CHECK(old.value()[0].media_path == "0/DCIM/Camera/f.jpg");
}

TEST_CASE("device databases: another layout, a damaged file and hostile bytes are errors, never a crash") {
  const auto other = read_device_media(DeviceDatabase::photos_sqlite, database_bytes("CREATE TABLE t(x);"));
  REQUIRE_FALSE(other.ok());
  CHECK(other.error().message.find("without the asset tables") != std::string::npos);
  CHECK_FALSE(read_device_media(DeviceDatabase::mediastore_external, database_bytes("CREATE TABLE t(x);")).ok());
  std::vector<std::byte> text(200, std::byte{'x'});
  CHECK(read_device_media(DeviceDatabase::photos_sqlite, text).error().message.find("not an SQLite") != std::string::npos);

  // Every page after the header overwritten: SQLite reports the damage, as an error.
  auto damaged = database_bytes(fixture("photos-ios15.sql"));
  for (std::size_t i = 100; i < damaged.size(); ++i) damaged[i] = std::byte{0xA5};
  CHECK_FALSE(read_device_media(DeviceDatabase::photos_sqlite, damaged).ok());

  // Mutated copies: any outcome but a crash or a hang.
  const auto good = database_bytes(fixture("external-android10.sql"));
  std::uint32_t seed = 12345;
  for (int round = 0; round < 300; ++round) {
    auto bytes = good;
    for (int flips = 0; flips < 8; ++flips) {
      seed = seed * 1664525u + 1013904223u;
      bytes[seed % bytes.size()] = static_cast<std::byte>(seed >> 24);
    }
    (void)read_device_media(DeviceDatabase::mediastore_external, bytes);
  }
}

}  // namespace triage
