#include "formats/casedb/case_schema.h"

#include <fmt/format.h>

#include <span>
#include <string>
#include <utility>

#include "triage/version.h"

namespace triage {
namespace {

constexpr std::pair<const char*, const char*> kProvenanceColumns[] = {
    {"prov_origin", "TEXT"},  {"prov_app", "TEXT"},        {"prov_rule", "TEXT"},     {"camera_id", "TEXT"},
    {"own_camera", "INTEGER"}, {"front_camera", "INTEGER"}, {"exif_stripped", "INTEGER"}, {"faces", "INTEGER"},
    {"largest_face", "REAL"}, {"origin_indicator", "TEXT"}, {"prov_signals", "TEXT"}};

// Near-duplicate clusters (core/cluster): the mirror image's PDQ hash, and each item's cluster.
constexpr std::pair<const char*, const char*> kClusterColumns[] = {
    {"pdq_mirror", "TEXT"}, {"cluster", "TEXT"}, {"cluster_size", "INTEGER"}};

// The origin rules a run used (formats/rules): the built-in set's text and an examiner's file's.
constexpr const char* kOriginRulesTable =
    "CREATE TABLE IF NOT EXISTS origin_rules (run_id INTEGER NOT NULL REFERENCES runs(id), name TEXT NOT NULL, "
    "json TEXT NOT NULL)";

// The rows of the device media databases the walk read (core/provenance/device_media.h).
constexpr const char* kDeviceMediaTable =
    "CREATE TABLE IF NOT EXISTS device_media (db_item_id INTEGER NOT NULL, source_index INTEGER NOT NULL, "
    "kind TEXT NOT NULL, media_root TEXT NOT NULL, media_path TEXT NOT NULL, imported_by INTEGER, "
    "creator_bundle TEXT, owner_package TEXT)";

// Where each walk position lies (core/item.h, WalkKey): a prioritised scan examines positions
// out of walk order, and puts its items back in it (CaseStore::restore_walk_order) by these; a
// resumed scan recognises what was committed by them. seq is items.id or a walk problem's
// errors.seq.
constexpr const char* kWalkPositionsTable =
    "CREATE TABLE IF NOT EXISTS walk_positions (seq INTEGER PRIMARY KEY, source_index INTEGER NOT NULL, "
    "walk_top INTEGER NOT NULL, walk_sub INTEGER NOT NULL)";

// Schema version 3. Paths are BLOBs: evidence names are bytes, not necessarily UTF-8.
constexpr const char* kSchema = R"sql(
CREATE TABLE db_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE case_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  started_utc TEXT NOT NULL, ended_utc TEXT, status TEXT NOT NULL,
  command_line TEXT NOT NULL, options TEXT NOT NULL, jobs INTEGER NOT NULL,
  tool_version TEXT NOT NULL, git_commit TEXT NOT NULL, libraries TEXT, first_alert_s REAL);
CREATE TABLE sources (
  id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id),
  source_index INTEGER NOT NULL, path BLOB NOT NULL, kind TEXT NOT NULL,
  image_format TEXT, segments TEXT, media_size INTEGER,
  md5 TEXT, sha1 TEXT, sha256 TEXT, ewf_stored_md5 TEXT,
  verified_md5 TEXT, verified_sha1 TEXT, verified_sha256 TEXT,
  integrity TEXT NOT NULL DEFAULT 'not_applicable', integrity_note TEXT, media_read TEXT);
CREATE TABLE items (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id),
  source_index INTEGER NOT NULL,
  parent_id INTEGER REFERENCES items(id),
  path BLOB NOT NULL, size INTEGER NOT NULL, inode INTEGER,
  mtime_ns INTEGER, atime_ns INTEGER, ctime_ns INTEGER, btime_ns INTEGER,
  deleted INTEGER NOT NULL,
  media_type TEXT NOT NULL, mime TEXT NOT NULL, extension_mismatch INTEGER NOT NULL,
  md5 TEXT, sha1 TEXT, sha256 TEXT,
  exif_make TEXT, exif_model TEXT, exif_serial TEXT, exif_lens_model TEXT, exif_software TEXT,
  exif_datetime_original TEXT, exif_offset_time_original TEXT, exif_datetime_digitized TEXT,
  exif_orientation INTEGER, exif_gps_lat REAL, exif_gps_lon REAL, exif_gps_alt REAL,
  exif_gps_datetime TEXT, width INTEGER, height INTEGER,
  pdq TEXT, pdq_quality INTEGER,
  category TEXT, category_code TEXT, category_severity INTEGER, category_reason TEXT,
  category_conflict INTEGER, known_good INTEGER NOT NULL DEFAULT 0, category_probable INTEGER,
  fs_address TEXT, orphan INTEGER NOT NULL DEFAULT 0, reallocated INTEGER NOT NULL DEFAULT 0,
  fn_mtime_ns INTEGER, fn_atime_ns INTEGER, fn_ctime_ns INTEGER, fn_btime_ns INTEGER, overwritten TEXT,
  device_path TEXT,
  prov_origin TEXT, prov_app TEXT, prov_rule TEXT, camera_id TEXT, own_camera INTEGER, front_camera INTEGER,
  exif_stripped INTEGER, faces INTEGER, largest_face REAL, origin_indicator TEXT, prov_signals TEXT,
  pdq_mirror TEXT, cluster TEXT, cluster_size INTEGER);
CREATE INDEX items_md5 ON items(md5);
CREATE INDEX items_sha1 ON items(sha1);
CREATE INDEX items_sha256 ON items(sha256);
CREATE TABLE hash_sets (
  id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id),
  name TEXT NOT NULL, role TEXT NOT NULL, format TEXT NOT NULL, version TEXT NOT NULL,
  source_file TEXT NOT NULL, source_sha256 TEXT NOT NULL, record_count INTEGER NOT NULL,
  imported_utc TEXT NOT NULL);
CREATE TABLE profiles (
  run_id INTEGER NOT NULL REFERENCES runs(id), name TEXT NOT NULL, json TEXT NOT NULL);
CREATE TABLE matches (
  id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL REFERENCES items(id),
  set_name TEXT NOT NULL, role TEXT NOT NULL, hash_type TEXT NOT NULL,
  media_id TEXT NOT NULL, category TEXT NOT NULL,
  distance INTEGER, variant TEXT, quality INTEGER,
  frame INTEGER, timestamp REAL, seized_percent REAL, known_percent REAL);
CREATE INDEX matches_item ON matches(item_id);
CREATE TABLE videos (
  item_id INTEGER PRIMARY KEY REFERENCES items(id),
  container TEXT NOT NULL, codec TEXT NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL,
  frame_rate REAL NOT NULL, duration REAL, frame_count INTEGER, creation_time TEXT,
  rotation INTEGER NOT NULL, frames_decoded INTEGER NOT NULL, sample_fps REAL NOT NULL);
CREATE TABLE frames (
  id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL REFERENCES items(id),
  frame INTEGER NOT NULL, timestamp REAL NOT NULL, pdq TEXT NOT NULL, pdq_quality INTEGER NOT NULL);
CREATE INDEX frames_item ON frames(item_id);
CREATE TABLE resumes (
  id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id),
  resumed_utc TEXT NOT NULL, command_line TEXT NOT NULL, jobs INTEGER NOT NULL,
  tool_version TEXT NOT NULL, git_commit TEXT NOT NULL, committed_positions INTEGER NOT NULL);
CREATE TABLE errors (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id),
  seq INTEGER NOT NULL,
  item_id INTEGER REFERENCES items(id),
  source_index INTEGER NOT NULL,
  path BLOB NOT NULL, stage TEXT NOT NULL, message TEXT NOT NULL,
  is_error INTEGER NOT NULL);
CREATE INDEX errors_item ON errors(item_id);
)sql";

}  // namespace

void create_case_schema(sqlite3* db) {
  sqlite::exec(db, kSchema);
  sqlite::exec(db, kOriginRulesTable);
  sqlite::exec(db, kDeviceMediaTable);
  sqlite::exec(db, kWalkPositionsTable);
  sqlite::Statement info(db, "INSERT INTO db_info(key, value) VALUES (?, ?)");
  info.bind_text(1, "schema_version").bind_text(2, std::to_string(kCaseSchemaVersion)).run();
  info.bind_text(1, "created_by").bind_text(2, fmt::format("{} {}", kToolName, kToolVersion)).run();
}

bool check_case_schema(sqlite3* db) {
  if (!sqlite::has_table(db, "db_info")) {
    sqlite::Statement any(db, "SELECT count(*) FROM sqlite_master");
    if (any.step() && any.int64(0) == 0) return false;
  } else {
    sqlite::Statement version(db, "SELECT value FROM db_info WHERE key='schema_version'");
    if (version.step() && version.text(0) == std::to_string(kCaseSchemaVersion)) return true;
  }
  throw sqlite::SchemaVersionError("not a triage case database of schema version " + std::to_string(kCaseSchemaVersion));
}

bool is_provenance_column(std::string_view name) {
  for (const auto& [column, type] : kProvenanceColumns)
    if (name == column) return true;
  return false;
}

bool has_column(sqlite3* db, std::string_view table, std::string_view column) {
  sqlite::Statement q(db, fmt::format("SELECT count(*) FROM pragma_table_info('{}') WHERE name = ?", table));
  q.bind_text(1, column);
  return q.step() && q.int64(0) != 0;
}

void upgrade_case_schema(sqlite3* db) {
  // The libraries of each run (a case made before they were recorded reads them as none).
  if (!has_column(db, "runs", "libraries")) sqlite::exec(db, "ALTER TABLE runs ADD COLUMN libraries TEXT");
  if (!has_column(db, "sources", "media_read")) sqlite::exec(db, "ALTER TABLE sources ADD COLUMN media_read TEXT");
  if (!has_column(db, "runs", "first_alert_s")) sqlite::exec(db, "ALTER TABLE runs ADD COLUMN first_alert_s REAL");
  // Paths on the device of a phone extraction's members (a case made before them has none).
  if (!has_column(db, "items", "device_path")) sqlite::exec(db, "ALTER TABLE items ADD COLUMN device_path TEXT");
  // Provenance of still images and videos (a case made before it has none), and the origin rules
  // each run used.
  using Columns = std::span<const std::pair<const char*, const char*>>;
  for (const Columns columns : {Columns(kProvenanceColumns), Columns(kClusterColumns)})
    for (const auto& [column, type] : columns)
      if (!has_column(db, "items", column))
        sqlite::exec(db, fmt::format("ALTER TABLE items ADD COLUMN {} {}", column, type).c_str());
  sqlite::exec(db, kOriginRulesTable);
  sqlite::exec(db, kDeviceMediaTable);
  sqlite::exec(db, kWalkPositionsTable);
  // Reading an item looks up its problems: without this index (a case made before it was added
  // to the schema) every item's read scans the whole errors table.
  sqlite::exec(db, "CREATE INDEX IF NOT EXISTS errors_item ON errors(item_id)");
  // The resumes table came after schema 2's first cases.
  sqlite::exec(db,
               "CREATE TABLE IF NOT EXISTS resumes (id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES "
               "runs(id), resumed_utc TEXT NOT NULL, command_line TEXT NOT NULL, jobs INTEGER NOT NULL, "
               "tool_version TEXT NOT NULL, git_commit TEXT NOT NULL, committed_positions INTEGER NOT NULL)");
}

}  // namespace triage
