#include "formats/labdb/lab_store.h"

#include <fmt/format.h>

#include <map>

namespace triage {
namespace {

constexpr const char* kFormat = "triage-lab/1";

constexpr const char* kSchema = R"sql(
CREATE TABLE lab_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE cases (
  id INTEGER PRIMARY KEY, uid TEXT NOT NULL UNIQUE, case_ref TEXT, exhibit_ref TEXT, examiner TEXT,
  case_dir TEXT NOT NULL, added_utc TEXT NOT NULL, items INTEGER NOT NULL);
CREATE TABLE items (
  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE, seq INTEGER NOT NULL,
  path BLOB NOT NULL, size INTEGER NOT NULL, media_type TEXT NOT NULL,
  md5 TEXT, sha1 TEXT, sha256 TEXT, pdq TEXT, pdq_quality INTEGER,
  category TEXT, basis TEXT, camera_id TEXT, indicator TEXT,
  PRIMARY KEY (case_id, seq)) WITHOUT ROWID;
CREATE TABLE frames (
  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE, seq INTEGER NOT NULL,
  frame INTEGER NOT NULL, pdq TEXT NOT NULL, quality INTEGER NOT NULL);
CREATE INDEX items_md5 ON items(md5) WHERE md5 IS NOT NULL;
CREATE INDEX items_sha1 ON items(sha1) WHERE sha1 IS NOT NULL;
CREATE INDEX items_sha256 ON items(sha256) WHERE sha256 IS NOT NULL;
CREATE INDEX items_camera ON items(camera_id) WHERE camera_id IS NOT NULL;
CREATE INDEX frames_case ON frames(case_id, seq);
)sql";

std::optional<std::string> non_empty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional(s);
}

constexpr const char* kCaseColumns = "c.uid, c.case_ref, c.exhibit_ref, c.examiner, c.case_dir, c.added_utc, c.items";
constexpr const char* kItemColumns =
    "i.seq, i.path, i.size, i.media_type, i.md5, i.sha1, i.sha256, i.pdq, i.pdq_quality, i.category, i.basis, "
    "i.camera_id, i.indicator";

LabCase case_from(const sqlite::Statement& q, int at) {
  LabCase c;
  c.uid = q.text(at);
  c.case_ref = q.optional_text(at + 1).value_or("");
  c.exhibit_ref = q.optional_text(at + 2).value_or("");
  c.examiner = q.optional_text(at + 3).value_or("");
  c.case_dir = q.text(at + 4);
  c.added_utc = q.text(at + 5);
  c.items = static_cast<std::uint64_t>(q.int64(at + 6));
  return c;
}

LabItem item_from(const sqlite::Statement& q, int at) {
  LabItem i;
  i.seq = static_cast<std::uint64_t>(q.int64(at));
  i.path = q.text(at + 1);
  i.size = static_cast<std::uint64_t>(q.int64(at + 2));
  i.media_type = q.text(at + 3);
  i.md5 = q.optional_text(at + 4).value_or("");
  i.sha1 = q.optional_text(at + 5).value_or("");
  i.sha256 = q.optional_text(at + 6).value_or("");
  i.pdq = q.optional_text(at + 7).value_or("");
  if (auto v = q.optional_int64(at + 8)) i.pdq_quality = static_cast<int>(*v);
  i.category = q.optional_text(at + 9).value_or("");
  i.basis = q.optional_text(at + 10).value_or("");
  i.camera_id = q.optional_text(at + 11).value_or("");
  i.indicator = q.optional_text(at + 12).value_or("");
  return i;
}

}  // namespace

std::unique_ptr<SqliteLabStore> SqliteLabStore::open(const std::filesystem::path& file, bool create) {
  const bool exists = std::filesystem::exists(file);
  if (!exists && !create) throw sqlite::Error(fmt::format("no lab database at {}", file.string()));
  sqlite::Db db = sqlite::open(file.string(), SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0));
  if (!sqlite::has_table(db.get(), "lab_info")) {
    sqlite::Statement any(db.get(), "SELECT count(*) FROM sqlite_master");
    if (!any.step()) throw sqlite::SchemaVersionError(fmt::format("{} cannot be read", file.string()));
    if (any.int64(0) != 0)
      throw sqlite::SchemaVersionError(fmt::format("{} is not a triage lab database (no lab_info table)", file.string()));
    sqlite::exec(db.get(), "BEGIN");
    sqlite::exec(db.get(), kSchema);
    sqlite::Statement info(db.get(), "INSERT INTO lab_info(key, value) VALUES ('format', ?)");
    info.bind_text(1, kFormat).run();
    sqlite::exec(db.get(), "COMMIT");
  } else {
    sqlite::Statement format(db.get(), "SELECT value FROM lab_info WHERE key = 'format'");
    const std::string found = format.step() ? format.text(0) : std::string("none");
    if (found != kFormat)
      throw sqlite::SchemaVersionError(
          fmt::format("{} is a lab database of format '{}'; this triage reads '{}'", file.string(), found, kFormat));
  }
  sqlite::exec(db.get(), "PRAGMA foreign_keys = ON");
  sqlite::exec(db.get(), "PRAGMA journal_mode = WAL");
  // A case's rows go into four digest and camera indexes at random places: with the default
  // 2 MB page cache every insert reads index pages back from disk (measured 14,500 items/s).
  sqlite::exec(db.get(), "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY");
  return std::unique_ptr<SqliteLabStore>(new SqliteLabStore(std::move(db)));
}

namespace {

// The rows of one case, inserted inside put_case's transaction.
class InsertRows final : public LabIndex::CaseRows {
 public:
  InsertRows(sqlite3* db, std::int64_t case_id)
      : case_id_(case_id),
        item_(db, "INSERT INTO items(case_id, seq, path, size, media_type, md5, sha1, sha256, pdq, pdq_quality, "
                  "category, basis, camera_id, indicator) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        frame_(db, "INSERT INTO frames(case_id, seq, frame, pdq, quality) VALUES (?, ?, ?, ?, ?)") {}
  void item(const LabItem& i) override {
    item_.bind(1, case_id_)
        .bind(2, static_cast<std::int64_t>(i.seq))
        .bind_blob(3, i.path)
        .bind(4, static_cast<std::int64_t>(i.size))
        .bind_text(5, i.media_type)
        .bind_optional(6, non_empty(i.md5))
        .bind_optional(7, non_empty(i.sha1))
        .bind_optional(8, non_empty(i.sha256))
        .bind_optional(9, non_empty(i.pdq))
        .bind_optional(10, i.pdq_quality)
        .bind_optional(11, non_empty(i.category))
        .bind_optional(12, non_empty(i.basis))
        .bind_optional(13, non_empty(i.camera_id))
        .bind_optional(14, non_empty(i.indicator))
        .run();
    ++items_;
  }
  void frame(const LabFrame& f) override {
    frame_.bind(1, case_id_)
        .bind(2, static_cast<std::int64_t>(f.seq))
        .bind(3, f.frame)
        .bind_text(4, f.pdq)
        .bind(5, static_cast<std::int64_t>(f.quality))
        .run();
  }
  std::uint64_t items() const { return items_; }

 private:
  std::int64_t case_id_;
  sqlite::Statement item_, frame_;
  std::uint64_t items_ = 0;
};

}  // namespace

void SqliteLabStore::put_case(const LabCase& c, const std::function<void(CaseRows&)>& fill) {
  sqlite3* db = db_.get();
  sqlite::exec(db, "BEGIN IMMEDIATE");
  try {
    sqlite::Statement drop(db, "DELETE FROM cases WHERE uid = ?");  // its items and frames go with it
    drop.bind_text(1, c.uid).run();
    sqlite::Statement add(db, "INSERT INTO cases(uid, case_ref, exhibit_ref, examiner, case_dir, added_utc, items) "
                              "VALUES (?, ?, ?, ?, ?, ?, 0)");
    add.bind_text(1, c.uid)
        .bind_optional(2, non_empty(c.case_ref))
        .bind_optional(3, non_empty(c.exhibit_ref))
        .bind_optional(4, non_empty(c.examiner))
        .bind_text(5, c.case_dir)
        .bind_text(6, c.added_utc)
        .run();
    const std::int64_t id = sqlite3_last_insert_rowid(db);
    InsertRows rows(db, id);
    fill(rows);
    sqlite::Statement count(db, "UPDATE cases SET items = ? WHERE id = ?");
    count.bind(1, static_cast<std::int64_t>(rows.items())).bind(2, id).run();
    sqlite::exec(db, "COMMIT");
  } catch (...) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);  // the lab as it was
    throw;
  }
}

std::vector<LabCase> SqliteLabStore::cases() const {
  std::vector<LabCase> out;
  sqlite::Statement q(db_.get(), fmt::format("SELECT {} FROM cases c ORDER BY c.uid", kCaseColumns));
  while (q.step()) out.push_back(case_from(q, 0));
  return out;
}

std::vector<LabHit> SqliteLabStore::hits(const std::string& where, const std::string& value) const {
  std::vector<LabHit> out;
  sqlite::Statement q(db_.get(), fmt::format("SELECT {}, {} FROM items i JOIN cases c ON c.id = i.case_id WHERE {} "
                                             "ORDER BY c.uid, i.seq",
                                             kCaseColumns, kItemColumns, where));
  q.bind_text(1, value);
  while (q.step()) out.push_back({case_from(q, 0), item_from(q, 7), std::nullopt, std::nullopt});
  return out;
}

std::vector<LabHit> SqliteLabStore::find_digest(HashType type, const std::string& hex) const {
  const char* column = type == HashType::md5 ? "i.md5 = ?" : type == HashType::sha1 ? "i.sha1 = ?" : "i.sha256 = ?";
  return hits(column, hex);
}

std::vector<LabHit> SqliteLabStore::find_camera(const std::string& camera_id) const {
  return hits("i.camera_id = ?", camera_id);
}

void SqliteLabStore::for_each_item(const std::function<void(const std::string&, const LabItem&)>& visit) const {
  sqlite::Statement q(db_.get(), fmt::format("SELECT c.uid, {} FROM items i JOIN cases c ON c.id = i.case_id "
                                             "ORDER BY c.uid, i.seq",
                                             kItemColumns));
  while (q.step()) visit(q.text(0), item_from(q, 1));
}

void SqliteLabStore::for_each_frame(const std::function<void(const std::string&, const LabFrame&)>& visit) const {
  sqlite::Statement q(db_.get(), "SELECT c.uid, f.seq, f.frame, f.pdq, f.quality FROM frames f JOIN cases c ON "
                                 "c.id = f.case_id ORDER BY c.uid, f.seq, f.frame");
  while (q.step())
    visit(q.text(0), LabFrame{static_cast<std::uint64_t>(q.int64(1)), q.int64(2), q.text(3), static_cast<int>(q.int64(4))});
}

}  // namespace triage
