#include "core/provenance/device_media.h"

#include <array>
#include <fmt/format.h>

#include "core/text/text_input.h"

namespace triage {
namespace {

// Camera apps whose files MediaStore attributes to them (AOSP and the larger makers' own).
constexpr std::array<std::string_view, 12> kCameraPackages{
    "com.android.camera",          "com.android.camera2",       "com.google.android.GoogleCamera",
    "com.sec.android.app.camera",  "com.huawei.camera",         "com.oneplus.camera",
    "com.motorola.camera2",        "com.motorola.camera3",      "org.codeaurora.snapcam",
    "com.mediatek.camera",         "com.oppo.camera",           "com.sonyericsson.android.camera"};


}  // namespace

const char* to_string(DeviceDatabase kind) {
  return kind == DeviceDatabase::photos_sqlite ? "Photos.sqlite" : "external.db";
}

std::optional<DeviceDatabase> parse_device_database(std::string_view text) { return device_database_of(text); }

std::optional<DeviceDatabase> device_database_of(std::string_view file_name) {
  if (file_name == "Photos.sqlite") return DeviceDatabase::photos_sqlite;
  if (file_name == "external.db") return DeviceDatabase::mediastore_external;
  return std::nullopt;
}

std::string device_media_root(DeviceDatabase kind, std::string_view db_location) {
  while (!db_location.empty() && db_location.front() == '/') db_location.remove_prefix(1);
  const std::string low = "/" + lower_ascii(db_location);
  if (kind == DeviceDatabase::photos_sqlite) {
    const auto at = low.rfind("/photodata/photos.sqlite");
    if (at == std::string::npos || at + 24 != low.size()) return {};
    return std::string(db_location.substr(0, at));  // ends with "Media/" (the '/' before PhotoData)
  }
  for (const std::string_view app_data : {"/data/data/", "/data/user/", "/data/user_de/"}) {
    const auto at = low.find(app_data);
    if (at != std::string::npos) return std::string(db_location.substr(0, at)) + "data/media/";
  }
  return {};
}

std::optional<std::string> mediastore_media_path(std::string_view data) {
  for (const std::string_view prefix : {"/storage/emulated/", "/data/media/"})
    if (data.starts_with(prefix)) return std::string(data.substr(prefix.size()));
  if (data.starts_with("/sdcard/")) return "0/" + std::string(data.substr(8));  // the primary user's storage
  return std::nullopt;
}

void apply_device_media(Provenance& p, DeviceDatabase kind, const DeviceMediaRow& row) {
  if (kind == DeviceDatabase::photos_sqlite) {
    if (row.imported_by) {
      const int by = *row.imported_by;
      const char* meaning = by == 1   ? " (native back camera)"
                            : by == 2 ? " (native front camera)"
                            : by == 3 || by == 6 ? " (third-party app)"
                            : by == 9 ? " (native app)"
                                      : "";
      p.signals.push_back(fmt::format("db:Photos.sqlite ZIMPORTEDBY={}{}", by, meaning));
      if (by == 1 || by == 2) {
        p.origin = Origin::camera;
        p.front_camera = by == 2;
      }
    }
    const bool by_app = row.imported_by && (*row.imported_by == 3 || *row.imported_by == 6 || *row.imported_by == 9);
    // An app's picture in the camera roll was not taken by the native camera: the location's
    // "camera" no longer holds (which app, and how, is for the examiner: the signals say).
    if (by_app && p.origin == Origin::camera) p.origin = Origin::unknown;
    if (!row.creator_bundle.empty()) {
      p.signals.push_back("db:Photos.sqlite ZCREATORBUNDLEID=" + row.creator_bundle);
      if (by_app) p.app = row.creator_bundle;
    }
    return;
  }
  if (!row.owner_package) {
    p.signals.push_back("db:external.db owner_package_name=null");
    return;
  }
  const std::string& package = *row.owner_package;
  p.signals.push_back("db:external.db owner_package_name=" + package);
  for (const auto camera : kCameraPackages) {
    if (package == camera) {
      p.origin = Origin::camera;
      return;
    }
  }
  if (package == "com.android.systemui") {
    p.origin = Origin::screenshot;
    return;
  }
  p.app = package;
}

}  // namespace triage
