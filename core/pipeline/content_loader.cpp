#include "core/pipeline/content_loader.h"

#include <algorithm>
#include <string>

#include "core/digest/digests.h"
#include "core/evidence/evidence_path.h"
#include "core/media/sniff.h"

namespace triage {

Result<ItemContent> load_content(RandomAccessReader& reader, ItemRecord& record,
                                 const ContentPolicy& policy) {
  ItemContent content;
  const std::size_t head_len =
      static_cast<std::size_t>(std::min<std::uint64_t>(record.size, std::max(policy.head_size, kSniffBytes)));
  content.bytes.resize(head_len);
  auto got = read_fully(reader, 0, content.bytes);
  if (!got) return got.error();
  content.bytes.resize(*got);

  const MediaKind kind = sniff_media(content.bytes);
  if (kind.type != MediaType::other) {
    record.media_type = kind.type;
    record.mime = std::string(kind.mime);
  }
  // An archive is digested too: its members are evidence, and `triage verify` checks them
  // through it.
  content.container = policy.containers && policy.containers->opens(content.bytes);
  content.device_database = policy.device_database_read_limit > 0 && kind.type == MediaType::other &&
                            device_database_of(file_name_of(record.path)).has_value();
  const bool wanted = policy.all_files || kind.type != MediaType::other || content.container || content.device_database;
  if (!wanted) return content;  // identified from the head; not digested

  const bool whole = record.size <= policy.whole_read_limit ||
                     (kind.type == MediaType::image && record.size <= policy.image_read_limit &&
                      record.size <= policy.max_streamed) ||
                     (content.device_database && record.size <= policy.device_database_read_limit &&
                      record.size <= policy.max_streamed);
  if (whole) {
    if (content.bytes.size() < record.size) {
      const std::size_t have = content.bytes.size();
      content.bytes.resize(static_cast<std::size_t>(record.size));
      auto rest = read_fully(reader, have, std::span(content.bytes).subspan(have));
      if (!rest) return rest.error();
      content.bytes.resize(have + *rest);
    }
    if (content.bytes.size() != record.size)
      return Error{"read", "file is shorter than its recorded size (changed while read?)"};
    content.complete = true;
    return content;
  }

  if (record.size > policy.max_streamed) {  // identified from its head, not digested
    record.problems.push_back({"read", "file of " + std::to_string(record.size) + " bytes is above the limit of " +
                                           std::to_string(policy.max_streamed) +
                                           " bytes for this walk (the file system holding it has no more): "
                                           "identified from its head, not digested"});
    return content;
  }
  // Large file: digest it here, chunk by chunk, over two threads.
  ParallelMultiDigest digest;
  auto streamed = digest_reader(reader, digest, policy.chunk_size, policy.stop);
  if (!streamed) return streamed.error();
  if (streamed->size != record.size)
    return Error{"read", "file size changed while it was read"};
  content.streamed_digests = std::move(streamed->digests);
  if (policy.streamed_digested) policy.streamed_digested(record, *content.streamed_digests);
  if (kind.type == MediaType::video && policy.large_video) {
    policy.large_video(reader, record);
    content.video_examined = true;
  }
  if (kind.type != MediaType::other && policy.streamed_media) policy.streamed_media(reader, record);
  return content;
}

void walk_container_members(RandomAccessReader& reader, const ItemRecord& item, std::span<const std::byte> head,
                            const ContentPolicy& policy, WalkSink& sink) {
  if (!policy.containers || sink.stopping()) return;
  std::vector<std::byte> reread;
  if (head.size() < kContainerHeadBytes && head.size() < item.size) {
    reread.resize(static_cast<std::size_t>(std::min<std::uint64_t>(kContainerHeadBytes, item.size)));
    auto got = read_fully(reader, 0, reread);
    if (!got) return;  // the item's own read already said why
    reread.resize(*got);
    head = reread;
  }
  if (!policy.containers->opens(head)) return;
  const WalkScope members(sink);  // they keep their place right after the container's own item
  if (!members.entered()) return;  // a scouting walk: the members wait for the container's pass
  policy.containers->walk_members(reader, item, policy, sink);
}

Result<StreamedDigests> digest_reader(RandomAccessReader& reader, ParallelMultiDigest& digest,
                                      std::size_t chunk_size, StopToken stop) {
  std::vector<std::byte> chunk(std::max<std::size_t>(chunk_size, 1));
  StreamedDigests out;
  for (;;) {
    if (stop.requested()) {
      digest.finish();
      return Error{"interrupted", "stop requested while the file was read"};
    }
    auto n = read_fully(reader, out.size, chunk);
    if (!n) {
      digest.finish();  // starts over for the next file
      return n.error();
    }
    if (*n == 0) break;
    digest.update(std::span(chunk).first(*n));
    out.size += *n;
  }
  out.digests = digest.finish();
  return out;
}

}  // namespace triage
