#pragma once
// The provenance indicators decided once the walk is over: an exhibit's own cameras are the
// camera ids that dominate its camera roll, known only when every item has been seen (or the
// examiner's --own-camera names), and each item's indicator follows from them.
#include <cstdint>
#include <string>
#include <vector>

namespace triage {

class CaseStore;

struct OwnCameraDecision {
  std::vector<std::string> own_cameras;  // the ids in force
  bool named = false;                    // given by the examiner
  std::uint64_t items = 0;               // items with a provenance
  std::uint64_t changed = 0;             // whose indicator or own_camera the decision changed
};

OwnCameraDecision decide_case_provenance(CaseStore& store, const std::vector<std::string>& named_own_cameras);

}  // namespace triage
