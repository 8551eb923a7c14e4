#pragma once
// Near-duplicate clusters decided once the walk is over (every item must be known): each still
// image and video of the case joins the cluster of its exact copies and near-duplicates
// (core/cluster), and gets the cluster's id and size in case.db.
#include <cstdint>

namespace triage {

class CaseStore;

struct ClusterDecisionOptions {
  int max_distance = 31;  // --cluster-distance: PDQ bits
  int min_quality = 50;   // hashes of lower PDQ quality (flat, featureless pictures) join by copy only
  unsigned threads = 1;
};

struct ClusterDecision {
  std::uint64_t items = 0;     // still images and videos given a cluster
  std::uint64_t clusters = 0;  // distinct clusters among them
  std::uint64_t joined = 0;    // items in a cluster of two or more
};

ClusterDecision decide_case_clusters(CaseStore& store, const ClusterDecisionOptions& options);

}  // namespace triage
