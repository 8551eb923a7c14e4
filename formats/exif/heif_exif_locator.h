#pragma once
// Finds the Exif item of a HEIF/HEIC/AVIF file by walking its ISO BMFF boxes (no libheif).
#include <cstddef>
#include <optional>
#include <span>
#include <vector>

namespace triage {

// The bytes of the first item of type 'Exif' (ISO/IEC 23008-12 Annex A.2.1: a 4-byte big-endian
// offset to the TIFF header, then the EXIF data), its extents joined, at most max_bytes long.
// nullopt when there is no such item or the boxes that describe it are malformed or unsupported.
std::optional<std::vector<std::byte>> find_heif_exif_item(std::span<const std::byte> file,
                                                          std::size_t max_bytes);

}  // namespace triage
