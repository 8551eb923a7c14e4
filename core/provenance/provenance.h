#pragma once
// The provenance of one still image or video: where it lies (an origin rule), what its EXIF says
// about the camera, and the indicator these give, with every reason listed as a signal so that
// an examiner can check it. An indicator is metadata and location, which can be altered: it
// never establishes who took a picture, and never changes a category.
//
// The indicator table (decide_indicator), first row that applies:
//   own camera and front camera           captured_on_device_front_camera
//   own camera                            captured_on_device
//   a camera id that is not an own camera captured_on_other_device
//   origin messaging_received, web_cache or download
//                                         received
//   otherwise                             unknown
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/item.h"
#include "core/provenance/origin.h"
#include "core/provenance/provenance_record.h"

namespace triage {

class OriginRuleSet;

// What the item alone tells: the rule deciding `path_inside` (null rules: none), and the EXIF.
// The indicator is left for decide_indicator, once the exhibit's own cameras are known.
Provenance assess_item(const OriginRuleSet* rules, std::string_view path_inside, const ExifFields& exif,
                       std::string_view mime);

// The exhibit's own cameras: the examiner's (--own-camera, "Make|Model" or a whole camera id),
// else the camera ids that hold at least a quarter of the camera-roll items with a camera id.
class OwnCameras {
 public:
  static OwnCameras named(std::vector<std::string> names);
  // Counts camera-roll items (origin camera) with a camera id, for the detection.
  void count_camera_roll(const std::string& camera_id, std::size_t items = 1);
  // Ends the counting: picks the detected cameras (named ones stay as given).
  void finish();
  bool known() const { return !ids_.empty(); }
  bool is_named() const { return named_; }
  bool contains(const std::string& camera_id) const;
  const std::vector<std::string>& ids() const { return ids_; }

 private:
  bool named_ = false;
  std::vector<std::string> ids_;
  std::vector<std::pair<std::string, std::size_t>> counts_;
};

// A source's path as its items are written (a folder's without a trailing '/'), and whether it is
// a folder: what rule_location parses an item's path against.
struct SourceRoot {
  std::string path;
  bool folder = false;
};

// The path the origin rules read for an item: its path on the device (a phone extraction's
// member), else its path inside the innermost archive, else inside its file system (a folder
// source's: below the folder, so that the folders above the evidence never match a rule); empty
// for what has no path (carved). `source_root` is the source's path as its items are written.
std::string rule_location(const ItemRecord& item, std::string_view source_root, bool folder_source);

// The signals as one text (case.db): one per line, '\\' and a newline inside one escaped; and back.
std::string signals_text(const std::vector<std::string>& signals);
std::vector<std::string> signals_from_text(std::string_view text);

// Fills own_camera and the indicator from the table above, adding their signals.
void decide_indicator(Provenance& provenance, const OwnCameras& own);

}  // namespace triage
