#include "app/case_provenance.h"

#include "core/provenance/provenance.h"
#include "formats/casedb/case_store.h"

namespace triage {

OwnCameraDecision decide_case_provenance(CaseStore& store, const std::vector<std::string>& named_own_cameras) {
  OwnCameraDecision decision;
  OwnCameras own = named_own_cameras.empty() ? OwnCameras{} : OwnCameras::named(named_own_cameras);
  if (!own.is_named()) {
    store.for_each_provenance([&](std::uint64_t, const Provenance& p) {
      if (p.origin == Origin::camera && p.camera_id) own.count_camera_roll(*p.camera_id);
    });
  }
  own.finish();
  decision.own_cameras = own.ids();
  decision.named = own.is_named();
  store.for_each_provenance([&](std::uint64_t id, const Provenance& p) {
    ++decision.items;
    Provenance decided = p;
    decide_indicator(decided, own);
    if (decided == p) return;
    store.update_provenance(id, decided);
    ++decision.changed;
  });
  store.commit();
  return decision;
}

}  // namespace triage
