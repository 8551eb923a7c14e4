#include "app/case_clusters.h"

#include <unordered_map>

#include "core/cluster/near_duplicates.h"
#include "formats/casedb/case_store.h"

namespace triage {

ClusterDecision decide_case_clusters(CaseStore& store, const ClusterDecisionOptions& options) {
  // Still images and videos in walk order, with the SHA-256 that will name their cluster. An item
  // without digests (its time budget spent before them) has no cluster.
  std::vector<std::uint64_t> ids;
  std::vector<std::string> sha256;
  std::vector<ClusterItem> members;
  std::unordered_map<std::uint64_t, std::uint32_t> position;  // item id -> index in members
  store.for_each_cluster_member([&](std::uint64_t id, const std::string& sha1, const std::string& sha,
                                    const std::string& pdq, std::optional<int> quality, const std::string& mirror) {
    if (sha.empty()) return;
    ClusterItem item;
    item.sha1 = sha1;
    if (quality && *quality >= options.min_quality) {
      if (auto h = match::from_hex(pdq)) item.hashes.push_back(*h);
      if (auto h = match::from_hex(mirror)) item.mirrors.push_back(*h);
    }
    position.emplace(id, static_cast<std::uint32_t>(members.size()));
    ids.push_back(id);
    sha256.push_back(sha);
    members.push_back(std::move(item));
  });
  store.for_each_frame_pdq([&](std::uint64_t item_id, const std::string& pdq, int quality) {
    const auto at = position.find(item_id);
    if (at == position.end() || quality < options.min_quality) return;
    if (auto h = match::from_hex(pdq)) members[at->second].hashes.push_back(*h);
  });
  position.clear();

  const std::vector<std::uint32_t> first = cluster_near_duplicates(members, {options.max_distance, options.threads});
  std::vector<std::uint64_t> size(members.size(), 0);
  for (const std::uint32_t f : first) ++size[f];
  ClusterDecision decision;
  for (std::size_t i = 0; i < members.size(); ++i) {
    const std::uint64_t n = size[first[i]];
    store.set_cluster(ids[i], sha256[first[i]], n);
    ++decision.items;
    if (first[i] == i) ++decision.clusters;
    if (n > 1) ++decision.joined;
  }
  store.commit();
  return decision;
}

}  // namespace triage
