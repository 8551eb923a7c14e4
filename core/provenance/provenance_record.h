#pragma once
// An item's provenance as the outputs carry it (core/provenance/provenance.h derives it).
#include <optional>
#include <string>
#include <vector>

#include "core/provenance/origin.h"

namespace triage {

struct Provenance {
  Origin origin = Origin::unknown;
  std::string app;    // empty: none
  std::string rule;   // the deciding rule's id; empty: none matched
  std::optional<std::string> camera_id;
  std::optional<bool> own_camera;    // null: no camera id, or the exhibit's own cameras unknown
  std::optional<bool> front_camera;  // null: the lens's facing not recorded
  bool stripped = false;
  std::optional<int> faces;
  std::optional<double> largest_face;  // the largest face's share of the frame, 0..1
  OriginIndicator indicator = OriginIndicator::unknown;
  std::vector<std::string> signals;    // "path:**/DCIM/Camera", "exif:LensModel ...", ...

  bool operator==(const Provenance&) const = default;
};

}  // namespace triage
