#include "app/scan_sources.h"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "formats/source/source_integrity.h"

namespace triage {

// How long a whole-media read took (the disk benchmark compares it with dd's).
void print_read_time(std::ostream& diagnostics, std::string_view when, std::uint64_t bytes,
                     std::chrono::steady_clock::time_point started) {
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  fmt::print(diagnostics, "triage: media read {} the scan: {} bytes in {:.2f} s ({:.0f} MB/s)\n", when, bytes,
             seconds, seconds > 0 ? static_cast<double>(bytes) / seconds / 1e6 : 0.0);
}

// Before the walk: the image's format, segments and whole-media digests (unless skipped).
void hash_before_walk(SourceInfo& info, bool hash, const ParentSearch& parents, std::ostream& diagnostics,
                      StopToken stop, std::string_view media_read) {
  if (!hash) {
    info.integrity = Integrity::skipped;
    info.integrity_note = "source hash skipped (--no-source-hash)";
    return;
  }
  // "before_walk", "beside_walk", "after_walk": the word the messages use.
  const std::string_view when = media_read.substr(0, media_read.find('_'));
  fmt::print(diagnostics, "triage: hashing {} {} the scan...\n", info.path, when);
  const auto started = std::chrono::steady_clock::now();
  auto digest = digest_disk_image(info.path, MediaDigests::all, stop, parents);
  if (digest) print_read_time(diagnostics, when, digest->media_size, started);
  if (!digest) {
    info.integrity = Integrity::unreadable;
    info.integrity_note = digest.error().message;
    return;
  }
  info.image_format = digest->format;
  info.segments = digest->segments;
  info.media_size = digest->media_size;
  info.media = digest->media;
  info.stored_md5 = digest->stored_md5;
  info.media_read = std::string(media_read);
  info.integrity = Integrity::pending;
}

// After the walk: the same digests again. A difference (or an E01 whose media no longer
// matches its acquisition MD5) is returned as an error row for the case.
std::optional<WalkProblem> verify_after_walk(const SourceInfo& info, CaseStore& store, ScanOutcome& outcome,
                                             std::ostream& diagnostics, StopToken stop) {
  auto fail = [&](Integrity integrity, std::string message, const Digests& after = {}) {
    store.record_source_verification(info.index, after, integrity, message);
    outcome.integrity.push_back(fmt::format("{}: {} - {}", info.path, to_string(integrity), message));
    WalkProblem p;
    p.source_index = info.index;
    p.path = info.path;
    p.kind = "source_integrity";
    p.message = std::move(message);
    return std::optional(std::move(p));
  };
  if (info.integrity == Integrity::skipped) {
    outcome.integrity.push_back(fmt::format("{}: not verified ({})", info.path, info.integrity_note));
    return std::nullopt;
  }
  if (info.integrity == Integrity::unreadable) return fail(Integrity::unreadable, "image not hashed: " + info.integrity_note);
  fmt::print(diagnostics, "triage: hashing {} again after the scan (SHA-256)...\n", info.path);
  const auto started = std::chrono::steady_clock::now();
  auto after = digest_disk_image(info.path, MediaDigests::sha256_only, stop, recorded_parents(info.segments));
  if (after) print_read_time(diagnostics, "after", after->media_size, started);
  if (!after) {
    outcome.source_changed = true;
    return fail(Integrity::changed, "image unreadable after the scan: " + after.error().message);
  }
  ImageDigest before;
  before.format = info.image_format;
  before.media_size = info.media_size.value_or(0);
  before.media = info.media;
  const IntegrityVerdict verdict = judge_integrity(before, *after);
  if (verdict.failed()) {
    outcome.source_changed = true;
    return fail(verdict.integrity, verdict.note, after->media);
  }
  store.record_source_verification(info.index, after->media, verdict.integrity, verdict.note);
  outcome.integrity.push_back(fmt::format("{}: verified - {}", info.path, verdict.note));
  return std::nullopt;
}

// A source as the interrupted run recorded it, ready for the verification after the walk: its
// digests from before the first walk stand (the image is not read twice before).
SourceInfo recorded_source(const std::vector<SourceInfo>& recorded, std::uint32_t index) {
  for (const auto& s : recorded) {
    if (s.index != index) continue;
    SourceInfo info = s;
    if (walked_as_files(info.kind) || info.integrity == Integrity::skipped) return info;
    if (!info.media.empty() || info.integrity != Integrity::unreadable) {
      info.integrity = Integrity::pending;  // no digest yet: the run was stopped before it (read again)
    } else {
      info.integrity = Integrity::unreadable;
      info.integrity_note = "the image could not be hashed before the scan";
    }
    return info;
  }
  throw ScanResumeError(fmt::format("the case records no source {}: it cannot be resumed", index));
}

}  // namespace triage
