// The versions of libtsk and of the libewf that libtsk loaded (E01 images), for the record.
#include <dlfcn.h>

#include "formats/source/source_kind.h"
#include "formats/source/tsk_handles.h"
#include "formats/vmdisk/virtual_disk.h"

namespace triage {

std::vector<LibraryVersion> source_library_versions() {
  std::vector<LibraryVersion> out{{"libtsk", tsk_version_get_str()}, {"libqcow", libqcow_version()},
                                  {"libvhdi", libvhdi_version()}};
  // libewf is libtsk's (triage does not link it): asked through the loaded library's own symbol.
  using Version = const char* (*)();
  if (auto* version = reinterpret_cast<Version>(::dlsym(RTLD_DEFAULT, "libewf_get_version")))
    out.push_back({"libewf", version()});
  return out;
}

}  // namespace triage
