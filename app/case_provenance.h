#pragma once
// The provenance indicators decided once the walk is over: an exhibit's own cameras are the
// camera ids that dominate its camera roll, known only when every item has been seen (or the
// examiner's --own-camera names), and each item's indicator follows from them. The device's own
// media databases (Photos.sqlite, external.db) may lie anywhere in the walk order, so their rows
// are applied here too.
#include <cstdint>
#include <string>
#include <vector>

#include "core/provenance/provenance.h"

namespace triage {

class CaseStore;

struct OwnCameraDecision {
  std::vector<std::string> own_cameras;  // the ids in force
  bool named = false;                    // given by the examiner
  std::uint64_t changed = 0;             // items whose own_camera, indicator or signals it changed
};

// The device media databases' rows applied to the items they describe (matched by the location
// below the database's media root, in the same source), then own cameras and indicators.
OwnCameraDecision decide_case_provenance(CaseStore& store, const std::vector<std::string>& named_own_cameras,
                                         const std::vector<SourceRoot>& roots);

}  // namespace triage
