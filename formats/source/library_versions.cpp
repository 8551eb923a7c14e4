// The versions of libtsk and of the libewf that libtsk loaded (E01 images), for the record.
#include <dlfcn.h>

#include "formats/source/source_kind.h"
#include "formats/source/tsk_handles.h"

namespace triage {

std::vector<LibraryVersion> source_library_versions() {
  std::vector<LibraryVersion> out{{"libtsk", tsk_version_get_str()}};
  // libewf is libtsk's (triage does not link it): asked through the loaded library's own symbol.
  using Version = const char* (*)();
  if (auto* version = reinterpret_cast<Version>(::dlsym(RTLD_DEFAULT, "libewf_get_version")))
    out.push_back({"libewf", version()});
  return out;
}

}  // namespace triage
