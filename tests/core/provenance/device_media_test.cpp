#include "core/provenance/device_media.h"

#include <doctest/doctest.h>

#include <algorithm>

namespace triage {

TEST_CASE("device media: the database names, media roots and MediaStore paths") {
  CHECK(device_database_of("Photos.sqlite") == DeviceDatabase::photos_sqlite);
  CHECK(device_database_of("external.db") == DeviceDatabase::mediastore_external);
  CHECK_FALSE(device_database_of("Photos.sqlite-wal"));
  CHECK_FALSE(device_database_of("photos.sqlite"));

  CHECK(device_media_root(DeviceDatabase::photos_sqlite, "/private/var/mobile/Media/PhotoData/Photos.sqlite") ==
        "private/var/mobile/Media/");
  CHECK(device_media_root(DeviceDatabase::photos_sqlite, "PhotoData/Photos.sqlite").empty());  // Media/ at the top
  CHECK(device_media_root(DeviceDatabase::photos_sqlite, "Backup/Photos.sqlite").empty());
  CHECK(device_media_root(DeviceDatabase::mediastore_external,
                          "data/data/com.android.providers.media/databases/external.db") == "data/media/");
  CHECK(device_media_root(DeviceDatabase::mediastore_external,
                          "fs/data/user_de/0/com.google.android.providers.media.module/databases/external.db") ==
        "fs/data/media/");
  CHECK(device_media_root(DeviceDatabase::mediastore_external, "copies/external.db").empty());

  CHECK(mediastore_media_path("/storage/emulated/0/DCIM/Camera/a.jpg") == "0/DCIM/Camera/a.jpg");
  CHECK(mediastore_media_path("/sdcard/DCIM/a.jpg") == "0/DCIM/a.jpg");
  CHECK(mediastore_media_path("/data/media/10/a.jpg") == "10/a.jpg");
  CHECK_FALSE(mediastore_media_path("/storage/1234-5678/DCIM/a.jpg"));
}

TEST_CASE("device media: what each row says goes into the provenance, with its signal") {
  auto applied = [](DeviceDatabase kind, DeviceMediaRow row, Origin origin = Origin::unknown) {
    Provenance p;
    p.origin = origin;
    apply_device_media(p, kind, row);
    return p;
  };
  const Provenance front = applied(DeviceDatabase::photos_sqlite, {"DCIM/100APPLE/a.JPG", 2, "com.apple.camera", {}});
  CHECK(front.origin == Origin::camera);
  CHECK(front.front_camera == true);
  CHECK(front.app.empty());
  CHECK(std::find(front.signals.begin(), front.signals.end(), "db:Photos.sqlite ZIMPORTEDBY=2 (native front camera)") !=
        front.signals.end());
  const Provenance back = applied(DeviceDatabase::photos_sqlite, {"x", 1, "", {}});
  CHECK(back.front_camera == false);
  const Provenance app = applied(DeviceDatabase::photos_sqlite, {"x", 3, "net.whatsapp.WhatsApp", {}}, Origin::camera);
  CHECK(app.origin == Origin::unknown);  // in the camera roll, but the native camera did not take it
  CHECK(app.app == "net.whatsapp.WhatsApp");
  CHECK(app.front_camera == std::nullopt);

  CHECK(applied(DeviceDatabase::mediastore_external, {"x", {}, "", "com.sec.android.app.camera"}).origin == Origin::camera);
  CHECK(applied(DeviceDatabase::mediastore_external, {"x", {}, "", "com.android.systemui"}).origin == Origin::screenshot);
  const Provenance whatsapp = applied(DeviceDatabase::mediastore_external, {"x", {}, "", "com.whatsapp"}, Origin::download);
  CHECK(whatsapp.app == "com.whatsapp");
  CHECK(whatsapp.origin == Origin::download);
  const Provenance none = applied(DeviceDatabase::mediastore_external, {"x", {}, "", std::nullopt}, Origin::download);
  CHECK(none.origin == Origin::download);
  CHECK(none.signals == std::vector<std::string>{"db:external.db owner_package_name=null"});
}

}  // namespace triage
