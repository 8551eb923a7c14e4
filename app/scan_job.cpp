#include "app/scan_job.h"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "app/alert_log.h"
#include "app/case_clusters.h"
#include "app/case_dir.h"
#include "app/case_outputs.h"
#include "app/content_memo.h"
#include "app/case_provenance.h"
#include "app/library_versions.h"
#include "app/media_analyzer.h"
#include "app/scan_hash_sets.h"
#include "app/scan_resume.h"
#include "app/scan_sinks.h"
#include "app/scan_sources.h"
#include "app/thumbnail_store.h"
#include "app/walk_settings.h"
#include "core/digest/digests.h"
#include "core/pipeline/scan_pipeline.h"
#include "core/provenance/origin_rules.h"
#include "core/provenance/priority_areas.h"
#include "core/provenance/provenance.h"
#include "core/text/time_format.h"
#include "formats/archive/archive_opener.h"
#include "formats/casedb/case_store.h"
#include "formats/image/face_counter.h"
#include "formats/image/image_decoder.h"
#include "formats/image/thumbnail.h"
#include "formats/profile/profile_loader.h"
#include "formats/rules/origin_rules_loader.h"
#include "formats/rules/priority_areas_loader.h"
#include "formats/source/source_kind.h"

namespace triage {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kPartialBudget = "partial (budget)";  // the run status --budget leaves

// --item-timeout as the workers' per-item budget.
std::chrono::microseconds item_budget_of(const ScanJobOptions& options) {
  return std::chrono::microseconds(static_cast<std::int64_t>(options.item_timeout.value_or(0) * 1e6));
}

// Video decoding as the options ask: sampling, pixel limit, time budget, and a stop request
// (Ctrl-C, --budget) ending a long decode (the item is left for --resume).
VideoOptions video_options_of(const ScanJobOptions& options, const std::atomic<bool>& walk_stop) {
  VideoOptions video;
  video.max_pixels = options.max_pixels;
  video.cancel = &walk_stop;
  if (options.item_timeout)
    video.max_time = std::min(video.max_time, std::chrono::ceil<std::chrono::milliseconds>(item_budget_of(options)));
  if (options.video_fps) {
    video.fps = *options.video_fps;
    video.keyframes_only = options.video_keyframes;
  }
  if (options.thumbnails) video.strip_frames = kVideoStripFrames;  // from the frames decoded for hashing
  return video;
}

// One `triage scan`, step by step: each step a method, in the order run() calls them.
class ScanRun {
 public:
  ScanRun(const ScanJobOptions& options, std::ostream& results, std::ostream& diagnostics, bool progress,
          const std::atomic<bool>& interrupted)
      : options_(with_jobs_resolved(options)),
        results_(results),
        diagnostics_(diagnostics),
        progress_(progress),
        interrupted_(interrupted),
        stop_(interrupted),
        walk_stop_token_(walk_stop_),
        start_(Clock::now()) {}

  ScanOutcome run() {
    const OwnerOnlyUmask owner_only;
    protect_case_dir();
    const CaseDirLock lock(options_.case_dir);
    const std::jthread watch([this](std::stop_token done) { watch_stop_requests(done); });
    load_hash_sets();
    load_origin_rules();
    open_case();
    if (previous_) {
      check_resumable(options_, *previous_, *store_, hash_sets_.get());
      if (previous_->status == "completed") return write_outputs_again();  // killed while writing them, or run twice
    }
    profile_ = load_profile(options_.profile);
    open_alerts();
    const VideoOptions video = video_options_of(options_, walk_stop_);
    open_sources(video);
    const AnalysisContext context = analysis_context(profile_, video);
    record_run(profile_);
    schedule_work();
    if (!options_.budget) start_source_hashing();  // beside the walk: the first alert does not wait for it
    walk(context);
    finish_source_hashing();
    const bool incomplete = outcome_.interrupted || outcome_.budget_spent;
    verify_sources(incomplete);
    if (!incomplete && options_.provenance) decide_case_provenance(*store_, options_.own_cameras, source_roots());
    if (!incomplete) decide_case_clusters(*store_, {options_.cluster_distance, options_.pdq_min_quality, options_.jobs});
    store_->end_run(outcome_.interrupted ? "interrupted" : outcome_.budget_spent ? kPartialBudget : "completed",
                    now_utc());
    store_.reset();
    // Derived outputs are rendered from the database, never from the live pipeline.
    write_case_outputs(options_.case_dir, stop_);
    if (!options_.extract.empty() && !incomplete) extract();
    outcome_.seconds = seconds_since_start();
    return outcome_;
  }

 private:
  // The walk stops on Ctrl-C and, with --budget, once the budget is spent while it runs; the
  // stages after it (outputs, the source re-read) stop on Ctrl-C only.
  void watch_stop_requests(const std::stop_token& done) {
    const auto deadline = options_.budget ? std::optional(start_ + *options_.budget) : std::nullopt;
    while (!done.stop_requested()) {
      if (interrupted_.load()) walk_stop_ = true;
      if (deadline && walking_.load() && Clock::now() >= *deadline && !walk_stop_.load()) {
        budget_spent_ = true;
        walk_stop_ = true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  // Alerts (stderr, and --alerts FILE) are raised by the workers as they find them.
  void open_alerts() {
    alerts_ = std::make_unique<AlertLog>(diagnostics_, progress_, options_.alerts_file, start_, &profile_);
  }

  double seconds_since_start() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

  // The case directory is owner-only (0700).
  void protect_case_dir() {
    std::error_code ec;
    fs::permissions(options_.case_dir, fs::perms::owner_all, fs::perm_options::replace, ec);
    if (ec) throw std::runtime_error(fmt::format("{}: {}", options_.case_dir.string(), ec.message()));
  }

  // Hash sets first: a bad one is refused before any case is recorded.
  void load_hash_sets() {
    if (options_.hashsets.empty() && options_.known_hashsets.empty()) return;
    try {
      hash_sets_ = load_scan_hash_sets(options_.hashsets, options_.known_hashsets, options_.case_dir / "hashsets.db",
                                       stop_);
    } catch (const Interrupted&) {
      throw;
    } catch (const std::exception& e) {
      throw ScanInputError(fmt::format("hash set not usable: {}", e.what()));
    }
  }

  // Each source's path as its items are written, for the origin rules and the device databases.
  std::vector<SourceRoot> source_roots() const {
    std::vector<SourceRoot> roots;
    for (const auto& info : infos_) {
      std::string root = info.path;
      const bool folder = walked_as_files(info.kind);
      while (folder && root.size() > 1 && root.back() == '/') root.pop_back();  // as DirectorySource names its items
      roots.push_back({root, folder});
    }
    return roots;
  }

  // The origin rules in force: the examiner's file (read once, kept with the case) before the
  // built-in set. A file that cannot be used is refused before anything is recorded.
  void load_origin_rules() {
    if (!options_.origin_rules.empty()) {
      std::ifstream in(options_.origin_rules, std::ios::binary);
      std::ostringstream text;
      text << in.rdbuf();
      if (!in) throw ScanInputError(fmt::format("origin rules '{}' cannot be read", options_.origin_rules));
      user_origin_rules_ = text.str();
    }
    try {
      origin_rules_ = origin_rules_in_force(user_origin_rules_, options_.origin_rules);
    } catch (const std::exception& e) {
      throw ScanInputError(e.what());
    }
    if (!options_.own_cameras.empty()) own_cameras_ = OwnCameras::named(options_.own_cameras);
    if (options_.faces && !options_.provenance)
      throw ScanInputError("--faces records faces in the provenance keys: it cannot be used with --no-provenance");
    if (options_.faces) load_face_model();
  }

  // The face cascade, checked before anything is recorded; each worker loads its own copy. The run
  // records the file and its SHA-256 beside the libraries (what a rerun needs to count the same).
  void load_face_model() {
    face_model_ = options_.face_model.empty() ? fs::path(kDefaultFaceModel) : fs::path(options_.face_model);
    if (auto loaded = FaceCounter::load(face_model_); !loaded) throw ScanInputError(loaded.error().message);
    face_model_version_ = fmt::format("{} (SHA-256 {})", face_model_.string(), sha256_of_file(face_model_));
  }

  void open_case() {
    const fs::path db_file = options_.case_dir / "case.db";
    try {
      store_ = options_.resume ? CaseStore::open_or_create(db_file) : CaseStore::create(db_file);
      if (options_.resume) previous_ = store_->last_run();  // --resume: the run to continue
    } catch (const std::exception& e) {
      throw std::runtime_error(fmt::format("{}: {}", db_file.string(), e.what()));
    }
  }

  // A finished case given --resume: the counts and stream again from case.db, and the outputs.
  ScanOutcome write_outputs_again() {
    ScanOutcome outcome;
    outcome.already_complete = true;
    CountingSink counting(outcome, diagnostics_, nullptr);
    FanOutSink replay;
    replay.add(&counting);
    std::unique_ptr<StreamSink> stream;
    if (options_.format != StreamFormat::summary) {
      stream = std::make_unique<StreamSink>(results_, options_.format);
      replay.add(stream.get());
    }
    replay_committed(*store_, replay);
    store_.reset();
    write_case_outputs(options_.case_dir, stop_);
    outcome.seconds = seconds_since_start();
    return outcome;
  }

  // Each source's walker, and its record: a disk image hashed before the walk, or, resuming, the
  // record the interrupted run made of it.
  void open_sources(const VideoOptions& video) {
    WalkSettings settings = walk_settings(options_, walk_stop_token_);
    policy_ = std::move(settings.policy);
    const TskWalkOptions& tsk = settings.tsk;
    parents_ = tsk.parents;
    if (options_.video_fps) policy_.large_video = walker_video_hasher(video);
    if (hash_sets_) policy_.streamed_digested = walker_alert_check(hash_sets_->matcher, *alerts_);
    const std::vector<SourceInfo> recorded = previous_ ? store_->sources() : std::vector<SourceInfo>{};
    for (std::size_t i = 0; i < options_.sources.size(); ++i) {
      const auto& path = options_.sources[i];
      auto kind = classify_source(path, tsk.parents);
      if (!kind) throw ScanInputError(kind.error().message);
      owned_sources_.push_back(make_source(path, *kind, policy_, tsk));
      sources_.push_back(owned_sources_.back().get());
      if (previous_) {
        infos_.push_back(recorded_source(recorded, static_cast<std::uint32_t>(i)));
        if (infos_.back().integrity == Integrity::pending && infos_.back().media.empty()) to_hash_.push_back(i);
        continue;
      }
      SourceInfo info;
      info.index = static_cast<std::uint32_t>(i);
      info.path = path;
      info.kind = *kind;
      if (!walked_as_files(*kind)) {
        if (options_.source_hash) to_hash_.push_back(i);  // beside the walk, or after it (--budget)
        else hash_before_walk(info, false, tsk.parents, diagnostics_, stop_);  // recorded as skipped
        if (options_.source_hash) info.integrity = Integrity::pending;
      }
      infos_.push_back(std::move(info));
    }
  }

  // What every worker shares: the profile, the matchers, the thresholds.
  AnalysisContext analysis_context(const CategoryProfile& profile, const VideoOptions& video) {
    AnalysisContext context;
    context.all_files = options_.all_files;
    context.profile = &profile;
    context.perceptual = options_.perceptual;
    if (hash_sets_) {
      context.matcher = &hash_sets_->matcher;
      context.pdq_matcher = &hash_sets_->pdq;
      context.video_matcher = &hash_sets_->videos;
    }
    context.max_pixels = options_.max_pixels;
    context.video_options = video;
    if (options_.item_timeout) context.item_budget = item_budget_of(options_);
    context.pdq_options.max_distance = options_.pdq_max_distance;
    context.pdq_options.min_quality = options_.pdq_min_quality;
    context.video_match_options.max_distance = options_.pdq_max_distance;
    context.video_match_options.min_quality = options_.pdq_min_quality;
    context.video_match_options.min_known_percent = options_.video_match_percent;
    if (hash_sets_ && !hash_sets_->videos.empty() && !options_.video_fps)
      diagnostics_ << "triage: warning: video frame-hash sets are matched only when videos are decoded (--video-fps)\n";
    context.video = options_.video_fps.has_value();
    context.origin_rules = options_.provenance ? &origin_rules_ : nullptr;
    context.own_cameras = &own_cameras_;
    context.faces = options_.faces && options_.provenance;
    context.face_model = face_model_;
    if (options_.thumbnails) {
      thumbnails_ = std::make_unique<ThumbnailStore>(options_.case_dir / "thumbs");
      context.thumbnails = thumbnails_.get();
    }
    context.source_roots = source_roots();
    context.alerts = alerts_.get();
    context.memo = &memo_;
    return context;
  }

  // The run in case.db: a new one with its sources, details, profile and hash sets, or, resuming,
  // the interrupted one continued after the walk positions it committed.
  void record_run(const CategoryProfile& profile) {
    RunInfo run;
    run.started_utc = now_utc();
    run.command_line = options_.command_line;
    run.options_json = options_json(options_);
    run.jobs = options_.jobs;
    run.libraries = library_versions();
    if (options_.faces) run.libraries.push_back({"Face model", face_model_version_});
    pipeline_.jobs = options_.jobs;
    if (previous_) {
      // The walk is deterministic: what was committed is known by its walk keys and paths.
      const std::uint64_t committed =
          store_->for_each_committed_position([&](std::uint32_t source, WalkKey key, const std::string& path) {
            pipeline_.committed.emplace(std::pair(source, key), path_fingerprint(path));
          });
      store_->resume_run(run, committed);
      return;
    }
    store_->begin_run(run, infos_);
    CaseDetails details = options_.case_details;
    details.time_zone = local_time_zone();  // reports give UTC and name the examiner's zone
    store_->set_case_details(details);
    store_->add_profile(profile.name, profile_source_text(options_.profile));
    store_->add_origin_rules("built-in", std::string(builtin_origin_rules_text()));
    if (!user_origin_rules_.empty()) store_->add_origin_rules(options_.origin_rules, user_origin_rules_);
    if (hash_sets_)
      for (const auto& set : hash_sets_->used) store_->add_hash_set(set);
  }

  // The walk through the pipeline, into case.db, the counts and the stream.
  PipelineStats walk(const AnalysisContext& context) {
    outcome_.resumed_from = pipeline_.committed.size();
    StoreSink store_sink(*store_);
    // On a terminal a quick count of the sources, alongside the scan, gives the progress line an ETA.
    WalkTotals totals;
    std::atomic<bool> stop_counting{false};
    std::jthread counter;  // joins on every path out, exceptions included
    if (progress_) {
      counter = std::jthread([&] {
        for (auto* source : sources_) source->count(totals, stop_counting);
        totals.done = true;
      });
    }
    CountingSink counting(outcome_, diagnostics_, progress_ ? &totals : nullptr, &alerts_->diagnostics_mutex());
    FanOutSink fan_out;
    fan_out.add(&store_sink);
    fan_out.add(&counting);
    // The stdout stream goes in walk order: live for a scan walked in order from its start; for a
    // prioritised or resumed one, from case.db once the walk is over and put back in order.
    const bool live_stream = !pipeline_.schedule && !previous_;
    if (options_.format != StreamFormat::summary) {
      stream_ = std::make_unique<StreamSink>(results_, options_.format);
      if (live_stream) fan_out.add(stream_.get());
    }
    if (previous_) {  // the counts cover the whole run, committed part first
      FanOutSink replay;
      replay.add(&counting);
      replay_committed(*store_, replay);
    }
    PipelineStats stats;
    walking_ = true;
    try {
      stats = run_pipeline(
          sources_, [&context] { return std::make_unique<MediaAnalyzer>(context); }, fan_out, pipeline_,
          walk_stop_);
    } catch (const ResumeError& e) {
      throw ScanResumeError(fmt::format("cannot resume the scan in '{}': {}", options_.case_dir.string(), e.what()));
    }
    walking_ = false;
    counting.finish();
    stop_counting = true;
    if (counter.joinable()) counter.join();
    outcome_.budget_spent = stats.interrupted && budget_spent_.load() && !interrupted_.load();
    outcome_.interrupted = stats.interrupted && !outcome_.budget_spent;
    outcome_.alerts = alerts_->count();
    outcome_.copies_not_decoded = memo_.reused();
    outcome_.first_alert = alerts_->first_alert_seconds();
    if (outcome_.first_alert) store_->record_first_alert(*outcome_.first_alert);
    next_seq_ = pipeline_.committed.size() + stats.items + stats.problems;
    store_->restore_walk_order();
    if (stream_ && !live_stream) replay_committed(*store_, *stream_);
    if (pipeline_.schedule) outcome_.coverage = stats.coverage;
    return stats;
  }

  // --extract: the chosen media copied out once the case is complete (the sources read again).
  void extract() {
    ExtractOptions o;
    o.case_dir = options_.case_dir;
    o.which = options_.extract;
    o.jobs = options_.jobs;
    o.archive_passwords = options_.archive_passwords;
    o.keys = options_.keys;
    o.parents = options_.parents;
    o.sources_just_verified = !outcome_.source_changed;  // the after-walk check found them unchanged
    outcome_.extracted = extract_media(o, diagnostics_, interrupted_);
    if (outcome_.extracted->interrupted) outcome_.interrupted = true;
  }

  // Prioritised work: each source walked once per priority class, user media first; within a
  // class, the entries of an alert record's size first (a file of any other size cannot be an
  // exact alert), then the rest: two passes per class (a pass with nothing placed in it is not
  // walked; entries named like media first would be a third walk per class, which cost more on
  // the benchmark's image than it brought). Not for an archive given as a source: it is read as
  // a stream, and each walk would read it whole again.
  void schedule_work() {
    if (!options_.priorities) return;
    for (const auto& info : infos_)
      if (info.kind == SourceKind::archive) return;
    areas_ = builtin_priority_areas();
    roots_ = source_roots();
    const std::vector<std::uint64_t>* sizes =
        hash_sets_ && hash_sets_->alert_sizes ? &*hash_sets_->alert_sizes : nullptr;
    auto alert_sized = [sizes](std::uint64_t size) {
      return sizes != nullptr && std::binary_search(sizes->begin(), sizes->end(), size);
    };
    // Alert sets that do not state their records' sizes: a scouting walk digests the user's files
    // up to 16 MiB first, before any decoding, for the exact alerts among them.
    if (hash_sets_ && sizes == nullptr)
      pipeline_.scout = [](int priority, std::uint64_t size) { return priority <= 2 && size <= (16u << 20); };
    pipeline_.passes = 8;
    pipeline_.schedule = [this, alert_sized](std::uint32_t source, const std::string& path, std::uint64_t size) {
      ItemRecord probe;
      probe.path = path;
      const SourceRoot& root = roots_.at(source);
      const int priority = priority_class(areas_, &origin_rules_, rule_location(probe, root.path, root.folder));
      return Placement{(priority - 1) * 2 + (alert_sized(size) ? 0 : 1), priority};
    };
  }

  // The first read of each disk image (ACPO principle 1) runs on its own thread beside the walk:
  // a large drive's digest no longer delays the first alert. Its messages wait for the end of it.
  void start_source_hashing() {
    if (to_hash_.empty()) return;
    source_hasher_ = std::jthread([this] {
      for (const std::size_t i : to_hash_) hash_source(i, "beside_walk", walk_stop_token_, hashing_messages_);
    });
  }

  // Waits for the digests taken beside the walk, or (--budget) takes them now, after the
  // triage work; records them.
  void finish_source_hashing() {
    if (source_hasher_.joinable()) {
      source_hasher_.join();
      diagnostics_ << hashing_messages_.str();
    } else {
      for (const std::size_t i : to_hash_) hash_source(i, "after_walk", stop_, diagnostics_);
    }
    for (const std::size_t i : to_hash_) store_->record_source_digests(infos_[i]);
    to_hash_.clear();
  }

  void hash_source(std::size_t i, std::string_view when, StopToken stop, std::ostream& messages) {
    SourceInfo& info = infos_[i];
    try {
      hash_before_walk(info, true, parents_, messages, stop, when);
    } catch (const Interrupted&) {  // --resume reads it again
      info.integrity = Integrity::pending;
      info.integrity_note = "not hashed: the scan was stopped before the image had been read whole";
      outcome_.interrupted = true;  // whatever the walk did, the case is not complete without it
    }
  }

  // Every disk image read again after the walk; a difference is an error row of the case.
  void verify_sources(bool interrupted) {
    for (const auto& info : infos_) {
      if (walked_as_files(info.kind)) continue;
      if (interrupted || outcome_.interrupted) {  // no second full read, and the case says so
        store_->record_source_verification(info.index, {},
                                           info.integrity == Integrity::skipped ? Integrity::skipped
                                                                                : Integrity::not_verified,
                                           "scan interrupted before the image was read again");
        outcome_.integrity.push_back(fmt::format("{}: not verified (scan interrupted)", info.path));
        continue;
      }
      std::optional<WalkProblem> problem;
      try {
        problem = verify_after_walk(info, *store_, outcome_, diagnostics_, stop_);
      } catch (const Interrupted&) {  // stopped while the image was read again: the run ends interrupted
        outcome_.interrupted = true;
        store_->record_source_verification(info.index, {}, Integrity::not_verified,
                                           "scan interrupted while the image was read again");
        outcome_.integrity.push_back(fmt::format("{}: not verified (scan interrupted)", info.path));
        continue;
      }
      if (!problem) continue;
      problem->seq = next_seq_++;
      store_->add_problem(*problem);
      CountingSink counting(outcome_, diagnostics_, nullptr);
      counting.on_problem(*problem);
      if (stream_) {
        stream_->on_problem(*problem);
        stream_->flush();
      }
    }
  }

  static ScanJobOptions with_jobs_resolved(ScanJobOptions options) {
    if (options.jobs == 0) options.jobs = default_jobs();
    return options;
  }

  const ScanJobOptions options_;
  std::ostream& results_;
  std::ostream& diagnostics_;
  bool progress_;
  const std::atomic<bool>& interrupted_;
  StopToken stop_;                     // Ctrl-C
  std::atomic<bool> walk_stop_{false};  // Ctrl-C or --budget, while the walk runs
  StopToken walk_stop_token_;
  std::atomic<bool> walking_{false};
  std::atomic<bool> budget_spent_{false};
  Clock::time_point start_;
  CategoryProfile profile_;
  std::unique_ptr<AlertLog> alerts_;
  PriorityAreas areas_;              // prioritised work: the built-in priority areas
  std::vector<SourceRoot> roots_;     // and each source's root, to read paths inside it
  std::vector<std::size_t> to_hash_;  // disk images whose first digests are still to be taken
  ParentSearch parents_;              // where differential disks' parents are looked for
  std::ostringstream hashing_messages_;
  std::jthread source_hasher_;
  ContentMemo memo_;  // what decoding gave, for the copies of a content
  ScanOutcome outcome_;
  std::unique_ptr<ScanHashSets> hash_sets_;
  std::unique_ptr<CaseStore> store_;
  std::optional<RunSummary> previous_;
  ContentPolicy policy_;
  std::vector<std::unique_ptr<EvidenceSource>> owned_sources_;
  std::vector<EvidenceSource*> sources_;
  std::vector<SourceInfo> infos_;
  PipelineOptions pipeline_;
  std::unique_ptr<StreamSink> stream_;
  std::string user_origin_rules_;  // the examiner's origin rules file's text, as recorded
  OriginRuleSet origin_rules_;
  OwnCameras own_cameras_;         // named by the examiner; none: decided after the walk
  fs::path face_model_;            // --faces: the cascade in use
  std::string face_model_version_;  // its path and SHA-256, as the run records it
  std::unique_ptr<ThumbnailStore> thumbnails_;  // thumbs/, unless --no-thumbnails
  std::uint64_t next_seq_ = 0;
};

}  // namespace

ScanOutcome run_scan_job(const ScanJobOptions& options, std::ostream& results, std::ostream& diagnostics,
                         bool progress, const std::atomic<bool>& interrupted) {
  return ScanRun(options, results, diagnostics, progress, interrupted).run();
}

}  // namespace triage
