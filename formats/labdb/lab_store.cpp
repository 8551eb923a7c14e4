#include "formats/labdb/lab_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <tuple>
#include <utility>
#include <vector>

#include "core/text/hex.h"

namespace triage {
namespace {

constexpr const char* kFormat = "triage-lab/1";

// Items are rows with a rowid given in the order they are added (appended: a WITHOUT ROWID table
// keyed by case and seq took 2.8 s a million rows here, rowids 1.0 s). Digests are stored as
// bytes; every MD5, SHA-1 and SHA-256 of the lab is also a key of one `digests` table (lengths
// tell the kinds apart), every camera id one of `cameras`; put_case fills both in key order.
// Indexes on items instead meant a million keys inserted at random places in each: most of
// `lab add` (35,000 items/s here against 100,000 wanted).
constexpr const char* kSchema = R"sql(
CREATE TABLE lab_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE cases (
  id INTEGER PRIMARY KEY, uid TEXT NOT NULL UNIQUE, case_ref TEXT, exhibit_ref TEXT, examiner TEXT,
  case_dir TEXT NOT NULL, added_utc TEXT NOT NULL, items INTEGER NOT NULL);
CREATE TABLE items (
  id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE, seq INTEGER NOT NULL,
  path BLOB NOT NULL, size INTEGER NOT NULL, media_type TEXT NOT NULL,
  md5 BLOB, sha1 BLOB, sha256 BLOB, pdq TEXT, pdq_quality INTEGER,
  category TEXT, basis TEXT, camera_id TEXT, indicator TEXT);
CREATE TABLE digests (
  digest BLOB NOT NULL, item_id INTEGER NOT NULL, PRIMARY KEY (digest, item_id)) WITHOUT ROWID;
CREATE TABLE cameras (
  camera_id TEXT NOT NULL, item_id INTEGER NOT NULL, PRIMARY KEY (camera_id, item_id)) WITHOUT ROWID;
CREATE TABLE frames (
  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE, seq INTEGER NOT NULL,
  frame INTEGER NOT NULL, pdq TEXT NOT NULL, quality INTEGER NOT NULL);
CREATE INDEX items_case ON items(case_id, seq);
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
  i.md5 = to_hex(q.blob(at + 4));
  i.sha1 = to_hex(q.blob(at + 5));
  i.sha256 = to_hex(q.blob(at + 6));
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
  sqlite::exec(db.get(), "PRAGMA journal_mode = WAL");  // searches go on while a case is added
  // A large lab's digests go in at many places of the digests table: its pages stay cached.
  sqlite::exec(db.get(), "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY");
  return std::unique_ptr<SqliteLabStore>(new SqliteLabStore(std::move(db)));
}

namespace {

// A digest's bytes (16, 20 or 32) and the item that has it; ordered as SQLite orders BLOBs.
struct DigestKey {
  std::array<std::uint8_t, 32> bytes{};
  std::uint8_t length = 0;
  std::int64_t item_id = 0;
  std::span<const std::uint8_t> blob() const { return {bytes.data(), length}; }
  friend bool operator<(const DigestKey& a, const DigestKey& b) {
    const int c = std::memcmp(a.bytes.data(), b.bytes.data(), std::min(a.length, b.length));
    if (c != 0) return c < 0;
    return std::tie(a.length, a.item_id) < std::tie(b.length, b.item_id);
  }
};

// INSERTs of many rows per statement (a row alone is mostly the statement's own cost): the
// statement for a full batch is prepared once, one for a shorter last batch when it comes.
class BatchInsert {
 public:
  BatchInsert(sqlite3* db, std::string into, int columns, std::size_t batch)
      : db_(db), into_(std::move(into)), columns_(columns), batch_(batch) {}
  std::size_t batch() const { return batch_; }
  // A statement inserting `rows` (1 to batch()) rows: row r's values from parameter
  // r * columns + 1. Valid until the next call.
  sqlite::Statement& rows(std::size_t rows) {
    if (rows == batch_) {
      if (!full_) full_ = std::make_unique<sqlite::Statement>(db_, sql(rows));
      return *full_;
    }
    tail_ = std::make_unique<sqlite::Statement>(db_, sql(rows));
    return *tail_;
  }

 private:
  std::string sql(std::size_t rows) const {
    std::string row = "(?";
    for (int c = 1; c < columns_; ++c) row += ", ?";
    row += ')';
    std::string out = "INSERT INTO " + into_ + " VALUES " + row;
    for (std::size_t r = 1; r < rows; ++r) out += ", " + row;
    return out;
  }
  sqlite3* db_;
  std::string into_;
  int columns_;
  std::size_t batch_;
  std::unique_ptr<sqlite::Statement> full_, tail_;
};

// Inserts n rows of two columns into `into` (table and columns), 256 per statement;
// bind(q, at, i) binds row i's two values from parameter `at`.
template <typename Bind>
void insert_pairs(sqlite3* db, const char* into, std::size_t n, Bind bind) {
  BatchInsert insert(db, into, 2, 256);
  for (std::size_t first = 0; first < n; first += insert.batch()) {
    const std::size_t rows = std::min(insert.batch(), n - first);
    sqlite::Statement& q = insert.rows(rows);
    for (std::size_t r = 0; r < rows; ++r) bind(q, static_cast<int>(2 * r + 1), first + r);
    q.run();
  }
}

// The rows of one case, inserted inside put_case's transaction: items and frames as they come,
// the digest keys once all are known, sorted.
class InsertRows final : public LabIndex::CaseRows {
 public:
  InsertRows(sqlite3* db, std::int64_t case_id)
      : db_(db),
        case_id_(case_id),
        insert_items_(db, "items(id, case_id, seq, path, size, media_type, md5, sha1, sha256, pdq, pdq_quality, "
                          "category, basis, camera_id, indicator)",
                      kItemColumns, 32),
        frame_(db, "INSERT INTO frames(case_id, seq, frame, pdq, quality) VALUES (?, ?, ?, ?, ?)") {
    sqlite::Statement last(db, "SELECT max(id) FROM items");
    next_id_ = last.step() && !last.is_null(0) ? last.int64(0) + 1 : 1;
  }
  void item(const LabItem& i) override {
    pending_.push_back(i);
    if (pending_.size() == insert_items_.batch()) insert_pending();
  }
  void frame(const LabFrame& f) override {
    frame_.bind(1, case_id_)
        .bind(2, static_cast<std::int64_t>(f.seq))
        .bind(3, f.frame)
        .bind_text(4, f.pdq)
        .bind(5, static_cast<std::int64_t>(f.quality))
        .run();
  }
  // The digest keys in key order: a new lab's table is written from its first page to its last,
  // a larger one page by page in one pass.
  void finish() {
    insert_pending();
    std::sort(keys_.begin(), keys_.end());
    insert_pairs(db_, "digests(digest, item_id)", keys_.size(), [&](sqlite::Statement& q, int at, std::size_t i) {
      q.bind_blob_view(at, keys_[i].blob()).bind(at + 1, keys_[i].item_id);
    });
    std::vector<std::pair<const std::string*, std::int64_t>> cameras;
    for (const auto& [camera_id, ids] : cameras_)  // (std::map: in SQLite's order of TEXT, bytewise)
      for (const std::int64_t id : ids) cameras.emplace_back(&camera_id, id);
    insert_pairs(db_, "cameras(camera_id, item_id)", cameras.size(), [&](sqlite::Statement& q, int at, std::size_t i) {
      q.bind_text(at, *cameras[i].first).bind(at + 1, cameras[i].second);
    });
  }
  std::uint64_t items() const { return items_; }

 private:
  static constexpr int kItemColumns = 15;

  // The items received since the last batch, inserted by one statement.
  void insert_pending() {
    if (pending_.empty()) return;
    sqlite::Statement& q = insert_items_.rows(pending_.size());
    int at = 1;
    for (const LabItem& i : pending_) {
      const std::int64_t id = next_id_++;
      q.bind(at, id)
          .bind(at + 1, case_id_)
          .bind(at + 2, static_cast<std::int64_t>(i.seq))
          .bind_blob(at + 3, i.path)
          .bind(at + 4, static_cast<std::int64_t>(i.size))
          .bind_text(at + 5, i.media_type);
      bind_digest(q, at + 6, id, i.md5, 16);
      bind_digest(q, at + 7, id, i.sha1, 20);
      bind_digest(q, at + 8, id, i.sha256, 32);
      bind_text_or_null(q, at + 9, i.pdq);
      q.bind_optional(at + 10, i.pdq_quality);
      bind_text_or_null(q, at + 11, i.category);
      bind_text_or_null(q, at + 12, i.basis);
      bind_text_or_null(q, at + 13, i.camera_id);
      bind_text_or_null(q, at + 14, i.indicator);
      if (!i.camera_id.empty()) cameras_[i.camera_id].push_back(id);
      at += kItemColumns;
    }
    q.run();
    items_ += pending_.size();
    pending_.clear();
  }
  // NULL for an empty text (no copy made: a million items bind six texts each).
  static void bind_text_or_null(sqlite::Statement& q, int column, const std::string& text) {
    if (text.empty()) q.bind_null(column);
    else q.bind_text(column, text);
  }
  // A digest column: its bytes, or NULL when the item has none; anything but `length` bytes of
  // lower-case hex is a damaged case.
  void bind_digest(sqlite::Statement& q, int column, std::int64_t id, const std::string& hex, std::uint8_t length) {
    if (hex.empty()) {
      q.bind_null(column);
      return;
    }
    DigestKey& k = keys_.emplace_back();
    k.length = length;
    k.item_id = id;
    if (hex.size() != 2U * length || !parse_hex_into(hex, std::span(k.bytes.data(), length)))
      throw std::runtime_error(fmt::format("an item's digest '{}' is not {} bytes of hex", hex, length));
    // (copied: the next digest's key may move this one)
    q.bind_blob(column, std::string_view(reinterpret_cast<const char*>(k.bytes.data()), length));
  }

  sqlite3* db_;
  std::int64_t case_id_;
  BatchInsert insert_items_;  // 32 items per statement
  sqlite::Statement frame_;
  std::vector<LabItem> pending_;
  std::int64_t next_id_ = 1;
  std::vector<DigestKey> keys_;
  std::map<std::string, std::vector<std::int64_t>> cameras_;  // camera id -> item ids, ascending
  std::uint64_t items_ = 0;
};

}  // namespace

void SqliteLabStore::put_case(const LabCase& c, const std::function<void(CaseRows&)>& fill) {
  sqlite3* db = db_.get();
  sqlite::exec(db, "BEGIN IMMEDIATE");
  try {
    // The case replaced: its keys first, then its row, which takes its items and frames with it.
    // A case's items hold consecutive ids (put_case appends them all in one transaction), so its
    // keys are those of an id range: one pass over each key table (naming every key of a million
    // items instead took 37 s).
    const auto ids = [&]() -> std::optional<std::pair<std::int64_t, std::int64_t>> {
      sqlite::Statement range(db, "SELECT min(i.id), max(i.id) FROM items i JOIN cases c ON c.id = i.case_id "
                                  "WHERE c.uid = ?");
      range.bind_text(1, c.uid);
      if (!range.step() || range.is_null(0)) return std::nullopt;
      return std::pair(range.int64(0), range.int64(1));
    }();
    if (ids) {
      const auto [first, last] = *ids;
      for (const char* table : {"digests", "cameras"}) {
        sqlite::Statement drop_keys(db, fmt::format("DELETE FROM {} WHERE item_id BETWEEN ? AND ?", table));
        drop_keys.bind(1, first).bind(2, last).run();
      }
    }
    sqlite::Statement drop(db, "DELETE FROM cases WHERE uid = ?");
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
    rows.finish();
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

std::vector<LabHit> SqliteLabStore::hits(const char* key_table, const char* key_column,
                                         const std::function<void(sqlite::Statement&)>& bind_key) const {
  std::vector<LabHit> out;
  sqlite::Statement q(db_.get(), fmt::format("SELECT {}, {} FROM {} k JOIN items i ON i.id = k.item_id "
                                             "JOIN cases c ON c.id = i.case_id WHERE k.{} = ? "
                                             "ORDER BY c.uid, i.seq",
                                             kCaseColumns, kItemColumns, key_table, key_column));
  bind_key(q);
  while (q.step()) out.push_back({case_from(q, 0), item_from(q, 7), std::nullopt, std::nullopt});
  return out;
}

std::vector<LabHit> SqliteLabStore::find_digest(HashType type, const std::string& hex) const {
  const std::size_t length = type == HashType::md5 ? 16 : type == HashType::sha1 ? 20 : 32;
  std::array<std::uint8_t, 32> bytes{};
  if (hex.size() != 2 * length || !parse_hex_into(hex, std::span(bytes.data(), length))) return {};
  return hits("digests", "digest", [&](sqlite::Statement& q) {
    q.bind_blob_view(1, std::span<const std::uint8_t>(bytes.data(), length));
  });
}

std::optional<LabHit> SqliteLabStore::find_item(const std::string& uid, std::uint64_t seq) const {
  sqlite::Statement q(db_.get(), fmt::format("SELECT {}, {} FROM items i JOIN cases c ON c.id = i.case_id "
                                             "WHERE c.uid = ? AND i.seq = ?",
                                             kCaseColumns, kItemColumns));
  q.bind_text(1, uid).bind(2, static_cast<std::int64_t>(seq));
  if (!q.step()) return std::nullopt;
  return LabHit{case_from(q, 0), item_from(q, 7), std::nullopt, std::nullopt};
}

std::vector<LabHit> SqliteLabStore::find_camera(const std::string& camera_id) const {
  return hits("cameras", "camera_id", [&](sqlite::Statement& q) { q.bind_text(1, camera_id); });
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
