#pragma once
// A disk image or block device opened read-only through libtsk, its type detected from
// content: raw (split raw segments found from the first), E01 (all segments), VHD, VHDX, VMDK,
// AFF; QCOW2 and differential VHD/VHDX chains through formats/vmdisk.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/item.h"
#include "core/pipeline/random_access_reader.h"
#include "core/result.h"
#include "core/stop.h"
#include "formats/source/tsk_handles.h"
#include "formats/vmdisk/virtual_disk.h"

namespace triage {

struct OpenedImage {
  tsk::ImgPtr img;
  std::string format;                 // libtsk's name ("raw", "ewf", "vhdi", "vmdk", "aff"), or "qcow", "vhd", "vhdx"
  std::vector<std::string> segments;  // every file read, in order (a differential disk, then its parents)
  std::uint64_t media_size = 0;       // bytes of media content (for E01/VHD/VMDK, not file size)
  unsigned sector_size = 512;
};

// Opens `path` (the first segment for split raw and E01; a differential disk, its parents found
// as `parents` says). Error names the file and the reason.
Result<OpenedImage> open_disk_image(const std::string& path, const ParentSearch& parents = {});

// `size` bytes read through `reader`, served to libtsk through its external image interface
// (tsk_img_open_external) so that volumes and file systems are found in them as in any image: a
// disk libtsk does not open itself, a decrypted volume. `name` is its type for img_stat. Null
// (libtsk's error set) when libtsk refuses it.
tsk::ImgPtr open_reader_image(std::unique_ptr<RandomAccessReader> reader, std::uint64_t size, std::string name);

// An image held in memory (the fuzz harness's input), read through libtsk's external image
// interface; `bytes` must outlive the image. Format "memory", no segments.
Result<OpenedImage> open_memory_image(std::span<const std::byte> bytes);

enum class MediaDigests { all, sha256_only };

// MD5, SHA-1 and SHA-256 (or the SHA-256 alone) of the whole media content as libtsk reads it
// (for E01, VHD and VMDK the acquired media, not the container files). Throws Interrupted when
// `stop` is requested (checked at every 8 MiB chunk).
Result<Digests> digest_media(TSK_IMG_INFO* img, MediaDigests which = MediaDigests::all, StopToken stop = {});

// The MD5 stored in an E01 at acquisition, if the image has one. libtsk 4.11 exposes it only
// through its imgstat text ("MD5 hash of data:"), so that text is read back.
std::optional<std::string> ewf_stored_md5(TSK_IMG_INFO* img);

}  // namespace triage
