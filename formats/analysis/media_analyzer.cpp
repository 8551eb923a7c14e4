#include "formats/analysis/media_analyzer.h"

#include <string_view>

#include "core/digest/digests.h"
#include "core/media/sniff.h"
#include "formats/exif/exif_reader.h"
#include "formats/filetype/magic_mime.h"

namespace triage {
namespace {

std::string_view file_name_of(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace

MediaAnalyzer::MediaAnalyzer(bool all_files)
    : all_files_(all_files), magic_(std::make_unique<MagicMime>()) {}
MediaAnalyzer::~MediaAnalyzer() = default;

void MediaAnalyzer::process(WalkedItem& item) {
  ItemRecord& record = item.record;
  const ItemContent& content = item.content;
  const MediaKind kind = sniff_media(content.bytes);
  record.media_type = kind.type;
  record.mime = kind.type == MediaType::other ? magic_->mime_of(content.bytes) : std::string(kind.mime);
  record.extension_mismatch = extension_mismatch(kind, file_name_of(record.path));

  if (content.streamed_digests) {
    record.digests = *content.streamed_digests;
  } else if (content.complete && (all_files_ || kind.type != MediaType::other)) {
    record.digests = digest_buffer(content.bytes);
  }

  if (kind.type == MediaType::image && !content.bytes.empty()) {
    // A streamed (very large) image still has its head here, which holds a JPEG's EXIF.
    auto exif = read_exif(kind, content.bytes);
    if (exif) {
      record.exif = std::move(*exif);
    } else {
      record.problems.push_back({exif.error().stage, exif.error().message});
    }
    if (auto size = image_pixel_size(kind, content.bytes)) {
      record.exif.width = size->width;
      record.exif.height = size->height;
    }
  }
}

}  // namespace triage
