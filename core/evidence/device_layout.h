#pragma once
// A phone's file system inside an archive (a full-file-system extraction delivered as ZIP or
// TAR): where its root is among the member paths, so that a member can be named by its path on
// the device ("/private/var/mobile/Media/DCIM/100APPLE/IMG_0001.JPG") whatever folder the
// extraction tool put the tree in.
//
// Layouts checked (public descriptions): iOS full-file-system extractions hold the device's
// root with its data partition at private/var/ (Apple's file-system layout: /var is a link to
// /private/var), at the top of the archive or under one folder: Cellebrite's CLBX container
// stores the tree under filesystem{suffix}/ with metadata{suffix}/ beside it (CLBX
// specification 0.3.0), other tools under a folder of their own. Android extractions hold the
// data partition (data/media/0/ for the user's shared storage, data/data/ and data/user/0/ for
// app data) or the shared storage as sdcard/ or storage/emulated/0/, again at the top or under
// one folder (a Cellebrite UFED dump under Dump/). A root deeper than two folders is not taken
// for a device's (a backup of a developer's home holding data/data/ is not a phone).
#include <optional>
#include <string>
#include <string_view>

namespace triage {

struct DeviceLayout {
  std::string platform;  // "iOS" or "Android"
  std::string root;      // the member-path prefix of the device's "/": "", "filesystem1/", "Dump/"
  std::string anchor;    // what recognised it: "private/var/", "data/media/0/"...
};

// The layout a member path shows, or nullopt when it shows none.
std::optional<DeviceLayout> recognise_device_layout(std::string_view member_path);

// The member's path on the device ("/" + what follows `root`), or nullopt when it is not under
// `root` (or is `root` itself). `root` is "" or ends with '/'.
std::optional<std::string> device_path_of(std::string_view member_path, std::string_view root);

}  // namespace triage
