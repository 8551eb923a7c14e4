#include "app/scan_job.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <thread>

#include "core/digest/digests.h"
#include "core/pipeline/scan_pipeline.h"
#include "core/text/time_format.h"
#include "app/media_analyzer.h"
#include "formats/casedb/case_store.h"
#include "formats/profile/profile_loader.h"
#include "app/case_outputs.h"
#include "formats/report/item_json.h"
#include "formats/report/items_csv.h"
#include "core/text/json_text.h"
#include "app/scan_hash_sets.h"
#include "formats/source/source_integrity.h"
#include "formats/source/source_kind.h"
#include "triage/version.h"

namespace triage {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

// Writes each record to the case database; commits at batch boundaries.
class StoreSink final : public RecordSink {
 public:
  explicit StoreSink(CaseStore& store) : store_(store) {}
  void on_item(const ItemRecord& item) override { store_.add_item(item); }
  void on_problem(const WalkProblem& problem) override { store_.add_problem(problem); }
  void flush() override { store_.commit(); }

 private:
  CaseStore& store_;
};

// Streams JSON Lines or CSV rows to stdout in walk order.
class StreamSink final : public RecordSink {
 public:
  StreamSink(std::ostream& out, StreamFormat format) : out_(out), format_(format) {
    if (format_ == StreamFormat::csv) out_ << items_csv_header();
  }
  void on_item(const ItemRecord& item) override {
    if (format_ == StreamFormat::jsonl) append_item_json_line(buffer_, item);
    if (format_ == StreamFormat::csv) append_item_csv_row(buffer_, item);
    if (buffer_.size() > (1u << 16)) flush();
  }
  void on_problem(const WalkProblem& problem) override {
    if (format_ == StreamFormat::jsonl) append_problem_json_line(buffer_, problem);
  }
  void flush() override {
    out_ << buffer_;
    out_.flush();
    buffer_.clear();
  }

 private:
  std::ostream& out_;
  StreamFormat format_;
  std::string buffer_;
};

// Counts for the summary, and the progress line on a terminal.
class CountingSink final : public RecordSink {
 public:
  CountingSink(ScanOutcome& outcome, std::ostream& diagnostics, const WalkTotals* totals)
      : outcome_(outcome), diag_(diagnostics), totals_(totals), start_(Clock::now()) {}

  void on_item(const ItemRecord& item) override {
    ScanCounts& c = outcome_.counts;
    ++c.items;
    c.bytes += item.size;
    if (item.media_type == MediaType::image) ++c.images;
    else if (item.media_type == MediaType::video) ++c.videos;
    else ++c.others;
    if (!item.digests.empty()) ++c.digested;
    if (!item.exif.empty() && (item.exif.make || item.exif.model || item.exif.datetime_original)) ++c.with_exif;
    if (item.exif.gps_lat && item.exif.gps_lon) ++c.with_gps;
    if (item.extension_mismatch) ++c.extension_mismatches;
    if (!item.matches.empty()) ++c.matched;
    if (!item.matches.empty() && std::all_of(item.matches.begin(), item.matches.end(),
                                             [](const ItemMatch& m) { return m.probable(); }))
      ++c.probable;
    if (item.category && item.media_type != MediaType::other) {
      const std::string label = item.category->label + (item.category->probable ? " (probable, PDQ)" : "");
      auto& counts = c.categories[{item.category->severity, label}];
      (item.media_type == MediaType::video ? counts.second : counts.first) += 1;
    }
    if (!item.problems.empty()) {
      ++c.item_errors;
      remember(item.path, item.problems.front().stage + ": " + item.problems.front().message);
    }
    tick();
  }
  void on_problem(const WalkProblem& problem) override {
    if (problem.is_error) {
      ++outcome_.counts.walk_errors;
      remember(problem.path, problem.kind + ": " + problem.message);
    } else {
      ++outcome_.counts.notices;
    }
  }
  void flush() override {}
  void finish() {
    if (shown_) diag_ << "\r\033[K" << std::flush;
  }

 private:
  void remember(const std::string& path, const std::string& what) {
    if (outcome_.first_errors.size() < 10) outcome_.first_errors.push_back(path + ": " + what);
  }
  void tick() {
    if (totals_ == nullptr) return;
    const auto now = Clock::now();
    if (now - last_ < std::chrono::milliseconds(250)) return;
    last_ = now;
    const double secs = std::chrono::duration<double>(now - start_).count();
    const auto& c = outcome_.counts;
    const double mb = static_cast<double>(c.bytes) / 1e6;
    std::string eta = "ETA counting...";
    if (totals_->done.load() && c.bytes > 0 && secs > 0) {
      const double total = static_cast<double>(totals_->bytes.load());
      const double left = std::max(0.0, total - static_cast<double>(c.bytes));
      eta = fmt::format("of {:.1f} MB, ETA {:.0f} s", total / 1e6, left / (static_cast<double>(c.bytes) / secs));
    }
    diag_ << fmt::format("\r\033[K{} items ({} images, {} videos)  {:.1f} MB {}  {:.1f} MB/s", c.items, c.images,
                         c.videos, mb, eta, secs > 0 ? mb / secs : 0.0)
          << std::flush;
    shown_ = true;
  }

  ScanOutcome& outcome_;
  std::ostream& diag_;
  const WalkTotals* totals_;
  bool shown_ = false;
  Clock::time_point start_, last_{};
};

class FanOutSink final : public RecordSink {
 public:
  void add(RecordSink* sink) { sinks_.push_back(sink); }
  void on_item(const ItemRecord& item) override {
    for (auto* s : sinks_) s->on_item(item);
  }
  void on_problem(const WalkProblem& problem) override {
    for (auto* s : sinks_) s->on_problem(problem);
  }
  void flush() override {
    for (auto* s : sinks_) s->flush();
  }

 private:
  std::vector<RecordSink*> sinks_;
};

std::string options_json(const ScanJobOptions& o) {
  std::string out;
  JsonObject j(out);
  std::string sources = "[";
  for (std::size_t i = 0; i < o.sources.size(); ++i) {
    if (i) sources += ',';
    append_json_string(sources, o.sources[i]);
  }
  sources += ']';
  j.raw("sources", sources)
      .boolean("all_files", o.all_files)
      .boolean("pdq", o.perceptual)
      .number("pdq_max_distance", static_cast<std::uint64_t>(o.pdq_max_distance))
      .number("pdq_min_quality", static_cast<std::uint64_t>(o.pdq_min_quality))
      .boolean("source_hash", o.source_hash)
      .boolean("carve", o.carve)
      .optional("video_fps", o.video_fps)
      .number("max_pixels", o.max_pixels)
      .optional("item_timeout", o.item_timeout)
      .number("video_match_percent", o.video_match_percent)
      .boolean("video_keyframes", o.video_keyframes)
      .number("stage_timeout", o.stage_timeout)
      .string("profile", o.profile)
      .number("jobs", static_cast<std::uint64_t>(o.jobs));
  j.close();
  return out;
}

// Case files are owner-only: while a scan writes the case (SQLite's database, WAL and SHM files,
// hashsets.db), the process umask is 077. Restored on every path out.
class OwnerOnlyUmask {
 public:
  OwnerOnlyUmask() : saved_(::umask(077)) {}
  ~OwnerOnlyUmask() { ::umask(saved_); }
  OwnerOnlyUmask(const OwnerOnlyUmask&) = delete;
  OwnerOnlyUmask& operator=(const OwnerOnlyUmask&) = delete;

 private:
  mode_t saved_;
};

// One scan writes a case at a time: an advisory lock on the case directory (flock, which
// SQLite's own POSIX locks on case.db do not disturb), held until the outputs are written.
class CaseDirLock {
 public:
  explicit CaseDirLock(const fs::path& dir) : fd_(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
    if (fd_ < 0) throw std::runtime_error(fmt::format("{}: {}", dir.string(), std::strerror(errno)));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd_);
      throw std::runtime_error(fmt::format("{}: another triage process is writing this case", dir.string()));
    }
  }
  ~CaseDirLock() { ::close(fd_); }
  CaseDirLock(const CaseDirLock&) = delete;
  CaseDirLock& operator=(const CaseDirLock&) = delete;

 private:
  int fd_;
};

// How long a whole-media read took (the disk benchmark compares it with dd's).
void print_read_time(std::ostream& diagnostics, std::string_view when, std::uint64_t bytes,
                     std::chrono::steady_clock::time_point started) {
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  fmt::print(diagnostics, "triage: media read {} the scan: {} bytes in {:.2f} s ({:.0f} MB/s)\n", when, bytes,
             seconds, seconds > 0 ? static_cast<double>(bytes) / seconds / 1e6 : 0.0);
}

// Before the walk: the image's format, segments and whole-media digests (unless skipped).
void hash_before_walk(SourceInfo& info, bool hash, std::ostream& diagnostics, StopToken stop) {
  if (!hash) {
    info.integrity = Integrity::skipped;
    info.integrity_note = "source hash skipped (--no-source-hash)";
    return;
  }
  fmt::print(diagnostics, "triage: hashing {} before the scan...\n", info.path);
  const auto started = std::chrono::steady_clock::now();
  auto digest = digest_disk_image(info.path, MediaDigests::all, stop);
  if (digest) print_read_time(diagnostics, "before", digest->media_size, started);
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
  auto after = digest_disk_image(info.path, MediaDigests::sha256_only, stop);
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

// The recorded hash sets as "name (role, sha256)" lines, for comparison and messages.
std::vector<std::string> hash_set_keys(const std::vector<CaseHashSet>& sets) {
  std::vector<std::string> out;
  for (const auto& s : sets) out.push_back(fmt::format("{} ({}, {})", s.name, to_string(s.role), s.source_sha256));
  return out;
}

// --resume continues a run only with what produced its committed items: the same sources and
// options (jobs aside: it changes no result), profile, hash sets, case details and tool version.
// What the run had not recorded yet when it was killed (profile, hash sets) is recorded now.
void check_resumable(const ScanJobOptions& options, const RunSummary& run, CaseStore& store,
                     const ScanHashSets* hash_sets) {
  auto refuse = [&](const std::string& why) {
    throw ScanResumeError(fmt::format("cannot resume the scan in '{}': {}", options.case_dir.string(), why));
  };
  if (run.tool_version != kToolVersion)
    refuse(fmt::format("it was made by triage {}, this is {}", run.tool_version, kToolVersion));
  ScanJobOptions same_jobs = options;
  same_jobs.jobs = static_cast<unsigned>(run.jobs);
  if (const std::string now = options_json(same_jobs); now != run.options_json)
    refuse(fmt::format("the sources or options differ from the interrupted run's (recorded {}, now {})",
                       run.options_json, now));
  const std::string profile_text = profile_source_text(options.profile);
  const auto profiles = store.profiles();
  if (!profiles.empty() && profiles.back().json != profile_text)
    refuse(fmt::format("the profile differs from the one recorded ('{}')", profiles.back().name));
  const auto recorded_sets = hash_set_keys(store.hash_sets());
  const auto now_sets = hash_sets ? hash_set_keys(hash_sets->used) : std::vector<std::string>{};
  if (!recorded_sets.empty() && recorded_sets != now_sets)
    refuse(fmt::format("the hash sets differ from those recorded ({})", fmt::join(recorded_sets, "; ")));
  const CaseDetails recorded = store.case_details();
  CaseDetails d = options.case_details;
  d.time_zone = recorded.time_zone.empty() ? local_time_zone() : recorded.time_zone;  // the first run's zone
  for (const auto& [name, was, now] : {std::tuple{"--case-ref", recorded.case_ref, d.case_ref},
                                       {"--exhibit-ref", recorded.exhibit_ref, d.exhibit_ref},
                                       {"--examiner", recorded.examiner, d.examiner},
                                       {"--organisation", recorded.organisation, d.organisation}})
    if (!was.empty() && was != now) refuse(fmt::format("{} differs from the recorded '{}'", name, was));
  store.set_case_details(d);
  if (profiles.empty()) store.add_profile(load_profile(options.profile).name, profile_text);
  if (recorded_sets.empty() && hash_sets)
    for (const auto& set : hash_sets->used) store.add_hash_set(set);
}

// --item-timeout as the workers' per-item budget.
std::chrono::microseconds item_budget_of(const ScanJobOptions& options) {
  return std::chrono::microseconds(static_cast<std::int64_t>(options.item_timeout.value_or(0) * 1e6));
}

// A source as the interrupted run recorded it, ready for the verification after the walk: its
// digests from before the first walk stand (the image is not read twice before).
SourceInfo recorded_source(const std::vector<SourceInfo>& recorded, std::uint32_t index) {
  for (const auto& s : recorded) {
    if (s.index != index) continue;
    SourceInfo info = s;
    if (info.kind == SourceKind::directory || info.integrity == Integrity::skipped) return info;
    if (!info.media.empty()) {
      info.integrity = Integrity::pending;
    } else {
      info.integrity = Integrity::unreadable;
      info.integrity_note = "the image could not be hashed before the scan";
    }
    return info;
  }
  throw ScanResumeError(fmt::format("the case records no source {}: it cannot be resumed", index));
}

// Hands what the case holds to `sink` in walk order: the committed part of a resumed run, so
// that counts and the stdout stream cover the whole run.
void replay_committed(const CaseStore& store, RecordSink& sink) {
  std::vector<WalkProblem> problems;
  store.for_each_walk_problem([&](const WalkProblem& p) { problems.push_back(p); });
  auto next = problems.begin();
  store.for_each_item([&](const ItemRecord& item) {
    for (; next != problems.end() && next->seq < item.seq; ++next) sink.on_problem(*next);
    sink.on_item(item);
  });
  for (; next != problems.end(); ++next) sink.on_problem(*next);
  sink.flush();
}

}  // namespace

ScanOutcome run_scan_job(const ScanJobOptions& options, std::ostream& results, std::ostream& diagnostics,
                         bool progress, const std::atomic<bool>& interrupted) {
  const auto start = Clock::now();
  const OwnerOnlyUmask owner_only;
  std::error_code ec;
  fs::permissions(options.case_dir, fs::perms::owner_all, fs::perm_options::replace, ec);  // 0700
  if (ec) throw std::runtime_error(fmt::format("{}: {}", options.case_dir.string(), ec.message()));
  const CaseDirLock lock(options.case_dir);
  std::unique_ptr<ScanHashSets> hash_sets;
  if (!options.hashsets.empty() || !options.known_hashsets.empty()) {
    try {
      hash_sets = load_scan_hash_sets(options.hashsets, options.known_hashsets, options.case_dir / "hashsets.db",
                                      StopToken(interrupted));
    } catch (const Interrupted&) {
      throw;
    } catch (const std::exception& e) {
      throw ScanInputError(fmt::format("hash set not usable: {}", e.what()));
    }
  }
  const fs::path db_file = options.case_dir / "case.db";
  std::unique_ptr<CaseStore> store;
  std::optional<RunSummary> previous;  // --resume: the run to continue
  try {
    store = options.resume ? CaseStore::open_or_create(db_file) : CaseStore::create(db_file);
    if (options.resume) previous = store->last_run();
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("{}: {}", db_file.string(), e.what()));
  }
  if (previous) {
    check_resumable(options, *previous, *store, hash_sets.get());
    if (previous->status == "completed") {  // killed while writing the outputs, or run twice
      ScanOutcome outcome;
      outcome.already_complete = true;
      CountingSink counting(outcome, diagnostics, nullptr);
      FanOutSink replay;
      replay.add(&counting);
      std::unique_ptr<StreamSink> stream;
      if (options.format != StreamFormat::summary) {
        stream = std::make_unique<StreamSink>(results, options.format);
        replay.add(stream.get());
      }
      replay_committed(*store, replay);
      store.reset();
      write_case_outputs(options.case_dir, StopToken(interrupted));
      outcome.seconds = std::chrono::duration<double>(Clock::now() - start).count();
      return outcome;
    }
  }

  VideoOptions video_options;
  video_options.max_pixels = options.max_pixels;
  video_options.cancel = &interrupted;  // Ctrl-C stops a long decode; the item is left for --resume
  if (options.item_timeout)
    video_options.max_time = std::min(video_options.max_time,
                                      std::chrono::ceil<std::chrono::milliseconds>(item_budget_of(options)));
  if (options.video_fps) {
    video_options.fps = *options.video_fps;
    video_options.keyframes_only = options.video_keyframes;
  }
  ContentPolicy policy;
  policy.all_files = options.all_files;
  policy.stop = StopToken(interrupted);
  if (options.video_fps) policy.large_video = walker_video_hasher(video_options);
  std::vector<std::unique_ptr<EvidenceSource>> owned;
  std::vector<EvidenceSource*> sources;
  std::vector<SourceInfo> infos;
  const std::vector<SourceInfo> recorded_sources = previous ? store->sources() : std::vector<SourceInfo>{};
  for (std::size_t i = 0; i < options.sources.size(); ++i) {
    const auto& path = options.sources[i];
    auto kind = classify_source(path);
    if (!kind) throw ScanInputError(kind.error().message);
    TskWalkOptions tsk;
    tsk.carve = options.carve;
    tsk.stage_budget = std::chrono::milliseconds(static_cast<std::int64_t>(options.stage_timeout * 1000));
    owned.push_back(make_source(path, *kind, policy, tsk));
    sources.push_back(owned.back().get());
    if (previous) {
      infos.push_back(recorded_source(recorded_sources, static_cast<std::uint32_t>(i)));
      continue;
    }
    SourceInfo info;
    info.index = static_cast<std::uint32_t>(i);
    info.path = path;
    info.kind = *kind;
    if (*kind != SourceKind::directory) hash_before_walk(info, options.source_hash, diagnostics, StopToken(interrupted));
    infos.push_back(std::move(info));
  }

  const CategoryProfile profile = load_profile(options.profile);
  AnalysisContext context;
  context.all_files = options.all_files;
  context.profile = &profile;
  context.perceptual = options.perceptual;
  if (hash_sets) {
    context.matcher = &hash_sets->matcher;
    context.pdq_matcher = &hash_sets->pdq;
    context.video_matcher = &hash_sets->videos;
  }
  context.max_pixels = options.max_pixels;
  context.video_options = video_options;
  if (options.item_timeout) context.item_budget = item_budget_of(options);
  context.pdq_options.max_distance = options.pdq_max_distance;
  context.pdq_options.min_quality = options.pdq_min_quality;
  context.video_match_options.max_distance = options.pdq_max_distance;
  context.video_match_options.min_quality = options.pdq_min_quality;
  context.video_match_options.min_known_percent = options.video_match_percent;
  if (hash_sets && !hash_sets->videos.empty() && !options.video_fps)
    diagnostics << "triage: warning: video frame-hash sets are matched only when videos are decoded (--video-fps)\n";
  context.video = options.video_fps.has_value();

  RunInfo run;
  run.started_utc = now_utc();
  run.command_line = options.command_line;
  run.options_json = options_json(options);
  run.jobs = options.jobs;
  PipelineOptions pipeline;
  pipeline.jobs = options.jobs;
  if (previous) {
    // The walk is deterministic: what was committed is a prefix of it, known by its paths.
    const std::uint64_t committed = store->for_each_committed_position(
        [&](const std::string& path) { pipeline.committed.push_back(path_fingerprint(path)); });
    store->resume_run(run, committed);
  } else {
    store->begin_run(run, infos);
    CaseDetails details = options.case_details;
    details.time_zone = local_time_zone();  // reports give UTC and name the examiner's zone
    store->set_case_details(details);
    store->add_profile(profile.name, profile_source_text(options.profile));
    if (hash_sets)
      for (const auto& set : hash_sets->used) store->add_hash_set(set);
  }

  ScanOutcome outcome;
  outcome.resumed_from = pipeline.committed.size();
  StoreSink store_sink(*store);
  // On a terminal a quick count of the sources, alongside the scan, gives the progress line an ETA.
  WalkTotals totals;
  std::atomic<bool> stop_counting{false};
  std::jthread counter;  // joins on every path out, exceptions included
  if (progress) {
    counter = std::jthread([&] {
      for (auto* source : sources) source->count(totals, stop_counting);
      totals.done = true;
    });
  }
  CountingSink counting(outcome, diagnostics, progress ? &totals : nullptr);
  FanOutSink fan_out;
  fan_out.add(&store_sink);
  fan_out.add(&counting);
  std::unique_ptr<StreamSink> stream;
  if (options.format != StreamFormat::summary) {
    stream = std::make_unique<StreamSink>(results, options.format);
    fan_out.add(stream.get());
  }

  if (previous) {  // counts and the stdout stream cover the whole run, committed part first
    FanOutSink replay;
    replay.add(&counting);
    if (stream) replay.add(stream.get());
    replay_committed(*store, replay);
  }
  PipelineStats stats;
  try {
    stats = run_pipeline(
        sources, [&context] { return std::make_unique<MediaAnalyzer>(context); }, fan_out, pipeline, interrupted);
  } catch (const ResumeError& e) {
    throw ScanResumeError(fmt::format("cannot resume the scan in '{}': {}", options.case_dir.string(), e.what()));
  }
  counting.finish();
  stop_counting = true;
  if (counter.joinable()) counter.join();
  outcome.interrupted = stats.interrupted;
  std::uint64_t next_seq = pipeline.committed.size() + stats.items + stats.problems;
  for (const auto& info : infos) {
    if (info.kind == SourceKind::directory) continue;
    if (stats.interrupted) {  // the examiner asked to stop: no second full read, and the case says so
      store->record_source_verification(info.index, {}, info.integrity == Integrity::skipped ? Integrity::skipped : Integrity::not_verified,
                                        "scan interrupted before the image was read again");
      outcome.integrity.push_back(fmt::format("{}: not verified (scan interrupted)", info.path));
      continue;
    }
    std::optional<WalkProblem> problem;
    try {
      problem = verify_after_walk(info, *store, outcome, diagnostics, StopToken(interrupted));
    } catch (const Interrupted&) {  // stopped while the image was read again: the run ends interrupted
      stats.interrupted = outcome.interrupted = true;
      store->record_source_verification(info.index, {}, Integrity::not_verified,
                                        "scan interrupted while the image was read again");
      outcome.integrity.push_back(fmt::format("{}: not verified (scan interrupted)", info.path));
      continue;
    }
    if (!problem) continue;
    problem->seq = next_seq++;
    store->add_problem(*problem);
    counting.on_problem(*problem);
    if (stream) {
      stream->on_problem(*problem);
      stream->flush();
    }
  }
  store->end_run(stats.interrupted ? "interrupted" : "completed", now_utc());

  store.reset();
  // Derived outputs are rendered from the database, never from the live pipeline.
  write_case_outputs(options.case_dir, StopToken(interrupted));

  outcome.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return outcome;
}

void print_scan_summary(std::ostream& out, const ScanJobOptions& options, const ScanOutcome& outcome) {
  const ScanCounts& c = outcome.counts;
  fmt::print(out, "triage scan {}\n", outcome.interrupted ? "INTERRUPTED (finish it: the same command with --resume)" : "complete");
  fmt::print(out, "  case directory      {}\n", options.case_dir.string());
  if (outcome.already_complete)
    fmt::print(out, "  resumed             nothing to do: the scan had completed (outputs written again)\n");
  else if (options.resume && outcome.resumed_from > 0)
    fmt::print(out, "  resumed             after {} walk positions committed before the interruption\n",
               outcome.resumed_from);
  fmt::print(out, "  files examined      {} ({:.1f} MB) in {:.2f} s\n", c.items, static_cast<double>(c.bytes) / 1e6,
             outcome.seconds);
  fmt::print(out, "  still images        {}\n", c.images);
  fmt::print(out, "  videos              {}\n", c.videos);
  fmt::print(out, "  other files         {}{}\n", c.others, options.all_files ? "" : " (identified, not digested)");
  fmt::print(out, "  digested            {} (MD5, SHA-1, SHA-256)\n", c.digested);
  fmt::print(out, "  with camera EXIF    {} ({} with GPS position)\n", c.with_exif, c.with_gps);
  fmt::print(out, "  extension mismatch  {}\n", c.extension_mismatches);
  if (!c.categories.empty()) {
    fmt::print(out, "  by category (profile {}; each file counted once, by its most severe match)\n",
               options.profile);
    fmt::print(out, "    {:<36} {:>8} {:>8}\n", "category", "stills", "videos");
    for (const auto& [key, counts] : c.categories)
      fmt::print(out, "    {:<36} {:>8} {:>8}\n", key.second, counts.first, counts.second);
  }
  fmt::print(out, "  hash-set matches    {} items ({} probable only: PDQ or video frames, to be confirmed by eye)\n", c.matched,
             c.probable);
  fmt::print(out, "  not examined        {} item errors, {} walk errors, {} notices (links not followed, deleted names only, unpartitioned space)\n",
             c.item_errors, c.walk_errors, c.notices);
  for (const auto& e : outcome.first_errors) fmt::print(out, "    ! {}\n", e);
  for (const auto& line : outcome.integrity) fmt::print(out, "  source integrity    {}\n", line);
  if (outcome.source_changed) fmt::print(out, "  !!! SOURCE INTEGRITY FAILED: the evidence changed or could not be re-read\n");
  fmt::print(out, "  outputs             case.db, items.csv, report.html, report.json, export.vics.json, SHA256SUMS{}\n",
             fs::exists(options.case_dir / "hashsets.db") ? ", hashsets.db" : "");
}

}  // namespace triage
