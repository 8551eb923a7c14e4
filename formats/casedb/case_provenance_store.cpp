// The provenance parts of the case store: the origin rules in force, the device media databases
// read during the walk, and the indicators decided after it (app/case_provenance).
#include <fmt/format.h>

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
