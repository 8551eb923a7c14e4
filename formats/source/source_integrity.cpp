#include "formats/source/source_integrity.h"

#include <fmt/format.h>

#include "formats/source/tsk_image.h"

namespace triage {

Result<ImageDigest> digest_disk_image(const std::string& path, MediaDigests which, StopToken stop,
                                      const ParentSearch& parents) {
  auto opened = open_disk_image(path, parents);
  if (!opened) return opened.error();
  ImageDigest out;
  out.format = opened->format;
  out.segments = opened->segments;
  out.media_size = opened->media_size;
  out.stored_md5 = ewf_stored_md5(opened->img.get());
  auto media = digest_media(opened->img.get(), which, stop);
  if (!media) return media.error();
  out.media = std::move(*media);
  return out;
}

IntegrityVerdict judge_integrity(const ImageDigest& before, const ImageDigest& after) {
  const Digests& b = before.media;
  const Digests& a = after.media;
  auto differs = [](const std::string& x, const std::string& y) { return !x.empty() && x != y; };
  if (a.sha256 != b.sha256 || differs(a.md5, b.md5) || differs(a.sha1, b.sha1) ||
      after.media_size != before.media_size)
    return {Integrity::changed,
            fmt::format("IMAGE CHANGED DURING THE SCAN: {} bytes, SHA-256 {} before; {} bytes, SHA-256 {} after",
                        before.media_size, b.sha256, after.media_size, a.sha256)};
  std::string note = fmt::format("media SHA-256 {} unchanged after the scan", a.sha256);
  const auto& stored = after.stored_md5 ? after.stored_md5 : before.stored_md5;
  if (stored) {
    if (*stored != b.md5)
      return {Integrity::acquisition_mismatch,
              fmt::format("media MD5 {} differs from the MD5 stored at acquisition {}", b.md5, *stored)};
    note += "; equals the MD5 stored at acquisition";
  } else if (after.format == "ewf") {
    note += "; no acquisition MD5 stored in the image";
  }
  return {Integrity::verified, note};
}

ParentSearch recorded_parents(const std::vector<std::string>& segments) {
  ParentSearch out;
  if (segments.size() > 1) out.given.assign(segments.begin() + 1, segments.end());
  return out;
}

}  // namespace triage
