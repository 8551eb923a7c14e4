#include "formats/source/source_integrity.h"

#include "formats/source/tsk_image.h"

namespace triage {

Result<ImageDigest> digest_disk_image(const std::string& path) {
  auto opened = open_disk_image(path);
  if (!opened) return opened.error();
  ImageDigest out;
  out.format = opened->format;
  out.segments = opened->segments;
  out.media_size = opened->media_size;
  out.stored_md5 = ewf_stored_md5(opened->img.get());
  auto media = digest_media(opened->img.get());
  if (!media) return media.error();
  out.media = std::move(*media);
  return out;
}

}  // namespace triage
