#include "app/case_provenance.h"

#include <map>
#include <utility>

#include "core/provenance/provenance.h"
#include "core/text/text_input.h"
#include "formats/casedb/case_store.h"

namespace triage {
namespace {

// The device databases' rows by (source, lower-case location of the file they describe): iOS and
// Android media paths are matched without regard to case, as their file systems store them.
struct DeviceRow {
  DeviceDatabase kind;
  DeviceMediaRow row;
};
using DeviceRows = std::map<std::pair<std::uint32_t, std::string>, DeviceRow>;

DeviceRows device_rows(const CaseStore& store) {
  DeviceRows rows;
  store.for_each_device_media([&](std::uint32_t source, DeviceDatabase kind, const std::string& root,
                                  const DeviceMediaRow& row) {
    rows.try_emplace({source, lower_ascii(root + row.media_path)}, DeviceRow{kind, row});  // the first database wins
  });
  return rows;
}

}  // namespace

OwnCameraDecision decide_case_provenance(CaseStore& store, const std::vector<std::string>& named_own_cameras,
                                         const std::vector<SourceRoot>& roots) {
  OwnCameraDecision decision;
  const DeviceRows rows = device_rows(store);
  // An item's provenance with what the device's own databases say about it.
  auto with_device_rows = [&](std::uint32_t source, const ItemRecord& located, const Provenance& stored) {
    Provenance p = stored;
    if (rows.empty() || source >= roots.size()) return p;
    std::string location = rule_location(located, roots[source].path, roots[source].folder);
    while (!location.empty() && location.front() == '/') location.erase(0, 1);
    const auto it = rows.find({source, lower_ascii(location)});
    if (it == rows.end()) return p;
    std::erase_if(p.signals, [](const std::string& s) { return s.starts_with("db:"); });  // applied again
    apply_device_media(p, it->second.kind, it->second.row);
    return p;
  };
  OwnCameras own = named_own_cameras.empty() ? OwnCameras{} : OwnCameras::named(named_own_cameras);
  if (!own.is_named() && rows.empty()) {  // the origins as recorded: SQL counts them
    for (const auto& [camera_id, items] : store.camera_roll_counts()) own.count_camera_roll(camera_id, items);
  } else if (!own.is_named()) {  // the device databases may make a picture a camera-roll one
    store.for_each_provenance([&](std::uint64_t, std::uint32_t source, const ItemRecord& located, const Provenance& stored) {
      const Provenance p = with_device_rows(source, located, stored);
      if (p.origin == Origin::camera && p.camera_id) own.count_camera_roll(*p.camera_id);
    }, /*with_camera_id=*/true);  // only a picture with a camera id counts
  }
  own.finish();
  decision.own_cameras = own.ids();
  decision.named = own.is_named();
  // With the examiner's cameras and no device rows, the stream's decisions were already final.
  if (own.is_named() && rows.empty()) return decision;
  if (rows.empty()) {  // only own cameras can change an item: one statement decides them all
    decision.changed = store.redecide_camera_items([&](Provenance& p) { decide_indicator(p, own); });
    store.commit();
    return decision;
  }
  store.for_each_provenance([&](std::uint64_t id, std::uint32_t source, const ItemRecord& located, const Provenance& stored) {
    Provenance decided = with_device_rows(source, located, stored);
    decide_indicator(decided, own);
    if (decided == stored) return;
    store.update_provenance(id, decided);
    ++decision.changed;
  });
  store.commit();
  return decision;
}

}  // namespace triage
