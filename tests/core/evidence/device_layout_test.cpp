#include <doctest/doctest.h>

#include "core/evidence/device_layout.h"

using namespace triage;

TEST_CASE("device layout: iOS and Android trees are recognised at the top or under one or two folders") {
  const auto ios = recognise_device_layout("filesystem1/private/var/mobile/Media/DCIM/100APPLE/IMG_0001.JPG");
  REQUIRE(ios);
  CHECK(ios->platform == "iOS");
  CHECK(ios->root == "filesystem1/");
  CHECK(ios->anchor == "private/var/mobile/");
  CHECK(device_path_of("filesystem1/private/var/mobile/Media/DCIM/100APPLE/IMG_0001.JPG", ios->root) ==
        "/private/var/mobile/Media/DCIM/100APPLE/IMG_0001.JPG");

  const auto top = recognise_device_layout("private/var/containers/Shared/x.jpg");
  REQUIRE(top);
  CHECK(top->root.empty());
  const auto android = recognise_device_layout("Dump/data/media/0/DCIM/Camera/IMG_20240101_120000.jpg");
  REQUIRE(android);
  CHECK(android->platform == "Android");
  CHECK(android->root == "Dump/");
  CHECK(recognise_device_layout("a/b/sdcard/DCIM/x.jpg")->root == "a/b/");
  CHECK(recognise_device_layout("./storage/emulated/0/Pictures/x.png")->root.empty());
}

TEST_CASE("device layout: deeper roots, partial names and the anchor folder alone are not a device") {
  CHECK_FALSE(recognise_device_layout("home/dev/projects/data/data/x"));  // three folders deep
  CHECK_FALSE(recognise_device_layout("metadata/media/0/x.jpg"));        // "data/" must start a component
  CHECK_FALSE(recognise_device_layout("private/var/"));                  // nothing below the anchor
  CHECK_FALSE(recognise_device_layout("photos/holiday/IMG_0001.jpg"));
  CHECK_FALSE(recognise_device_layout(""));
}

TEST_CASE("device path: a member below the root, and nothing for one outside it or the root itself") {
  CHECK(device_path_of("export/fs/data/x", "export/fs/") == "/data/x");
  CHECK(device_path_of("./export/fs/data/x", "export/fs/") == "/data/x");
  CHECK(device_path_of("x.jpg", "") == "/x.jpg");
  CHECK_FALSE(device_path_of("other/x.jpg", "export/fs/"));
  CHECK_FALSE(device_path_of("export/fs/", "export/fs/"));
}
