// The case as the lab index reads it (core/lab/lab_index.h): one row per item, the hash types
// of its matches as the basis of its category, and the sampled video frames' PDQ hashes.
#include <fmt/format.h>

#include "core/lab/lab_index.h"
#include "formats/casedb/case_schema.h"
#include "formats/casedb/case_store.h"

namespace triage {

void CaseStore::for_each_lab_item(const std::function<void(const LabItem&)>& visit) const {
  sqlite3* db = db_.get();
  const bool provenance = has_column(db, "items", "camera_id");  // a case made before provenance has none
  // The hash types of each item's matches, merged in item order (a subquery per item was a
  // second of every million items).
  sqlite::Statement basis(db, "SELECT item_id, group_concat(hash_type, ',') FROM (SELECT DISTINCT item_id, hash_type "
                              "FROM matches ORDER BY item_id, hash_type) GROUP BY item_id ORDER BY item_id");
  bool basis_row = basis.step();
  sqlite::Statement q(db, fmt::format("SELECT id, path, size, media_type, md5, sha1, sha256, pdq, pdq_quality, category, "
                                      "{} FROM items ORDER BY id",
                                      provenance ? "camera_id, origin_indicator" : "NULL, NULL"));
  LabItem i;
  while (q.step()) {
    i.seq = static_cast<std::uint64_t>(q.int64(0));
    i.path = q.text(1);
    i.size = static_cast<std::uint64_t>(q.int64(2));
    i.media_type = q.text(3);
    i.md5 = q.optional_text(4).value_or("");
    i.sha1 = q.optional_text(5).value_or("");
    i.sha256 = q.optional_text(6).value_or("");
    i.pdq = q.optional_text(7).value_or("");
    i.pdq_quality.reset();
    if (auto v = q.optional_int64(8)) i.pdq_quality = static_cast<int>(*v);
    i.category = q.optional_text(9).value_or("");
    while (basis_row && basis.int64(0) < q.int64(0)) basis_row = basis.step();  // matches of no item
    i.basis = basis_row && basis.int64(0) == q.int64(0) ? basis.text(1) : std::string();
    i.camera_id = q.optional_text(10).value_or("");
    i.indicator = q.optional_text(11).value_or("");
    visit(i);
  }
}

void CaseStore::for_each_frame(const std::function<void(const LabFrame&)>& visit) const {
  sqlite::Statement q(db_.get(), "SELECT item_id, frame, pdq, pdq_quality FROM frames ORDER BY item_id, frame, id");
  while (q.step())
    visit(LabFrame{static_cast<std::uint64_t>(q.int64(0)), q.int64(1), q.text(2), static_cast<int>(q.int64(3))});
}

}  // namespace triage
