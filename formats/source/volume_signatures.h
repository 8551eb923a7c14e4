#pragma once
// What the first bytes of a volume with no file system libtsk recognises say about it.
#include <cstddef>
#include <optional>
#include <span>
#include <string>

namespace triage {

// "BitLocker", "LUKS" or "FileVault 2 (Core Storage)" when the head carries that encryption
// signature, else nullopt. BitLocker: OEM id "-FVE-FS-" at byte 3 of the volume boot record (MS
// BitLocker spec, FVE boot sector); LUKS: magic "LUKS\xBA\xBE" at byte 0 (LUKS1/LUKS2 on-disk
// format, phdr); Core Storage: "CS" at byte 88 of the physical volume header, version 1.
std::optional<std::string> encrypted_volume_kind(std::span<const std::byte> head);

// Shannon entropy of the bytes, in bits per byte (0 to 8; 0 for no bytes).
double byte_entropy(std::span<const std::byte> bytes);

// Encrypted (and compressed or random) data is near 8 bits per byte; file systems, zeros and
// text are far below. With at least 4 KiB sampled the estimate of random data is above 7.95.
constexpr double kHighEntropy = 7.9;
constexpr std::size_t kMinEntropySample = 4096;

}  // namespace triage
