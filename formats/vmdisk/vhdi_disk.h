#pragma once
#include "formats/vmdisk/virtual_disk.h"

namespace triage {

// A differential VHD or VHDX through libvhdi, its parents opened in turn (up to 16 deep);
// nullopt for a disk with no parent (libtsk reads those).
std::optional<Result<std::unique_ptr<VirtualDisk>>> open_differential_vhdi(const std::string& path,
                                                                            const ParentSearch& parents);

}  // namespace triage
