#pragma once
// Decides what of an item the workers need, and reads it: the head to identify it; the whole
// file when it is media (or --all-files) and small enough; otherwise the walker digests it in
// chunks here and only the head goes forward, so memory stays bounded whatever the file size.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include "core/digest/digests.h"
#include "core/pipeline/container_opener.h"
#include "core/pipeline/evidence_source.h"
#include "core/pipeline/random_access_reader.h"
#include "core/result.h"
#include "core/stop.h"

namespace triage {

struct ContentPolicy {
  bool all_files = false;                         // digest every file, not only media
  std::size_t whole_read_limit = 16u << 20;       // larger files are streamed
  std::size_t chunk_size = 8u << 20;              // streaming chunk
  std::size_t head_size = 64u << 10;              // what goes forward of a streamed file
  // Larger files are identified from their head and not digested (a read problem in the record
  // names the limit). A disk image's file system
  // sets it to its own size (tsk_fs_walk.cpp); the fuzz harnesses set a smaller one.
  std::uint64_t max_streamed = UINT64_MAX;
  // Still images up to this size are read whole even above whole_read_limit: their PDQ hash
  // needs every byte (a 100-megapixel phone photo is 20-30 MB). Larger ones are streamed.
  std::size_t image_read_limit = 128u << 20;
  // A device's media database (Photos.sqlite, MediaStore's external.db) is read whole up to this
  // size, for its rows; larger ones are digested as streamed files and their rows not read.
  // Zero: device databases are files like any other.
  std::size_t device_database_read_limit = 0;
  // A large (streamed) video is handed to this, when set, while the walker still has the file
  // open: its frames are hashed through the reader, where the file lies (a disk image has no
  // path to open again; a folder's file is not opened a second time, which could touch its
  // access time). It fills the record's video facts, frames and problems.
  std::function<void(RandomAccessReader&, ItemRecord&)> large_video;
  // Called with a streamed file's digests as soon as they are known, before its frames are
  // decoded: the scan checks them against its alert sets there (app/alert_log.h).
  std::function<void(const ItemRecord&, const Digests&)> streamed_digested;
  // A streamed still image or video (above the whole-read limits) is handed to this after its
  // digests, while the walker still has the file open: `triage extract` copies it from there.
  std::function<void(RandomAccessReader&, const ItemRecord&)> streamed_media;
  // A stop request ends the read of a large file between chunks (an error: the item is dropped).
  StopToken stop;
  // Opens archives found among the items and walks their members (nullptr: none is opened).
  std::shared_ptr<const ContainerOpener> containers;
};

// After a walker handed an item to the sink: when the item is a container `policy` opens, walks
// its members into `sink`. `head` is what the walker already read of it (read again from
// `reader` when shorter than kContainerHeadBytes and the item is longer).
void walk_container_members(RandomAccessReader& reader, const ItemRecord& item, std::span<const std::byte> head,
                            const ContentPolicy& policy, WalkSink& sink);

// Every byte of `reader` from offset 0 to its end, through `digest` (which starts over), in
// chunks of `chunk_size`: the scan's own read of a large file, and `triage verify`'s re-read of
// a folder source's file. Returns the digests and how many bytes were read; an Error (stage
// "interrupted") when `stop` is requested between chunks.
struct StreamedDigests {
  Digests digests;
  std::uint64_t size = 0;
};
Result<StreamedDigests> digest_reader(RandomAccessReader& reader, ParallelMultiDigest& digest,
                                      std::size_t chunk_size, StopToken stop = {});

// Fills record.media_type/mime for media and returns the content for the workers.
Result<ItemContent> load_content(RandomAccessReader& reader, ItemRecord& record,
                                 const ContentPolicy& policy);

}  // namespace triage
