#pragma once
// The device's own media databases, stronger signals than EXIF and paths where the evidence holds
// them: iOS Photos.sqlite (per asset: who imported it, ZIMPORTEDBY, and the creating app's bundle
// id) and Android MediaStore's external.db (per file: the package that contributed it,
// owner_package_name). formats/devicedb reads them; the rows are matched to the items by their
// location once the walk is over (app/case_provenance).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/provenance/provenance_record.h"

namespace triage {

enum class DeviceDatabase { photos_sqlite, mediastore_external };
const char* to_string(DeviceDatabase kind);  // "Photos.sqlite", "external.db"
std::optional<DeviceDatabase> parse_device_database(std::string_view text);

// The kind of device database a file is, by its name (case-sensitive, as the devices write it).
std::optional<DeviceDatabase> device_database_of(std::string_view file_name);

// One asset or file a database describes.
struct DeviceMediaRow {
  std::string media_path;                   // below the media root: "DCIM/100APPLE/IMG_0001.HEIC", "0/DCIM/Camera/a.jpg"
  std::optional<int> imported_by;           // Photos.sqlite ZADDITIONALASSETATTRIBUTES.ZIMPORTEDBY
  std::string creator_bundle;               // Photos.sqlite ZCREATORBUNDLEID; empty when none
  std::optional<std::string> owner_package; // external.db owner_package_name; nullopt: NULL
  bool operator==(const DeviceMediaRow&) const = default;
};

// What one database file held, and where the files it describes lie: the location prefix that
// media_path is below (the same file system's path, as rule_location gives it).
struct DeviceMediaTable {
  DeviceDatabase kind = DeviceDatabase::photos_sqlite;
  std::string media_root;  // "private/var/mobile/Media/", "data/media/"; "" when not derivable
  std::vector<DeviceMediaRow> rows;
};

// The media root of a database at `db_location` (its rule_location): Photos.sqlite lies in
// Media/PhotoData/ and names assets below Media/; external.db lies in an app's data folder
// (data/data/..., data/user/N/..., data/user_de/N/...) and names files below /storage/emulated/,
// which the data partition holds in data/media/. Empty when the location does not show the layout.
std::string device_media_root(DeviceDatabase kind, std::string_view db_location);

// external.db's _data ("/storage/emulated/0/DCIM/Camera/a.jpg", "/sdcard/DCIM/a.jpg") as a path
// below data/media/ ("0/DCIM/Camera/a.jpg"); nullopt for a path elsewhere (an SD card, /data).
std::optional<std::string> mediastore_media_path(std::string_view data_column);

// What a row says, into the item's provenance (before the indicator is decided): ZIMPORTEDBY 1 and
// 2 are the native back and front cameras (origin camera, front_camera); 3 and 6 a third-party
// app and 9 a native app (the creator's bundle id becomes the app, and a camera-roll origin
// becomes unknown: the native camera did not take it); an owner package that is a
// camera app gives origin camera, SystemUI a screenshot, any other package the app. Each adds its
// signal ("db:Photos.sqlite ZIMPORTEDBY=2 (native front camera)").
void apply_device_media(Provenance& provenance, DeviceDatabase kind, const DeviceMediaRow& row);

}  // namespace triage
