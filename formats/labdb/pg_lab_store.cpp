#include "formats/labdb/pg_lab_store.h"

#include <fmt/format.h>

#include <charconv>

#include "formats/labdb/pg_handle.h"

namespace triage {
namespace {

constexpr const char* kFormat = "triage-lab/1";

// lab_store.cpp's schema in PostgreSQL's types. Text that is ordered or looked up byte for byte
// is COLLATE "C": the SQLite store's order, and index comparisons that are memcmp.
// The digest indexes are hash indexes: digests are only ever looked up by equality, and their
// random keys made B-tree inserts the cost of a load (COPY of a million bench items into items
// with its primary key and foreign key: four B-trees 29 s, hash indexes on the three digests and
// a B-tree on camera_id 21 s). camera_id stays a B-tree: few distinct values of many items each,
// which B-tree deduplication keeps small, where a hash bucket's overflow chain would grow with
// every item of one camera.
// No foreign keys: the per-row check of items.case_id against cases cost 5 of those 21 s (the
// load 50,000 -> 62,000 items/s without it). put_case deletes a case's items and frames with it
// (the SQLite store's ON DELETE CASCADE) and inserts rows of the case it has just inserted, in
// one transaction; every read joins cases, so a row without its case could never be answered.
constexpr const char* kSchema = R"sql(
CREATE TABLE lab_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE cases (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, uid TEXT COLLATE "C" NOT NULL UNIQUE,
  case_ref TEXT, exhibit_ref TEXT, examiner TEXT,
  case_dir BYTEA NOT NULL, added_utc TEXT NOT NULL, items BIGINT NOT NULL);
CREATE TABLE items (
  case_id BIGINT NOT NULL, seq BIGINT NOT NULL,
  path BYTEA NOT NULL, size BIGINT NOT NULL, media_type TEXT NOT NULL,
  md5 TEXT COLLATE "C", sha1 TEXT COLLATE "C", sha256 TEXT COLLATE "C", pdq TEXT, pdq_quality INTEGER,
  category TEXT, basis TEXT, camera_id TEXT COLLATE "C", indicator TEXT,
  PRIMARY KEY (case_id, seq));
CREATE TABLE frames (
  case_id BIGINT NOT NULL, seq BIGINT NOT NULL,
  frame BIGINT NOT NULL, pdq TEXT NOT NULL, quality INTEGER NOT NULL);
CREATE INDEX items_md5 ON items USING hash (md5) WHERE md5 IS NOT NULL;
CREATE INDEX items_sha1 ON items USING hash (sha1) WHERE sha1 IS NOT NULL;
CREATE INDEX items_sha256 ON items USING hash (sha256) WHERE sha256 IS NOT NULL;
CREATE INDEX items_camera ON items(camera_id) WHERE camera_id IS NOT NULL;
CREATE INDEX frames_case ON frames(case_id, seq);
)sql";

// One writer at a time (as the SQLite store's BEGIN IMMEDIATE): two loads of the same case, or
// two first loads creating the schema, wait for each other instead of failing on the unique uid.
constexpr const char* kWriterLock = "SELECT pg_advisory_xact_lock(7522734946526400023)";

constexpr const char* kCaseColumns = "c.uid, c.case_ref, c.exhibit_ref, c.examiner, c.case_dir, c.added_utc, c.items";
constexpr const char* kItemColumns =
    "i.seq, i.path, i.size, i.media_type, i.md5, i.sha1, i.sha256, i.pdq, i.pdq_quality, i.category, i.basis, "
    "i.camera_id, i.indicator";

std::optional<std::string> non_empty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional(s);
}

// A bytea parameter in text form: its hex input "\x4142".
std::string bytea_param(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\\x";
  for (const char c : bytes) {
    out.push_back(kHex[static_cast<unsigned char>(c) >> 4]);
    out.push_back(kHex[static_cast<unsigned char>(c) & 15]);
  }
  return out;
}

std::int64_t int64_at(const PGresult* r, int row, int column) {
  const std::string_view text = pg::field(r, row, column);
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size())
    throw pg::Error(fmt::format("column {} holds '{}', not an integer", PQfname(r, column), text));
  return value;
}

std::string text_at(const PGresult* r, int row, int column) { return std::string(pg::field(r, row, column)); }

LabCase case_from(const PGresult* r, int row, int at) {
  LabCase c;
  c.uid = text_at(r, row, at);
  c.case_ref = text_at(r, row, at + 1);  // NULL reads as empty, as the SQLite store's value_or("")
  c.exhibit_ref = text_at(r, row, at + 2);
  c.examiner = text_at(r, row, at + 3);
  c.case_dir = pg::bytea_from_hex(pg::field(r, row, at + 4));
  c.added_utc = text_at(r, row, at + 5);
  c.items = static_cast<std::uint64_t>(int64_at(r, row, at + 6));
  return c;
}

LabItem item_from(const PGresult* r, int row, int at) {
  LabItem i;
  i.seq = static_cast<std::uint64_t>(int64_at(r, row, at));
  i.path = pg::bytea_from_hex(pg::field(r, row, at + 1));
  i.size = static_cast<std::uint64_t>(int64_at(r, row, at + 2));
  i.media_type = text_at(r, row, at + 3);
  i.md5 = text_at(r, row, at + 4);
  i.sha1 = text_at(r, row, at + 5);
  i.sha256 = text_at(r, row, at + 6);
  i.pdq = text_at(r, row, at + 7);
  if (!pg::is_null(r, row, at + 8)) i.pdq_quality = static_cast<int>(int64_at(r, row, at + 8));
  i.category = text_at(r, row, at + 9);
  i.basis = text_at(r, row, at + 10);
  i.camera_id = text_at(r, row, at + 11);
  i.indicator = text_at(r, row, at + 12);
  return i;
}

bool has_relation(PGconn* conn, const char* name) {
  const pg::Result r = pg::exec_params(conn, "SELECT to_regclass($1) IS NOT NULL", {std::string(name)});
  return pg::field(r.get(), 0, 0) == "t";
}

}  // namespace

std::unique_ptr<PgLabStore> PgLabStore::open(const std::string& url, bool create) {
  const std::string shown = pg::redacted_url(url);
  pg::Conn conn = pg::connect(url);
  PGconn* db = conn.get();
  try {
    // Text results in one known form whatever the server's defaults.
    pg::exec(db, "SET client_encoding = 'UTF8'; SET bytea_output = 'hex'; SET client_min_messages = warning");
    if (!has_relation(db, "lab_info")) {
      for (const char* table : {"cases", "items", "frames"})
        if (has_relation(db, table))
          throw pg::SchemaVersionError(
              fmt::format("{} has a table {} but no lab_info: it is not a triage lab database", shown, table));
      if (!create) throw pg::Error(fmt::format("{} holds no triage lab (no lab_info table)", shown));
      pg::exec(db, "BEGIN");
      try {
        pg::exec(db, kWriterLock);
        if (!has_relation(db, "lab_info")) {  // not made by another triage meanwhile
          pg::exec(db, kSchema);
          pg::exec_params(db, "INSERT INTO lab_info(key, value) VALUES ('format', $1)", {std::string(kFormat)});
        }
        pg::exec(db, "COMMIT");
      } catch (...) {
        PQclear(PQexec(db, "ROLLBACK"));
        throw;
      }
    }
    const pg::Result format = pg::exec_params(db, "SELECT value FROM lab_info WHERE key = 'format'");
    const std::string found = PQntuples(format.get()) > 0 ? text_at(format.get(), 0, 0) : std::string("none");
    if (found != kFormat)
      throw pg::SchemaVersionError(
          fmt::format("{} is a lab database of format '{}'; this triage reads '{}'", shown, found, kFormat));
  } catch (const pg::SchemaVersionError&) {
    throw;
  } catch (const pg::Error& e) {
    const std::string what = e.what();
    if (what.find(shown) != std::string::npos) throw;
    throw pg::Error(fmt::format("{}: {}", shown, what));
  }
  return std::unique_ptr<PgLabStore>(new PgLabStore(Connection(conn.release(), PQfinish)));
}

namespace {

// The rows of one case, sent by COPY inside put_case's transaction. One COPY is open at a time on
// a connection: items and frames each have theirs, and a filler that alternates between them
// (the interface allows it) ends one and starts the other.
class CopyRows final : public LabIndex::CaseRows {
 public:
  CopyRows(PGconn* db, std::int64_t case_id) : db_(db), case_id_(case_id) {}
  void item(const LabItem& i) override {
    open(Table::items);
    copy_->integer(case_id_)
        .integer(static_cast<long long>(i.seq))
        .bytea(i.path)
        .integer(static_cast<long long>(i.size))
        .text(i.media_type)
        .optional_text(i.md5)
        .optional_text(i.sha1)
        .optional_text(i.sha256)
        .optional_text(i.pdq);
    if (i.pdq_quality) copy_->integer(*i.pdq_quality);
    else copy_->null();
    copy_->optional_text(i.category).optional_text(i.basis).optional_text(i.camera_id).optional_text(i.indicator);
    copy_->end_row();
    ++items_;
  }
  void frame(const LabFrame& f) override {
    open(Table::frames);
    copy_->integer(case_id_).integer(static_cast<long long>(f.seq)).integer(f.frame).text(f.pdq).integer(f.quality);
    copy_->end_row();
  }
  // Ends the open COPY (its errors, such as a duplicate seq, are thrown here).
  void finish() {
    if (copy_) copy_->end();
    copy_.reset();
    table_ = Table::none;
  }
  std::uint64_t items() const { return items_; }

 private:
  enum class Table { none, items, frames };
  void open(Table table) {
    if (table_ == table) return;
    finish();
    copy_.emplace(db_, table == Table::items
                           ? "COPY items(case_id, seq, path, size, media_type, md5, sha1, sha256, pdq, pdq_quality, "
                             "category, basis, camera_id, indicator) FROM STDIN"
                           : "COPY frames(case_id, seq, frame, pdq, quality) FROM STDIN");
    table_ = table;
  }

  PGconn* db_;
  std::int64_t case_id_;
  std::optional<pg::CopyIn> copy_;  // destroyed unfinished (an exception): the COPY is aborted
  Table table_ = Table::none;
  std::uint64_t items_ = 0;
};

}  // namespace

void PgLabStore::put_case(const LabCase& c, const std::function<void(CaseRows&)>& fill) {
  PGconn* db = conn_.get();
  pg::exec(db, "BEGIN");
  try {
    pg::exec(db, kWriterLock);
    pg::exec_params(db,
                    "WITH gone AS (DELETE FROM cases WHERE uid = $1 RETURNING id), "
                    "gone_items AS (DELETE FROM items WHERE case_id IN (SELECT id FROM gone)) "
                    "DELETE FROM frames WHERE case_id IN (SELECT id FROM gone)",
                    {c.uid});  // the case, its items and frames (the SQLite store's cascade)
    const pg::Result added = pg::exec_params(
        db,
        "INSERT INTO cases(uid, case_ref, exhibit_ref, examiner, case_dir, added_utc, items) "
        "VALUES ($1, $2, $3, $4, $5, $6, 0) RETURNING id",
        {c.uid, non_empty(c.case_ref), non_empty(c.exhibit_ref), non_empty(c.examiner), bytea_param(c.case_dir),
         c.added_utc});
    const std::int64_t id = int64_at(added.get(), 0, 0);
    {
      CopyRows rows(db, id);
      fill(rows);
      rows.finish();
      pg::exec_params(db, "UPDATE cases SET items = $1 WHERE id = $2",
                      {std::to_string(rows.items()), std::to_string(id)});
    }
    pg::exec(db, "COMMIT");
  } catch (...) {
    PQclear(PQexec(db, "ROLLBACK"));  // the lab as it was
    throw;
  }
}

std::vector<LabCase> PgLabStore::cases() const {
  std::vector<LabCase> out;
  const std::string sql = fmt::format("SELECT {} FROM cases c ORDER BY c.uid", kCaseColumns);
  const pg::Result r = pg::exec_params(conn_.get(), sql.c_str());
  for (int row = 0; row < PQntuples(r.get()); ++row) out.push_back(case_from(r.get(), row, 0));
  return out;
}

std::vector<LabHit> PgLabStore::hits(const char* where, const std::string& value) const {
  std::vector<LabHit> out;
  const std::string sql = fmt::format(
      "SELECT {}, {} FROM items i JOIN cases c ON c.id = i.case_id WHERE {} ORDER BY c.uid, i.seq", kCaseColumns,
      kItemColumns, where);
  const pg::Result r = pg::exec_params(conn_.get(), sql.c_str(), {value});
  for (int row = 0; row < PQntuples(r.get()); ++row)
    out.push_back({case_from(r.get(), row, 0), item_from(r.get(), row, 7), std::nullopt, std::nullopt});
  return out;
}

std::optional<LabHit> PgLabStore::find_item(const std::string& uid, std::uint64_t seq) const {
  const std::string sql = fmt::format("SELECT {}, {} FROM items i JOIN cases c ON c.id = i.case_id WHERE c.uid = $1 "
                                      "AND i.seq = $2",
                                      kCaseColumns, kItemColumns);
  const pg::Result r = pg::exec_params(conn_.get(), sql.c_str(), {uid, std::to_string(seq)});
  if (PQntuples(r.get()) == 0) return std::nullopt;
  return LabHit{case_from(r.get(), 0, 0), item_from(r.get(), 0, 7), std::nullopt, std::nullopt};
}

std::vector<LabHit> PgLabStore::find_digest(HashType type, const std::string& hex) const {
  const char* column = type == HashType::md5 ? "i.md5 = $1" : type == HashType::sha1 ? "i.sha1 = $1" : "i.sha256 = $1";
  return hits(column, hex);
}

std::vector<LabHit> PgLabStore::find_camera(const std::string& camera_id) const {
  return hits("i.camera_id = $1", camera_id);
}

// Both visitors run while the query's rows arrive: they must not call back into the store.
void PgLabStore::for_each_item(const std::function<void(const std::string&, const LabItem&)>& visit) const {
  const std::string sql = fmt::format(
      "SELECT c.uid, {} FROM items i JOIN cases c ON c.id = i.case_id ORDER BY c.uid, i.seq", kItemColumns);
  pg::for_each_row(conn_.get(), sql.c_str(), {},
                   [&](const PGresult* r, int row) { visit(text_at(r, row, 0), item_from(r, row, 1)); });
}

void PgLabStore::for_each_frame(const std::function<void(const std::string&, const LabFrame&)>& visit) const {
  pg::for_each_row(conn_.get(),
                   "SELECT c.uid, f.seq, f.frame, f.pdq, f.quality FROM frames f JOIN cases c ON c.id = f.case_id "
                   "ORDER BY c.uid, f.seq, f.frame",
                   {}, [&](const PGresult* r, int row) {
                     visit(text_at(r, row, 0), LabFrame{static_cast<std::uint64_t>(int64_at(r, row, 1)),
                                                        int64_at(r, row, 2), text_at(r, row, 3),
                                                        static_cast<int>(int64_at(r, row, 4))});
                   });
}

}  // namespace triage
