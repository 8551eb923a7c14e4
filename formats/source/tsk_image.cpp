#include "formats/source/tsk_image.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "core/digest/digests.h"

namespace triage {

Result<OpenedImage> open_disk_image(const std::string& path) {
  // TSK_IMG_TYPE_DETECT: the type comes from the content, never from the name. Given one
  // segment, libtsk finds the rest itself (raw: .000/.001/..., .aa/.ab; EWF: libewf_glob).
  // raw opens with O_RDONLY, libewf with LIBEWF_OPEN_READ: the evidence is never written.
  TSK_IMG_INFO* raw = tsk_img_open_utf8_sing(path.c_str(), TSK_IMG_TYPE_DETECT, 0);
  if (raw == nullptr)
    return Error{"open", fmt::format("'{}' is not a disk image libtsk can read: {}", path, tsk::take_error())};
  OpenedImage out;
  out.img.reset(raw);
  out.format = tsk_img_type_toname(raw->itype);
  out.media_size = static_cast<std::uint64_t>(raw->size);
  out.sector_size = raw->sector_size;
  for (int i = 0; i < raw->num_img; ++i) out.segments.emplace_back(raw->images[i]);
  return out;
}

Result<Digests> digest_media(TSK_IMG_INFO* img) {
  ParallelMultiDigest digest;
  std::vector<char> buffer(8u << 20);
  const auto size = static_cast<std::uint64_t>(img->size);
  std::uint64_t offset = 0;
  while (offset < size) {
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), size - offset));
    const ssize_t got = tsk_img_read(img, static_cast<TSK_OFF_T>(offset), buffer.data(), want);
    if (got <= 0)
      return Error{"source_hash", fmt::format("media unreadable at byte {}: {}", offset,
                                              got < 0 ? tsk::take_error() : std::string("no data"))};
    digest.update(std::as_bytes(std::span(buffer.data(), static_cast<std::size_t>(got))));
    offset += static_cast<std::uint64_t>(got);
  }
  return digest.finish();
}

std::optional<std::string> ewf_stored_md5(TSK_IMG_INFO* img) {
  if (!TSK_IMG_TYPE_ISEWF(img->itype) || img->imgstat == nullptr) return std::nullopt;
  char* text = nullptr;
  std::size_t length = 0;
  FILE* stream = open_memstream(&text, &length);
  if (stream == nullptr) return std::nullopt;
  img->imgstat(img, stream);
  std::fclose(stream);
  const std::string stat(text, length);
  std::free(text);
  // tsk/img/ewf.c, ewf_image_imgstat: "MD5 hash of data:\t<32 hex>"
  constexpr std::string_view key = "MD5 hash of data:";
  const auto at = stat.find(key);
  if (at == std::string::npos) return std::nullopt;
  auto begin = stat.find_first_not_of(" \t", at + key.size());
  if (begin == std::string::npos) return std::nullopt;
  std::string md5 = stat.substr(begin, 32);
  if (md5.size() != 32 || md5.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) return std::nullopt;
  for (char& c : md5) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return md5;
}

}  // namespace triage
