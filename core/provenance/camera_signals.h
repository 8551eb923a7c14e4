#pragma once
// What a picture's EXIF says about the camera that took it: the camera id, the lens's facing
// where the maker writes it, and whether a JPEG carries no camera field at all (what messaging
// apps' re-encoding leaves).
#include <optional>
#include <string>
#include <string_view>

#include "core/item.h"

namespace triage {

// "Make|Model|Serial" (BodySerialNumber, else the DNG CameraSerialNumber), '-' for an absent
// serial: "Apple|iPhone 12|-". Fields are trimmed and a '|' inside one is written '/'. nullopt
// when neither make nor model is recorded.
std::optional<std::string> camera_id_of(const ExifFields& exif);

// True for a front camera, false for a back (rear) one, as LensModel names it ("iPhone 12 front
// camera 2.71mm f/2.2", "iPhone 12 back dual wide camera 4.2mm f/1.6"); nullopt otherwise: never
// guessed from focal length or anything else.
std::optional<bool> front_camera_of(const ExifFields& exif);

// A JPEG with none of the camera fields (make, model, serial, lens, capture times, GPS).
bool exif_stripped(const ExifFields& exif, std::string_view mime);

}  // namespace triage
