#pragma once
// Decides what of an item the workers need, and reads it: the head to identify it; the whole
// file when it is media (or --all-files) and small enough; otherwise the walker digests it in
// chunks here and only the head goes forward, so memory stays bounded whatever the file size.
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/digest/digests.h"
#include "core/pipeline/evidence_source.h"
#include "core/result.h"

namespace triage {

class RandomAccessReader {
 public:
  virtual ~RandomAccessReader() = default;
  // Reads up to out.size() bytes at offset; returns the count (0 at end of data).
  virtual Result<std::size_t> read_at(std::uint64_t offset, std::span<std::byte> out) = 0;
};

struct ContentPolicy {
  bool all_files = false;                         // digest every file, not only media
  std::size_t whole_read_limit = 16u << 20;       // larger files are streamed
  std::size_t chunk_size = 8u << 20;              // streaming chunk
  std::size_t head_size = 64u << 10;              // what goes forward of a streamed file
  // Larger files are not digested (a read error naming the limit). A scan has none; the fuzz
  // harnesses set one so that a file system claiming a huge sparse file costs one input little.
  std::uint64_t max_streamed = UINT64_MAX;
};

// Every byte of `reader` from offset 0 to its end, through `digest` (which starts over), in
// chunks of `chunk_size`: the scan's own read of a large file, and `triage verify`'s re-read of
// a folder source's file. Returns the digests and how many bytes were read.
struct StreamedDigests {
  Digests digests;
  std::uint64_t size = 0;
};
Result<StreamedDigests> digest_reader(RandomAccessReader& reader, ParallelMultiDigest& digest,
                                      std::size_t chunk_size);

// Fills record.media_type/mime for media and returns the content for the workers.
Result<ItemContent> load_content(RandomAccessReader& reader, ItemRecord& record,
                                 const ContentPolicy& policy);

}  // namespace triage
