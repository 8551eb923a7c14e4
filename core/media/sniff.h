#pragma once
// Media identification by content, not by extension. A small signature table for the still
// image and video formats the tool processes; everything else is MediaType::other (its MIME
// type comes from libmagic in formats/filetype/).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/item.h"

namespace triage {

// How many leading bytes sniff_media needs to decide.
inline constexpr std::size_t kSniffBytes = 4096;

struct MediaKind {
  MediaType type = MediaType::other;
  std::string_view format;      // short name: "jpeg", "png", "mp4", ...; empty when unknown
  std::string_view mime;        // IANA type, e.g. "image/jpeg"; empty when unknown
  std::string_view extensions;  // usual extensions, space separated, lower case: "jpg jpeg jpe jfif"
};

// Identifies a still image or video from the first bytes of a file.
MediaKind sniff_media(std::span<const std::byte> head);

// True when the file name's extension contradicts the content: a media file whose extension
// is not one of its format's, or a non-media file named like a media file.
bool extension_mismatch(const MediaKind& kind, std::string_view file_name);

// The extension a copy of the file should carry: its own (lower case) when the format lists it,
// else the format's usual one (the first listed); "bin" for what is not a known media format.
std::string usual_extension(const MediaKind& kind, std::string_view file_name);

struct PixelSize {
  std::uint32_t width = 0, height = 0;
};

// Pixel dimensions read from the image header (JPEG SOFn, PNG IHDR, GIF, BMP, WebP, TIFF IFD0),
// without decoding. nullopt when the header is absent, truncated or not understood.
std::optional<PixelSize> image_pixel_size(const MediaKind& kind, std::span<const std::byte> content);

}  // namespace triage
