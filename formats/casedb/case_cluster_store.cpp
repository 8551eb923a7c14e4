// The clustering parts of the case store: what app/case_clusters reads after the walk, and the
// clusters it writes back.
#include "formats/casedb/case_store.h"

namespace triage {

void CaseStore::for_each_cluster_member(
    const std::function<void(std::uint64_t, const std::string&, const std::string&, const std::string&,
                             std::optional<int>, const std::string&)>& visit) const {
  sqlite::Statement q(db_.get(), "SELECT id, sha1, sha256, pdq, pdq_quality, pdq_mirror FROM items "
                                 "WHERE media_type IN ('image', 'video') ORDER BY id");
  while (q.step()) {
    const auto quality = q.optional_int64(4);
    visit(static_cast<std::uint64_t>(q.int64(0)), q.optional_text(1).value_or(""), q.optional_text(2).value_or(""),
          q.optional_text(3).value_or(""), quality ? std::optional<int>(static_cast<int>(*quality)) : std::nullopt,
          q.optional_text(5).value_or(""));
  }
}

void CaseStore::for_each_frame_pdq(const std::function<void(std::uint64_t, const std::string&, int)>& visit) const {
  sqlite::Statement q(db_.get(), "SELECT item_id, pdq, pdq_quality FROM frames ORDER BY item_id, id");
  while (q.step()) visit(static_cast<std::uint64_t>(q.int64(0)), q.text(1), static_cast<int>(q.int64(2)));
}

void CaseStore::set_cluster(std::uint64_t id, const std::string& cluster, std::uint64_t size) {
  begin_batch();
  if (!update_cluster_)
    update_cluster_ = std::make_unique<sqlite::Statement>(
        db_.get(), "UPDATE items SET cluster = ?, cluster_size = ? WHERE id = ?");
  update_cluster_->bind_text(1, cluster)
      .bind(2, static_cast<std::int64_t>(size))
      .bind(3, static_cast<std::int64_t>(id))
      .run();
}

}  // namespace triage
