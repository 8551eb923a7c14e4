#include "formats/source/carve_runs.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/carve/image_carver.h"
#include "core/media/sniff.h"

namespace triage {

void carve_runs(const std::vector<ByteRun>& runs, const RunReader& read, const EvidencePath& file_system,
                std::uint64_t image_offset, const ContentPolicy& policy, WalkSink& sink,
                const CarvedImageCheck& decodes, const CarveLimits& limits, const std::function<bool()>& give_up) {
  const auto ended = [&] { return sink.stopping() || (give_up && give_up()); };
  const std::size_t max_image = std::max<std::size_t>(limits.max_image, 1);
  // A window no larger than the overlap would never advance.
  const std::size_t window_size = std::max(limits.window, max_image + 1);
  std::vector<std::byte> window;
  for (const ByteRun& run : runs) {
    std::uint64_t pos = run.first;
    std::uint64_t skip_until = run.first;  // inside an image already carved
    if (ended()) return;
    while (pos < run.end && !ended()) {
      const std::size_t length = static_cast<std::size_t>(std::min<std::uint64_t>(window_size, run.end - pos));
      window.resize(length);
      if (auto failed = read(pos, window)) {
        if (ended()) return;
        report_problem(sink, file_system.carved(image_offset + pos).to_string(), "carving_incomplete",
                       fmt::format("unallocated bytes unreadable: {}", *failed), false);
        break;
      }
      const bool last = pos + length == run.end;
      const std::size_t limit = last ? length : length - std::min(length, max_image);
      const std::size_t skip = skip_until > pos ? static_cast<std::size_t>(skip_until - pos) : 0;
      for (const CarvedImage& hit : carve_images(std::span(window).subspan(std::min(skip, length)),
                                                 limit > skip ? limit - skip : 0, max_image)) {
        const std::uint64_t at = pos + skip + hit.offset;  // within the file system
        skip_until = at + hit.length;
        const auto bytes = std::span<const std::byte>(window).subspan(skip + hit.offset, hit.length);
        // Image byte offset: what `dd skip=... count=...` on the image gives back.
        const std::string path = file_system.carved(image_offset + at).to_string();
        const MediaKind kind = sniff_media(bytes);
        if (auto failed = decodes ? decodes(kind, bytes, limits.max_pixels) : std::nullopt) {
          report_problem(sink, path, "carve_rejected",
                         fmt::format("{} structure of {} bytes that does not decode: not kept ({})", hit.format, hit.length,
                                     *failed),
                         false);
          continue;
        }
        if (sink.skip_committed(path)) continue;  // --resume: committed before the interruption
        WalkedItem walked;
        walked.record.path = path;
        walked.record.size = hit.length;
        walked.record.mime = "application/octet-stream";
        walked.record.fs.deleted = true;  // unallocated space: what remains of a deleted file
        walked.record.fs.carved = true;
        SpanReader reader(bytes);
        auto content = load_content(reader, walked.record, policy);
        if (content) walked.content = std::move(*content);
        else walked.record.problems.push_back({content.error().stage, content.error().message});
        sink.item(std::move(walked));
      }
      if (last) break;
      pos += limit;
    }
  }
}

}  // namespace triage
