#include "formats/devicedb/device_media_reader.h"

#include <sqlite3.h>

#include <cstring>
#include <fmt/format.h>

#include "formats/sqlite/sqlite_handle.h"

namespace triage {
namespace {

bool has_column(sqlite3* db, std::string_view table, std::string_view column) {
  sqlite::Statement q(db, fmt::format("SELECT count(*) FROM pragma_table_info('{}') WHERE name = ?", table));
  q.bind_text(1, column);
  return q.step() && q.int64(0) != 0;
}

Result<std::vector<DeviceMediaRow>> photos_rows(sqlite3* db) {
  const char* assets = sqlite::has_table(db, "ZASSET")          ? "ZASSET"
                       : sqlite::has_table(db, "ZGENERICASSET") ? "ZGENERICASSET"
                                                                : nullptr;
  if (assets == nullptr || !sqlite::has_table(db, "ZADDITIONALASSETATTRIBUTES") ||
      !has_column(db, assets, "ZDIRECTORY") || !has_column(db, assets, "ZFILENAME") ||
      !has_column(db, "ZADDITIONALASSETATTRIBUTES", "ZIMPORTEDBY"))
    return Error{"device_db", "Photos.sqlite without the asset tables read (ZASSET or ZGENERICASSET with ZDIRECTORY "
                              "and ZFILENAME, ZADDITIONALASSETATTRIBUTES.ZIMPORTEDBY)"};
  const bool creator = has_column(db, "ZADDITIONALASSETATTRIBUTES", "ZCREATORBUNDLEID");
  sqlite::Statement q(db, fmt::format("SELECT a.ZDIRECTORY, a.ZFILENAME, x.ZIMPORTEDBY, {} FROM {} a "
                                      "LEFT JOIN ZADDITIONALASSETATTRIBUTES x ON x.ZASSET = a.Z_PK ORDER BY a.Z_PK",
                                      creator ? "x.ZCREATORBUNDLEID" : "NULL", assets));
  std::vector<DeviceMediaRow> rows;
  while (q.step() && rows.size() < kMaxDeviceMediaRows) {
    const auto directory = q.optional_text(0), file = q.optional_text(1);
    if (!directory || !file || file->empty()) continue;
    DeviceMediaRow row;
    row.media_path = directory->empty() ? *file : *directory + "/" + *file;
    if (const auto by = q.optional_int64(2)) row.imported_by = static_cast<int>(*by);
    row.creator_bundle = q.optional_text(3).value_or("");
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<std::vector<DeviceMediaRow>> mediastore_rows(sqlite3* db) {
  if (!sqlite::has_table(db, "files") || !has_column(db, "files", "_data"))
    return Error{"device_db", "external.db without MediaStore's files table (_data)"};
  const bool owner = has_column(db, "files", "owner_package_name");
  sqlite::Statement q(db, fmt::format("SELECT _data, {} FROM files ORDER BY _id", owner ? "owner_package_name" : "NULL"));
  std::vector<DeviceMediaRow> rows;
  while (q.step() && rows.size() < kMaxDeviceMediaRows) {
    const auto data = q.optional_text(0);
    if (!data) continue;
    auto path = mediastore_media_path(*data);
    if (!path) continue;
    DeviceMediaRow row;
    row.media_path = std::move(*path);
    if (owner) row.owner_package = q.optional_text(1);
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

Result<std::vector<DeviceMediaRow>> read_device_media(DeviceDatabase kind, std::span<const std::byte> bytes) {
  // SQLite's file header: 16-byte magic, page size, then the file-format write and read versions
  // (offsets 18 and 19: 2 for WAL), https://www.sqlite.org/fileformat2.html#database_header.
  constexpr char kMagic[] = "SQLite format 3";
  if (bytes.size() < 100 || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    return Error{"device_db", fmt::format("{} is not an SQLite database", to_string(kind))};
  // sqlite3_deserialize takes a buffer from sqlite3_malloc64, which it owns and frees.
  auto* copy = static_cast<unsigned char*>(sqlite3_malloc64(bytes.size()));
  if (copy == nullptr) return Error{"device_db", "no memory for the database copy"};
  std::memcpy(copy, bytes.data(), bytes.size());
  copy[18] = copy[19] = 1;  // a plain rollback-journal file: the in-memory copy has no -wal beside it
  sqlite3* raw = nullptr;
  if (sqlite3_open_v2(":memory:", &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    sqlite3_close_v2(raw);
    sqlite3_free(copy);
    return Error{"device_db", "SQLite cannot open an in-memory database"};
  }
  sqlite::Db db(raw);
  sqlite3_db_config(raw, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(raw, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);  // a hostile schema runs no function
  // A bound on the work one database may cost (a view or index a hostile file defines could make
  // a query endless): SQLite calls this every 10,000 virtual-machine steps; past 2e9 steps it stops.
  int calls = 0;
  sqlite3_progress_handler(raw, 10'000, [](void* counter) { return ++*static_cast<int*>(counter) > 200'000 ? 1 : 0; },
                           &calls);
  const auto size = static_cast<sqlite3_int64>(bytes.size());
  if (sqlite3_deserialize(raw, "main", copy, size, size, SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY) !=
      SQLITE_OK)
    return Error{"device_db", fmt::format("SQLite refused {}: {}", to_string(kind), sqlite3_errmsg(raw))};
  try {
    return kind == DeviceDatabase::photos_sqlite ? photos_rows(raw) : mediastore_rows(raw);
  } catch (const sqlite::Error& e) {
    return Error{"device_db", fmt::format("{} could not be read: {}", to_string(kind), e.what())};
  }
}

}  // namespace triage
