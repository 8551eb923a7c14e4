#include "formats/casedb/case_store.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/text/json_text.h"
#include "formats/casedb/case_schema.h"
#include "formats/casedb/item_columns.h"
#include "triage/version.h"

namespace triage {
namespace {

// ", ?" once per column.
std::string placeholders(std::size_t count) {
  std::string q;
  for (std::size_t i = 0; i < count; ++i) q += ", ?";
  return q;
}

std::optional<std::string> non_empty(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

// runs.libraries: one "name version" line per library (a name has no space; a version may).
std::optional<std::string> libraries_text(const std::vector<LibraryVersion>& libraries) {
  if (libraries.empty()) return std::nullopt;
  std::string out;
  for (const auto& l : libraries) out += l.name + " " + l.version + "\n";
  return out;
}

// A disk image's segment files as the sources table keeps them: a JSON array; empty for none.
std::string segments_json(const std::vector<std::string>& segments) {
  if (segments.empty()) return {};
  std::string out = "[";
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i) out += ',';
    append_json_string(out, segments[i]);
  }
  return out + ']';
}

std::vector<LibraryVersion> libraries_from(std::string_view text) {
  std::vector<LibraryVersion> out;
  while (!text.empty()) {
    const auto end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    const auto space = line.find(' ');
    if (!line.empty()) out.push_back({std::string(line.substr(0, space)),
                                      space == std::string_view::npos ? std::string() : std::string(line.substr(space + 1))});
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return out;
}

// Text of case.db that a closed set of states must name: anything else is a damaged case.
template <typename T>
T state_from(std::optional<T> parsed, std::string_view column, const std::string& text) {
  if (!parsed) throw sqlite::Error(fmt::format("case.db: unknown {} '{}'", column, text));
  return *parsed;
}

// Error rows matching `where` (an SQL condition, or empty for all), in walk order.
void read_problems(sqlite3* db, const std::string& where,
                   const std::function<void(const WalkProblem&)>& visit) {
  sqlite::Statement q(db, "SELECT seq, source_index, path, stage, message, is_error FROM errors " + where +
                              " ORDER BY seq, id");
  while (q.step()) {
    WalkProblem p;
    p.seq = static_cast<std::uint64_t>(q.int64(0));
    p.source_index = static_cast<std::uint32_t>(q.int64(1));
    p.path = q.text(2);
    p.kind = q.text(3);
    p.message = q.text(4);
    p.is_error = q.int64(5) != 0;
    visit(p);
  }
}

}  // namespace

CaseStore::CaseStore(sqlite::Db db) : db_(std::move(db)) {}

std::unique_ptr<CaseStore> CaseStore::create(const std::filesystem::path& file) {
  auto store = open_or_create(file);
  if (store->last_run()) throw sqlite::Error("the case database already holds a scan");
  return store;
}

std::unique_ptr<CaseStore> CaseStore::open_or_create(const std::filesystem::path& file) {
  auto db = sqlite::open(file.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX);
  sqlite::exec(db.get(), "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
  if (check_case_schema(db.get())) {
    upgrade_case_schema(db.get());
  } else {
    sqlite::exec(db.get(), "BEGIN");
    create_case_schema(db.get());
    sqlite::exec(db.get(), "COMMIT");
  }
  return std::unique_ptr<CaseStore>(new CaseStore(std::move(db)));
}

std::unique_ptr<CaseStore> CaseStore::open_read_only(const std::filesystem::path& file) {
  auto db = sqlite::open(file.string(), SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
  if (!check_case_schema(db.get()))
    throw sqlite::SchemaVersionError("not a triage case database of schema version " + std::to_string(kCaseSchemaVersion));
  return std::unique_ptr<CaseStore>(new CaseStore(std::move(db)));
}

std::int64_t CaseStore::begin_run(const RunInfo& run, const std::vector<SourceInfo>& sources) {
  sqlite::exec(db_.get(), "BEGIN");
  sqlite::Statement insert(db_.get(),
                           "INSERT INTO runs(started_utc, status, command_line, options, jobs, tool_version, "
                           "git_commit, libraries) VALUES (?, 'running', ?, ?, ?, ?, ?, ?)");
  insert.bind_text(1, run.started_utc)
      .bind_text(2, run.command_line)
      .bind_text(3, run.options_json)
      .bind(4, static_cast<std::int64_t>(run.jobs))
      .bind_text(5, kToolVersion)
      .bind_text(6, kGitCommit)
      .bind_optional(7, libraries_text(run.libraries))
      .run();
  run_id_ = sqlite3_last_insert_rowid(db_.get());
  sqlite::Statement source(db_.get(),
                           "INSERT INTO sources(run_id, source_index, path, kind, image_format, segments, media_size, "
                           "md5, sha1, sha256, ewf_stored_md5, integrity, integrity_note, media_read) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const auto& s : sources) {
    const std::string segments = segments_json(s.segments);
    source.bind(1, run_id_)
        .bind(2, static_cast<std::int64_t>(s.index))
        .bind_blob(3, s.path)
        .bind_text(4, to_string(s.kind))
        .bind_optional(5, non_empty(s.image_format))
        .bind_optional(6, non_empty(segments))
        .bind_optional(7, s.media_size ? std::optional(static_cast<std::int64_t>(*s.media_size)) : std::nullopt)
        .bind_optional(8, non_empty(s.media.md5))
        .bind_optional(9, non_empty(s.media.sha1))
        .bind_optional(10, non_empty(s.media.sha256))
        .bind_optional(11, s.stored_md5)
        .bind_text(12, to_string(s.integrity))
        .bind_optional(13, non_empty(s.integrity_note))
        .bind_optional(14, non_empty(s.media_read))
        .run();
  }
  sqlite::exec(db_.get(), "COMMIT");
  prepare_writes();
  return run_id_;
}

std::optional<RunSummary> CaseStore::last_run() const {
  auto all = runs();
  if (all.empty()) return std::nullopt;
  return all.back();
}

CaseStore::Tally CaseStore::tally() const {
  Tally t;
  sqlite::Statement q(db_.get(),
                      "SELECT (SELECT count(*) FROM items), "
                      "(SELECT count(DISTINCT item_id) FROM matches WHERE role = 'alert'), (SELECT count(*) FROM errors)");
  if (q.step()) {
    t.items = static_cast<std::uint64_t>(q.int64(0));
    t.alert_items = static_cast<std::uint64_t>(q.int64(1));
    t.errors = static_cast<std::uint64_t>(q.int64(2));
  }
  return t;
}

void CaseStore::resume_run(const RunInfo& resumed, std::uint64_t committed) {
  const auto run = last_run();
  if (!run) throw sqlite::Error("the case holds no run to resume");
  run_id_ = run->id;
  sqlite::exec(db_.get(), "BEGIN");
  // Source verification rows come after the walk; the resumed run records them again.
  sqlite::Statement drop(db_.get(), "DELETE FROM errors WHERE run_id = ? AND stage = 'source_integrity'");
  drop.bind(1, run_id_).run();
  sqlite::Statement status(db_.get(), "UPDATE runs SET status = 'running', ended_utc = NULL WHERE id = ?");
  status.bind(1, run_id_).run();
  sqlite::Statement insert(db_.get(),
                           "INSERT INTO resumes(run_id, resumed_utc, command_line, jobs, tool_version, git_commit, "
                           "committed_positions) VALUES (?, ?, ?, ?, ?, ?, ?)");
  insert.bind(1, run_id_)
      .bind_text(2, resumed.started_utc)
      .bind_text(3, resumed.command_line)
      .bind(4, static_cast<std::int64_t>(resumed.jobs))
      .bind_text(5, kToolVersion)
      .bind_text(6, kGitCommit)
      .bind(7, static_cast<std::int64_t>(committed))
      .run();
  sqlite::exec(db_.get(), "COMMIT");
  prepare_writes();
}

std::uint64_t CaseStore::for_each_committed_position(
    const std::function<void(std::uint32_t, WalkKey, const std::string&)>& visit) const {
  // Every walk position is an item (items.id) or a walk problem (errors.seq, no item).
  sqlite::Statement q(db_.get(),
                      "SELECT p.source_index, p.walk_top, p.walk_sub, COALESCE(i.path, "
                      "(SELECT e.path FROM errors e WHERE e.seq = p.seq AND e.item_id IS NULL LIMIT 1)) "
                      "FROM walk_positions p LEFT JOIN items i ON i.id = p.seq ORDER BY p.seq");
  std::uint64_t n = 0;
  while (q.step()) {
    const auto source = static_cast<std::uint32_t>(q.int64(0));
    const WalkKey key{static_cast<std::uint64_t>(q.int64(1)), static_cast<std::uint64_t>(q.int64(2))};
    visit(source, key, q.optional_text(3).value_or(""));
    ++n;
  }
  sqlite::Statement items(db_.get(), "SELECT (SELECT count(*) FROM items) + (SELECT count(*) FROM errors WHERE "
                                     "item_id IS NULL AND stage != 'source_integrity')");
  if (items.step() && static_cast<std::uint64_t>(items.int64(0)) != n)
    throw sqlite::Error(fmt::format("the case holds {} walk positions but records the walk keys of {}: it cannot be "
                                    "resumed",
                                    items.int64(0), n));
  return n;
}

bool CaseStore::restore_walk_order() {
  commit();
  sqlite3* db = db_.get();
  // Every reference moves with what it refers to, in one transaction. Foreign keys are not
  // enforced meanwhile: with them each moved item would be looked for in items.parent_id, which
  // has no index (a quadratic renumbering); they are on again for whatever follows.
  sqlite::exec(db, "PRAGMA foreign_keys = OFF");
  struct KeysOnAgain {
    sqlite3* db;
    ~KeysOnAgain() { sqlite3_exec(db, "PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr); }
  } on_again{db};
  sqlite::exec(db, "BEGIN");
  try {
    sqlite::exec(db, "DROP TABLE IF EXISTS temp.renumber");
    sqlite::exec(db, "CREATE TEMP TABLE renumber (old INTEGER PRIMARY KEY, new INTEGER NOT NULL)");
    sqlite::exec(db, "INSERT INTO renumber SELECT seq, ROW_NUMBER() OVER (ORDER BY source_index, walk_top, walk_sub) - 1 "
                     "FROM walk_positions");
    std::int64_t moved = 0;
    {
      sqlite::Statement count(db, "SELECT count(*) FROM renumber WHERE old != new");
      if (count.step()) moved = count.int64(0);
    }  // finalized: the table is dropped below
    if (moved == 0) {
      sqlite::exec(db, "DROP TABLE temp.renumber");
      sqlite::exec(db, "ROLLBACK");
      return false;
    }
    // Keys first made negative: the new numbers would otherwise collide with rows not moved yet.
    constexpr const char* kNew = "(SELECT new FROM renumber WHERE old = {})";
    for (const auto& [table, column] : {std::pair{"items", "id"}, {"videos", "item_id"}, {"walk_positions", "seq"}}) {
      sqlite::exec(db, fmt::format("UPDATE {0} SET {1} = -1 - {2}", table, column,
                                   fmt::format(fmt::runtime(kNew), fmt::format("{}.{}", table, column)))
                           .c_str());
      sqlite::exec(db, fmt::format("UPDATE {0} SET {1} = -1 - {1}", table, column).c_str());
    }
    for (const auto& [table, column] :
         {std::pair{"matches", "item_id"}, {"frames", "item_id"}, {"errors", "item_id"}, {"device_media", "db_item_id"}})
      sqlite::exec(db, fmt::format("UPDATE {0} SET {1} = {2} WHERE {1} IS NOT NULL", table, column,
                                   fmt::format(fmt::runtime(kNew), fmt::format("{}.{}", table, column)))
                           .c_str());
    sqlite::exec(db, "UPDATE errors SET seq = (SELECT new FROM renumber WHERE old = errors.seq) "
                     "WHERE seq IN (SELECT old FROM renumber) AND stage != 'source_integrity'");
    sqlite::exec(db, "DROP TABLE temp.renumber");
    sqlite::exec(db, "COMMIT");
  } catch (...) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  return true;
}

void CaseStore::for_each_walk_problem(const std::function<void(const WalkProblem&)>& visit) const {
  read_problems(db_.get(), "WHERE item_id IS NULL", visit);
}

void CaseStore::prepare_writes() {
  insert_item_ = std::make_unique<sqlite::Statement>(
      db_.get(), fmt::format("INSERT INTO items(run_id, {}) VALUES (?{})", item_column_list(),
                             placeholders(item_columns().size())));
  insert_match_ = std::make_unique<sqlite::Statement>(
      db_.get(), "INSERT INTO matches(item_id, set_name, role, hash_type, media_id, category, distance, variant, quality, "
      "frame, timestamp, seized_percent, known_percent) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  insert_video_ = std::make_unique<sqlite::Statement>(
      db_.get(),
      "INSERT INTO videos(item_id, container, codec, width, height, frame_rate, duration, frame_count, creation_time, "
      "rotation, frames_decoded, sample_fps) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  insert_frame_ = std::make_unique<sqlite::Statement>(
      db_.get(), "INSERT INTO frames(item_id, frame, timestamp, pdq, pdq_quality) VALUES (?, ?, ?, ?, ?)");
  insert_position_ = std::make_unique<sqlite::Statement>(
      db_.get(), "INSERT INTO walk_positions(seq, source_index, walk_top, walk_sub) VALUES (?, ?, ?, ?)");
  insert_error_ = std::make_unique<sqlite::Statement>(
      db_.get(),
      "INSERT INTO errors(run_id, seq, item_id, source_index, path, stage, message, is_error) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
}

void CaseStore::add_hash_set(const CaseHashSet& set) {
  sqlite::Statement insert(db_.get(),
                           "INSERT INTO hash_sets(run_id, name, role, format, version, source_file, source_sha256, "
                           "record_count, imported_utc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  insert.bind(1, run_id_)
      .bind_text(2, set.name)
      .bind_text(3, to_string(set.role))
      .bind_text(4, set.format)
      .bind_text(5, set.version)
      .bind_text(6, set.source_file)
      .bind_text(7, set.source_sha256)
      .bind(8, static_cast<std::int64_t>(set.record_count))
      .bind_text(9, set.imported_utc)
      .run();
}

void CaseStore::add_profile(const std::string& name, const std::string& json) {
  sqlite::Statement insert(db_.get(), "INSERT INTO profiles(run_id, name, json) VALUES (?, ?, ?)");
  insert.bind(1, run_id_).bind_text(2, name).bind_text(3, json).run();
}

// case_info keys: case_ref, exhibit_ref, examiner, organisation, time_zone (additive to schema 1: a case
// made before the table existed reads as "not recorded").
void CaseStore::set_case_details(const CaseDetails& d) {
  sqlite::Statement insert(db_.get(), "INSERT OR REPLACE INTO case_info(key, value) VALUES (?, ?)");
  for (const auto& [key, value] : {std::pair<const char*, const std::string&>{"case_ref", d.case_ref},
                                   {"exhibit_ref", d.exhibit_ref},
                                   {"examiner", d.examiner},
                                   {"organisation", d.organisation},
                                   {"time_zone", d.time_zone}})
    if (!value.empty()) insert.bind_text(1, key).bind_text(2, value).run();
}

CaseDetails CaseStore::case_details() const {
  CaseDetails d;
  if (!sqlite::has_table(db_.get(), "case_info")) return d;
  sqlite::Statement q(db_.get(), "SELECT key, value FROM case_info");
  while (q.step()) {
    const std::string key = q.text(0);
    if (key == "case_ref") d.case_ref = q.text(1);
    else if (key == "exhibit_ref") d.exhibit_ref = q.text(1);
    else if (key == "examiner") d.examiner = q.text(1);
    else if (key == "organisation") d.organisation = q.text(1);
    else if (key == "time_zone") d.time_zone = q.text(1);
  }
  return d;
}

std::vector<CaseHashSet> CaseStore::hash_sets() const {
  std::vector<CaseHashSet> out;
  sqlite::Statement q(db_.get(),
                      "SELECT name, role, format, version, source_file, source_sha256, record_count, imported_utc "
                      "FROM hash_sets ORDER BY id");
  while (q.step())
    out.push_back({q.text(0), state_from(parse_hash_set_role(q.text(1)), "hash-set role", q.text(1)), q.text(2),
                   q.text(3), q.text(4), q.text(5), static_cast<std::uint64_t>(q.int64(6)), q.text(7)});
  return out;
}

void CaseStore::begin_batch() {
  if (!in_batch_) {
    sqlite::exec(db_.get(), "BEGIN");
    in_batch_ = true;
  }
}

void CaseStore::add_position(std::uint64_t seq, std::uint32_t source, WalkKey key) {
  insert_position_->bind(1, static_cast<std::int64_t>(seq))
      .bind(2, static_cast<std::int64_t>(source))
      .bind(3, static_cast<std::int64_t>(key.top))
      .bind(4, static_cast<std::int64_t>(key.sub))
      .run();
}

void CaseStore::add_item(const ItemRecord& item) {
  begin_batch();
  add_position(item.seq, item.source_index, item.key);
  if (item.device_media) add_device_media(item);
  auto& s = *insert_item_;
  s.bind(1, run_id_);
  bind_item(s, 2, item);
  s.run();
  for (const auto& m : item.matches) {
    insert_match_->bind(1, static_cast<std::int64_t>(item.seq))
        .bind_text(2, m.set)
        .bind_text(3, to_string(m.role))
        .bind_text(4, to_string(m.hash_type))
        .bind_text(5, m.media_id)
        .bind_text(6, m.category)
        .bind_optional(7, m.distance)
        .bind_optional(8, m.variant.empty() ? std::nullopt : std::optional(m.variant))
        .bind_optional(9, m.quality)
        .bind_optional(10, m.frame)
        .bind_optional(11, m.timestamp)
        .bind_optional(12, m.seized_percent)
        .bind_optional(13, m.known_percent)
        .run();
  }
  if (item.video) {
    const VideoInfo& v = item.video->info;
    insert_video_->bind(1, static_cast<std::int64_t>(item.seq))
        .bind_text(2, v.container)
        .bind_text(3, v.codec)
        .bind(4, std::int64_t{v.width})
        .bind(5, std::int64_t{v.height})
        .bind(6, v.frame_rate)
        .bind_optional(7, v.duration)
        .bind_optional(8, v.frame_count)
        .bind_optional(9, v.creation_time)
        .bind(10, std::int64_t{v.rotation})
        .bind(11, static_cast<std::int64_t>(item.video->decoded_frames))
        .bind(12, item.video->sample_fps)
        .run();
  }
  for (const auto& f : item.frames) {
    insert_frame_->bind(1, static_cast<std::int64_t>(item.seq))
        .bind(2, f.frame)
        .bind(3, f.timestamp)
        .bind_text(4, f.pdq.hash.to_hex())
        .bind(5, std::int64_t{f.pdq.quality})
        .run();
  }
  for (const auto& p : item.problems) {
    insert_error_->bind(1, run_id_)
        .bind(2, static_cast<std::int64_t>(item.seq))
        .bind(3, static_cast<std::int64_t>(item.seq))
        .bind(4, static_cast<std::int64_t>(item.source_index))
        .bind_blob(5, item.path)
        .bind_text(6, p.stage)
        .bind_text(7, p.message)
        .bind(8, std::int64_t{1})
        .run();
  }
}

void CaseStore::add_problem(const WalkProblem& problem) {
  begin_batch();
  if (problem.kind != "source_integrity") add_position(problem.seq, problem.source_index, problem.key);
  insert_error_->bind(1, run_id_)
      .bind(2, static_cast<std::int64_t>(problem.seq))
      .bind_null(3)
      .bind(4, static_cast<std::int64_t>(problem.source_index))
      .bind_blob(5, problem.path)
      .bind_text(6, problem.kind)
      .bind_text(7, problem.message)
      .bind(8, static_cast<std::int64_t>(problem.is_error))
      .run();
}

void CaseStore::commit() {
  if (in_batch_) {
    sqlite::exec(db_.get(), "COMMIT");
    in_batch_ = false;
  }
}

void CaseStore::record_first_alert(double seconds) {
  sqlite::Statement update(db_.get(), "UPDATE runs SET first_alert_s = ? WHERE id = ? AND first_alert_s IS NULL");
  update.bind(1, seconds).bind(2, run_id_).run();
}

void CaseStore::end_run(const std::string& status, const std::string& ended_utc) {
  commit();
  sqlite::Statement update(db_.get(), "UPDATE runs SET status = ?, ended_utc = ? WHERE id = ?");
  update.bind_text(1, status).bind_text(2, ended_utc).bind(3, run_id_).run();
  sqlite::exec(db_.get(), "PRAGMA wal_checkpoint(TRUNCATE)");
  // The finished case is one self-contained file: out of WAL mode, read-only openings (reports,
  // verify) leave no -wal or -shm file behind and SHA256SUMS covers the whole database.
  sqlite::exec(db_.get(), "PRAGMA journal_mode=DELETE");
}

void CaseStore::record_source_digests(const SourceInfo& s) {
  commit();
  sqlite::Statement update(db_.get(),
                           "UPDATE sources SET image_format = ?, segments = ?, media_size = ?, md5 = ?, sha1 = ?, "
                           "sha256 = ?, ewf_stored_md5 = ?, integrity = ?, integrity_note = ?, media_read = ? "
                           "WHERE run_id = ? AND source_index = ?");
  update.bind_optional(1, non_empty(s.image_format))
      .bind_optional(2, non_empty(segments_json(s.segments)))
      .bind_optional(3, s.media_size ? std::optional(static_cast<std::int64_t>(*s.media_size)) : std::nullopt)
      .bind_optional(4, non_empty(s.media.md5))
      .bind_optional(5, non_empty(s.media.sha1))
      .bind_optional(6, non_empty(s.media.sha256))
      .bind_optional(7, s.stored_md5)
      .bind_text(8, to_string(s.integrity))
      .bind_optional(9, non_empty(s.integrity_note))
      .bind_optional(10, non_empty(s.media_read))
      .bind(11, run_id_)
      .bind(12, static_cast<std::int64_t>(s.index))
      .run();
}

void CaseStore::record_source_verification(std::uint32_t index, const Digests& after, Integrity integrity,
                                           const std::string& note) {
  commit();
  sqlite::Statement update(db_.get(),
                           "UPDATE sources SET verified_md5 = ?, verified_sha1 = ?, verified_sha256 = ?, integrity = ?, "
                           "integrity_note = ? WHERE run_id = ? AND source_index = ?");
  update.bind_optional(1, non_empty(after.md5))
      .bind_optional(2, non_empty(after.sha1))
      .bind_optional(3, non_empty(after.sha256))
      .bind_text(4, to_string(integrity))
      .bind_optional(5, non_empty(note))
      .bind(6, run_id_)
      .bind(7, static_cast<std::int64_t>(index))
      .run();
}

std::vector<SourceInfo> CaseStore::sources() const {
  std::vector<SourceInfo> out;
  sqlite::Statement q(db_.get(),
                      fmt::format("SELECT source_index, path, kind, image_format, media_size, md5, sha1, sha256, "
                                  "ewf_stored_md5, integrity, integrity_note, verified_md5, verified_sha1, "
                                  "verified_sha256, {} FROM sources ORDER BY id",
                                  has_column(db_.get(), "sources", "media_read") ? "media_read" : "NULL"));
  while (q.step()) {
    SourceInfo s;
    s.index = static_cast<std::uint32_t>(q.int64(0));
    s.path = q.text(1);
    s.kind = state_from(parse_source_kind(q.text(2)), "source kind", q.text(2));
    s.image_format = q.optional_text(3).value_or("");
    if (auto v = q.optional_int64(4)) s.media_size = static_cast<std::uint64_t>(*v);
    s.media.md5 = q.optional_text(5).value_or("");
    s.media.sha1 = q.optional_text(6).value_or("");
    s.media.sha256 = q.optional_text(7).value_or("");
    s.stored_md5 = q.optional_text(8);
    s.integrity = state_from(parse_integrity(q.text(9)), "integrity verdict", q.text(9));
    s.integrity_note = q.optional_text(10).value_or("");
    s.verified.md5 = q.optional_text(11).value_or("");
    s.verified.sha1 = q.optional_text(12).value_or("");
    s.verified.sha256 = q.optional_text(13).value_or("");
    s.media_read = q.optional_text(14).value_or(s.media.empty() ? "" : "before_walk");  // older cases: before
    out.push_back(std::move(s));
  }
  return out;
}

namespace {

// The video facts add_item wrote for `r`, if any, with the count of its sampled frames: reports
// and a resumed run's replay give the same `video` object as the scan printed. The frame hashes
// themselves stay in the frames table (a long video sampled at every frame has a hundred
// thousand): no reader of the case needs them in memory.
void read_video(sqlite::Statement& videos, sqlite::Statement& frames, ItemRecord& r) {
  videos.bind(1, static_cast<std::int64_t>(r.seq));
  if (videos.step()) {
    VideoFacts v;
    int i = 0;
    v.info.container = videos.text(i++);
    v.info.codec = videos.text(i++);
    v.info.width = static_cast<int>(videos.int64(i++));
    v.info.height = static_cast<int>(videos.int64(i++));
    v.info.frame_rate = videos.real(i++);
    v.info.duration = videos.optional_real(i++);
    v.info.frame_count = videos.optional_int64(i++);
    v.info.creation_time = videos.optional_text(i++);
    v.info.rotation = static_cast<int>(videos.int64(i++));
    v.decoded_frames = static_cast<std::uint64_t>(videos.int64(i++));
    v.sample_fps = videos.real(i++);
    frames.bind(1, static_cast<std::int64_t>(r.seq));
    if (frames.step()) v.hashed_frames = static_cast<std::uint64_t>(frames.int64(0));
    frames.reset();
    r.video = std::move(v);
  }
  videos.reset();
}

}  // namespace

namespace {

// Reads items row by row with everything attached to them (matches, video facts, problems): the
// statements are prepared once for a whole read.
class ItemReader {
 public:
  explicit ItemReader(sqlite3* db)
      : problems_(db, "SELECT stage, message FROM errors WHERE item_id = ? ORDER BY id"),
        videos_(db,
                "SELECT container, codec, width, height, frame_rate, duration, frame_count, creation_time, "
                "rotation, frames_decoded, sample_fps FROM videos WHERE item_id = ?"),
        frames_(db, "SELECT count(*) FROM frames WHERE item_id = ?"),
        matches_(db,
                 "SELECT set_name, role, hash_type, media_id, category, distance, variant, quality, "
                 "frame, timestamp, seized_percent, known_percent "
                 "FROM matches WHERE item_id = ? ORDER BY id") {}

  // The item of the current row of `q`, a SELECT of item_column_list().
  ItemRecord read(sqlite::Statement& q);

 private:
  sqlite::Statement problems_, videos_, frames_, matches_;
};

ItemRecord ItemReader::read(sqlite::Statement& q) {
  ItemRecord r = read_item_row(q);
  matches_.bind(1, static_cast<std::int64_t>(r.seq));
  while (matches_.step()) {
    ItemMatch m;
    m.set = matches_.text(0);
    m.role = state_from(parse_hash_set_role(matches_.text(1)), "match role", matches_.text(1));
    m.hash_type = state_from(parse_hash_type(matches_.text(2)), "match hash type", matches_.text(2));
    m.media_id = matches_.text(3);
    m.category = matches_.text(4);
    if (auto d = matches_.optional_int64(5)) m.distance = static_cast<int>(*d);
    m.variant = matches_.optional_text(6).value_or("");
    if (auto q2 = matches_.optional_int64(7)) m.quality = static_cast<int>(*q2);
    m.frame = matches_.optional_int64(8);
    m.timestamp = matches_.optional_real(9);
    m.seized_percent = matches_.optional_real(10);
    m.known_percent = matches_.optional_real(11);
    r.matches.push_back(std::move(m));
  }
  matches_.reset();
  read_video(videos_, frames_, r);
  problems_.bind(1, static_cast<std::int64_t>(r.seq));
  while (problems_.step()) r.problems.push_back({problems_.text(0), problems_.text(1)});
  problems_.reset();
  return r;
}

}  // namespace

std::string CaseStore::item_select() const {
  return item_select_list([this](std::string_view column) { return has_column(db_.get(), "items", column); });
}

void CaseStore::for_each_item(const std::function<void(const ItemRecord&)>& visit) const {
  sqlite::Statement q(db_.get(), fmt::format("SELECT {} FROM items ORDER BY id", item_select()));
  ItemReader reader(db_.get());
  while (q.step()) visit(reader.read(q));
}

void CaseStore::for_each_item_of(const std::vector<std::uint64_t>& seqs,
                                 const std::function<void(const ItemRecord&)>& visit) const {
  sqlite::Statement q(db_.get(), fmt::format("SELECT {} FROM items WHERE id = ?", item_select()));
  ItemReader reader(db_.get());
  for (const std::uint64_t seq : seqs) {
    q.bind(1, static_cast<std::int64_t>(seq));
    if (!q.step()) throw sqlite::Error(fmt::format("the case holds no item {}", seq));
    visit(reader.read(q));
    q.reset();
  }
}

void CaseStore::for_each_problem(const std::function<void(const WalkProblem&)>& visit) const {
  read_problems(db_.get(), "", visit);
}

std::vector<RunSummary> CaseStore::runs() const {
  std::vector<RunSummary> out;
  const bool libraries = has_column(db_.get(), "runs", "libraries");  // a case made before them has none
  const bool alerts = has_column(db_.get(), "runs", "first_alert_s");   // nor this
  sqlite::Statement q(db_.get(), fmt::format("SELECT id, started_utc, ended_utc, status, command_line, tool_version, "
                                             "git_commit, options, jobs, {}, {} FROM runs ORDER BY id",
                                             libraries ? "libraries" : "NULL", alerts ? "first_alert_s" : "NULL"));
  while (q.step())
    out.push_back({q.int64(0), q.text(1), q.optional_text(2).value_or(""), q.text(3), q.text(4), q.text(5), q.text(6),
                   q.text(7), q.int64(8), libraries_from(q.optional_text(9).value_or("")), q.optional_real(10)});
  return out;
}

std::vector<CaseProfileText> CaseStore::profiles() const {
  std::vector<CaseProfileText> out;
  sqlite::Statement q(db_.get(), "SELECT name, json FROM profiles ORDER BY run_id");
  while (q.step()) out.push_back({q.text(0), q.text(1)});
  return out;
}

}  // namespace triage

namespace triage {

std::vector<AnalystGrade> CaseStore::grades() const {
  std::vector<AnalystGrade> out;
  if (!sqlite::has_table(db_.get(), "grades")) return out;
  sqlite::Statement q(db_.get(),
                      "SELECT id, hash_type, hash, code, grader, note, graded_utc, source_file, source_line "
                      "FROM grades ORDER BY id");
  while (q.step()) {
    AnalystGrade g;
    g.id = q.int64(0);
    g.hash_type = state_from(parse_hash_type(q.text(1)), "grade hash type", q.text(1));
    g.hash = q.text(2);
    g.code = q.text(3);
    g.grader = q.text(4);
    g.note = q.optional_text(5).value_or("");
    g.graded_utc = q.text(6);
    g.source_file = q.text(7);
    g.source_line = static_cast<std::uint64_t>(q.int64(8));
    out.push_back(std::move(g));
  }
  return out;
}

}  // namespace triage
