#pragma once
// The carving loop of unallocated_carving.h without libtsk: runs of unallocated bytes are read
// window by window (windows overlap by the largest image carved, so an image across a window
// edge is found whole), searched (core/carve) and every JPEG, PNG or GIF that decodes becomes
// an item `<file system path>/unalloc@<image byte offset>`. Split out so the carver fuzz harness can feed
// it arbitrary bytes as unallocated space.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/evidence/evidence_path.h"
#include "core/media/sniff.h"
#include "core/pipeline/content_loader.h"
#include "core/pipeline/evidence_source.h"

namespace triage {

struct ByteRun {
  std::uint64_t first = 0, end = 0;  // byte offsets within the file system, end excluded
};

struct CarveLimits {
  std::size_t max_image = 16u << 20;      // largest image carved
  std::size_t window = 32u << 20;         // bytes read at a time; raised above max_image if not
  std::uint64_t max_pixels = 100'000'000;  // a carved image is kept only if it decodes within this
};

// Whether a carved structure is an image: nullopt when it decodes within `max_pixels`, else the
// reason. The application gives the image decoder (formats/image); without one every structure
// whose markers are complete is kept.
using CarvedImageCheck = std::function<std::optional<std::string>(const MediaKind& kind,
                                                                  std::span<const std::byte> bytes,
                                                                  std::uint64_t max_pixels)>;

// Fills `out` with the bytes at `offset` (within the file system); the reason when they cannot
// all be read, nullopt when they were.
using RunReader = std::function<std::optional<std::string>(std::uint64_t offset, std::span<std::byte> out)>;

// `image_offset` is the file system's byte offset in the image (paths carry image offsets).
// Stops, reporting nothing more, once the sink is stopping or `give_up` (when set) says so.
void carve_runs(const std::vector<ByteRun>& runs, const RunReader& read, const EvidencePath& file_system,
                std::uint64_t image_offset, const ContentPolicy& policy, WalkSink& sink,
                const CarvedImageCheck& decodes, const CarveLimits& limits = CarveLimits(),
                const std::function<bool()>& give_up = {});

}  // namespace triage
