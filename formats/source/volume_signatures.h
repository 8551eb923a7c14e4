#pragma once
// What the first bytes of a volume with no file system libtsk recognises say about it.
#include <cstddef>
#include <optional>
#include <span>
#include <string>

namespace triage {

// "BitLocker" or "LUKS" when the head carries that encryption signature, else nullopt.
// BitLocker: OEM id "-FVE-FS-" at byte 3 of the volume boot record (MS BitLocker spec, FVE
// boot sector); LUKS: magic "LUKS\xBA\xBE" at byte 0 (LUKS1/LUKS2 on-disk format, phdr).
std::optional<std::string> encrypted_volume_kind(std::span<const std::byte> head);

}  // namespace triage
