#pragma once
// A ceiling on any single allocation libtsk makes. libtsk sizes some buffers from on-disk
// fields without checking them against the volume: an ext4 inode with inline data and a damaged
// size has libtsk calloc and then realloc that many bytes as the inode loads (fuzzing: 825 MB
// claimed in a 200 KB image, 1.7 GB resident). The project's tsk_malloc and tsk_realloc replace
// libtsk's own (its internal calls go through the PLT, so the executable's definitions win) and
// refuse a request above the ceiling, as if memory were exhausted: libtsk then reports an
// error for that file or directory and the walk goes on.
#include <cstddef>

namespace triage {

// 512 MiB: far above any structure of a real file system libtsk reads whole (a directory of
// millions of entries is tens of MB), far below what would exhaust a triage machine.
inline constexpr std::size_t kTskAllocationCap = std::size_t{512} << 20;

// Requests libtsk was refused so far (process-wide). Calling it also keeps the replacement in
// the link: nothing else names the object file that holds it.
std::size_t tsk_allocations_refused();

}  // namespace triage
