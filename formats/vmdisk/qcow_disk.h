#pragma once
#include "formats/vmdisk/virtual_disk.h"

namespace triage {

// A QCOW (1 or 2) disk through libqcow, its backing files opened in turn (up to 16 deep).
Result<std::unique_ptr<VirtualDisk>> open_qcow_disk(const std::string& path, const ParentSearch& parents);

}  // namespace triage
