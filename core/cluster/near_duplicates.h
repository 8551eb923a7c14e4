#pragma once
// Near-duplicate clusters of a case's pictures: the connected components of the graph whose
// vertices are items and whose edges join two items that are exact copies (the same SHA-1) or hold
// a PDQ hash each within a distance (a still image's hash, or any hashed frame of a video), or
// whose one item's mirror-image hash is within the distance of the other's hash. One
// decision then grades a whole group. The PDQ joins go through the multi-index hash search of
// core/match (exact radius search, no quadratic pass).
#include <cstdint>
#include <string>
#include <vector>

#include "core/match/hash256.h"

namespace triage {

struct ClusterItem {
  std::string sha1;                     // empty: joined by PDQ only
  std::vector<match::Hash256> hashes;   // the PDQ hashes good enough to compare (may be empty)
  // Hashes of the item's mirror image: compared with the others' hashes only (a mirrored copy's
  // own hash is near this one's mirror hash), never with each other.
  std::vector<match::Hash256> mirrors;
};

struct ClusterOptions {
  int max_distance = 31;  // PDQ bits; 31 is the PDQ authors' suggested match threshold
  unsigned threads = 1;   // searches spread over this many threads (the result does not depend on it)
};

// For items given in walk order, each item's cluster as the index of the cluster's first member
// (so out[i] <= i, and out[i] == i for the first member). Deterministic.
std::vector<std::uint32_t> cluster_near_duplicates(const std::vector<ClusterItem>& items,
                                                   const ClusterOptions& options = {});

}  // namespace triage
