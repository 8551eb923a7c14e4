// The provenance parts of the case store: the origin rules in force, the device media databases
// read during the walk, and the indicators decided after it (app/case_provenance).
#include <fmt/format.h>
#include <sqlite3.h>

#include <unordered_map>

#include "core/provenance/provenance.h"
#include "formats/casedb/case_schema.h"
#include "formats/casedb/case_store.h"
#include "formats/casedb/item_columns.h"

namespace triage {

void CaseStore::add_origin_rules(const std::string& name, const std::string& json) {
  sqlite::Statement insert(db_.get(), "INSERT INTO origin_rules(run_id, name, json) VALUES (?, ?, ?)");
  insert.bind(1, run_id_).bind_text(2, name).bind_text(3, json).run();
}

void CaseStore::for_each_provenance(
    const std::function<void(std::uint64_t, std::uint32_t, const ItemRecord&, const Provenance&)>& visit,
    bool with_camera_id) const {
  std::vector<const ItemColumn*> columns;
  std::string list = "id, source_index, path, device_path";
  for (const ItemColumn& c : item_columns()) {
    if (!is_provenance_column(c.name)) continue;
    columns.push_back(&c);
    list += ", " + std::string(c.name);
  }
  constexpr int kSlice = 4096;
  struct Row {
    std::uint64_t id;
    std::uint32_t source_index;
    std::string path, device_path;
    Provenance provenance;
  };
  std::vector<Row> slice;
  slice.reserve(kSlice);
  ItemRecord r;  // one record read into, and one visited, again and again: an ItemRecord is large to make
  ItemRecord located;
  std::int64_t after = -1;
  for (;;) {
    slice.clear();
    {
      sqlite::Statement q(db_.get(), fmt::format("SELECT {} FROM items WHERE prov_origin IS NOT NULL {} AND id > ? "
                                                 "ORDER BY id LIMIT {}",
                                                 list, with_camera_id ? "AND camera_id IS NOT NULL" : "", kSlice));
      q.bind(1, after);
      while (q.step()) {
        r.provenance.reset();
        for (std::size_t i = 0; i < columns.size(); ++i) columns[i]->read(q, static_cast<int>(i + 4), r);
        slice.push_back({static_cast<std::uint64_t>(q.int64(0)), static_cast<std::uint32_t>(q.int64(1)), q.text(2),
                         q.optional_text(3).value_or(""), std::move(*r.provenance)});
      }
    }
    // Visited after the statement is done: the visitor may write to the items table.
    for (Row& row : slice) {
      located.path = std::move(row.path);  // what rule_location reads
      located.fs.device_path = std::move(row.device_path);
      visit(row.id, row.source_index, located, row.provenance);
    }
    if (slice.size() < kSlice) return;
    after = static_cast<std::int64_t>(slice.back().id);
  }
}

std::vector<std::pair<std::string, std::uint64_t>> CaseStore::camera_roll_counts() const {
  std::vector<std::pair<std::string, std::uint64_t>> counts;
  sqlite::Statement q(db_.get(), "SELECT camera_id, count(*) FROM items WHERE prov_origin = 'camera' AND "
                                 "camera_id IS NOT NULL GROUP BY camera_id ORDER BY camera_id");
  while (q.step()) counts.emplace_back(q.text(0), static_cast<std::uint64_t>(q.int64(1)));
  return counts;
}

void CaseStore::update_provenance(std::uint64_t id, const Provenance& p) {
  begin_batch();
  // What the decision after the walk may change: the device databases' origin, app and facing,
  // and the own camera, indicator and signals.
  if (!update_provenance_)
    update_provenance_ = std::make_unique<sqlite::Statement>(
        db_.get(), "UPDATE items SET prov_origin = ?, prov_app = ?, front_camera = ?, own_camera = ?, "
                   "origin_indicator = ?, prov_signals = ? WHERE id = ?");
  sqlite::Statement& update = *update_provenance_;
  auto flag = [](const std::optional<bool>& v) {
    return v ? std::optional<std::int64_t>(*v ? 1 : 0) : std::optional<std::int64_t>();
  };
  update.bind_text(1, to_string(p.origin))
      .bind_optional(2, p.app.empty() ? std::nullopt : std::optional(p.app))
      .bind_optional(3, flag(p.front_camera))
      .bind_optional(4, flag(p.own_camera))
      .bind_text(5, to_string(p.indicator))
      .bind_text(6, signals_text(p.signals))
      .bind(7, static_cast<std::int64_t>(id))
      .run();
}

namespace {

// The SQL function behind redecide_camera_items: triage_redecided(which, prov_origin, camera_id,
// front_camera, prov_signals) gives the decided own_camera (which 0), origin_indicator (1) or
// prov_signals (2). The three calls for one row, and rows alike, share one decision.
class Redecider {
 public:
  explicit Redecider(const std::function<void(Provenance&)>& decide) : decide_(decide) {}

  static void call(sqlite3_context* context, int argc, sqlite3_value** argv) {
    try {
      static_cast<Redecider*>(sqlite3_user_data(context))->answer(context, argc, argv);
    } catch (const std::exception& e) {  // never through SQLite's C frames
      sqlite3_result_error(context, e.what(), -1);
    }
  }

 private:
  struct Decided {
    std::optional<bool> own_camera;
    std::string indicator, signals;
  };

  static std::optional<std::string> text(sqlite3_value* v) {
    if (sqlite3_value_type(v) == SQLITE_NULL) return std::nullopt;
    const auto* bytes = reinterpret_cast<const char*>(sqlite3_value_text(v));
    return std::string(bytes, static_cast<std::size_t>(sqlite3_value_bytes(v)));
  }

  void answer(sqlite3_context* context, int argc, sqlite3_value** argv) {
    if (argc != 5) throw std::invalid_argument("triage_redecided takes five arguments");
    std::string key;
    for (int i = 1; i < argc; ++i) {
      const auto v = text(argv[i]);
      key += v ? "+" + *v : "-";  // null apart from every text
      key += '\x1f';
    }
    auto it = decided_.find(key);
    if (it == decided_.end()) {
      if (decided_.size() >= 4096) decided_.clear();  // bounded: signals may differ on every item
      it = decided_.emplace(std::move(key), decide(argv)).first;
    }
    const Decided& d = it->second;
    switch (sqlite3_value_int(argv[0])) {
      case 0:
        if (d.own_camera) sqlite3_result_int(context, *d.own_camera ? 1 : 0);
        else sqlite3_result_null(context);
        return;
      case 1:
        sqlite3_result_text(context, d.indicator.data(), static_cast<int>(d.indicator.size()), SQLITE_TRANSIENT);
        return;
      default:
        sqlite3_result_text(context, d.signals.data(), static_cast<int>(d.signals.size()), SQLITE_TRANSIENT);
    }
  }

  Decided decide(sqlite3_value** argv) const {
    Provenance p;
    p.origin = parse_origin(text(argv[1]).value_or("")).value_or(Origin::unknown);
    p.camera_id = text(argv[2]);
    if (sqlite3_value_type(argv[3]) != SQLITE_NULL) p.front_camera = sqlite3_value_int(argv[3]) != 0;
    p.signals = signals_from_text(text(argv[4]).value_or(""));
    decide_(p);
    return {p.own_camera, to_string(p.indicator), signals_text(p.signals)};
  }

  const std::function<void(Provenance&)>& decide_;
  std::unordered_map<std::string, Decided> decided_;
};

}  // namespace

std::uint64_t CaseStore::redecide_camera_items(const std::function<void(Provenance&)>& decide) {
  begin_batch();
  Redecider redecider(decide);
  constexpr const char* kName = "triage_redecided";
  if (sqlite3_create_function_v2(db_.get(), kName, 5, SQLITE_UTF8 | SQLITE_DIRECTONLY, &redecider, &Redecider::call,
                                 nullptr, nullptr, nullptr) != SQLITE_OK)
    throw sqlite::Error(fmt::format("cannot register {}: {}", kName, sqlite3_errmsg(db_.get())));
  struct Unregister {
    sqlite3* db;
    ~Unregister() { sqlite3_create_function_v2(db, "triage_redecided", 5, SQLITE_UTF8, nullptr, nullptr, nullptr, nullptr, nullptr); }
  } unregister{db_.get()};
  const std::string args = "prov_origin, camera_id, front_camera, prov_signals";
  // Only the rows the decision changes are written.
  sqlite::Statement update(
      db_.get(), fmt::format("UPDATE items SET own_camera = {0}(0, {1}), origin_indicator = {0}(1, {1}), "
                             "prov_signals = {0}(2, {1}) WHERE prov_origin IS NOT NULL AND camera_id IS NOT NULL AND "
                             "(own_camera IS NOT {0}(0, {1}) OR origin_indicator IS NOT {0}(1, {1}) OR "
                             "prov_signals IS NOT {0}(2, {1}))",
                             kName, args));
  update.run();
  return static_cast<std::uint64_t>(sqlite3_changes64(db_.get()));
}

void CaseStore::add_device_media(const ItemRecord& item) {
  sqlite::Statement insert(db_.get(),
                           "INSERT INTO device_media(db_item_id, source_index, kind, media_root, media_path, imported_by, "
                           "creator_bundle, owner_package) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  const DeviceMediaTable& table = *item.device_media;
  for (const DeviceMediaRow& row : table.rows) {
    insert.bind(1, static_cast<std::int64_t>(item.seq))
        .bind(2, static_cast<std::int64_t>(item.source_index))
        .bind_text(3, to_string(table.kind))
        .bind_text(4, table.media_root)
        .bind_text(5, row.media_path)
        .bind_optional(6, row.imported_by)
        .bind_optional(7, row.creator_bundle.empty() ? std::nullopt : std::optional(row.creator_bundle))
        .bind_optional(8, row.owner_package)
        .run();
  }
}

void CaseStore::for_each_device_media(
    const std::function<void(std::uint32_t source_index, DeviceDatabase kind, const std::string& media_root,
                             const DeviceMediaRow& row)>& visit) const {
  if (!sqlite::has_table(db_.get(), "device_media")) return;  // a case made before it
  sqlite::Statement q(db_.get(), "SELECT source_index, kind, media_root, media_path, imported_by, creator_bundle, "
                                 "owner_package FROM device_media ORDER BY db_item_id, rowid");
  while (q.step()) {
    const auto kind = parse_device_database(q.text(1));
    if (!kind) continue;
    DeviceMediaRow row;
    row.media_path = q.text(3);
    if (const auto by = q.optional_int64(4)) row.imported_by = static_cast<int>(*by);
    row.creator_bundle = q.optional_text(5).value_or("");
    row.owner_package = q.optional_text(6);
    visit(static_cast<std::uint32_t>(q.int64(0)), *kind, q.text(2), row);
  }
}

}  // namespace triage
