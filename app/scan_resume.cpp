#include "app/scan_resume.h"

#include <fmt/format.h>

#include "core/text/json_text.h"
#include "core/text/time_format.h"
#include "formats/profile/profile_loader.h"
#include "triage/version.h"

namespace triage {
namespace {

// The recorded hash sets as "name (role, sha256)" lines, for comparison and messages.
std::vector<std::string> hash_set_keys(const std::vector<CaseHashSet>& sets) {
  std::vector<std::string> out;
  for (const auto& s : sets) out.push_back(fmt::format("{} ({}, {})", s.name, to_string(s.role), s.source_sha256));
  return out;
}

std::string json_strings(const std::vector<std::string>& texts) {
  std::string out = "[";
  for (std::size_t i = 0; i < texts.size(); ++i) {
    if (i) out += ',';
    append_json_string(out, texts[i]);
  }
  return out + ']';
}

}  // namespace

namespace {

std::string extract_names(const std::vector<ExtractWhich>& which) {
  std::vector<std::string> names;
  for (const ExtractWhich w : which) names.emplace_back(to_string(w));
  return json_strings(names);
}

}  // namespace

std::string options_json(const ScanJobOptions& o) {
  std::string out;
  JsonObject j(out);
  j.raw("sources", json_strings(o.sources))
      .raw("parents", json_strings(o.parents))
      .boolean("all_files", o.all_files)
      .boolean("pdq", o.perceptual)
      .number("pdq_max_distance", static_cast<std::uint64_t>(o.pdq_max_distance))
      .number("pdq_min_quality", static_cast<std::uint64_t>(o.pdq_min_quality))
      .number("cluster_distance", static_cast<std::uint64_t>(o.cluster_distance))
      .boolean("source_hash", o.source_hash)
      .boolean("carve", o.carve)
      .optional("video_fps", o.video_fps)
      .number("max_pixels", o.max_pixels)
      .optional("item_timeout", o.item_timeout)
      .number("video_match_percent", o.video_match_percent)
      .boolean("video_keyframes", o.video_keyframes)
      .number("stage_timeout", o.stage_timeout)
      .boolean("archives", o.archives)
      .number("archive_depth", static_cast<std::uint64_t>(o.archive_depth))
      .number("max_expand_ratio", o.max_expand_ratio)
      .number("max_expand", o.max_expand)
      .number("archive_passwords", static_cast<std::uint64_t>(o.archive_passwords.size()))
      .number("keys", static_cast<std::uint64_t>(o.keys.size()))
      .string("extraction_root", o.extraction_root)
      .string("profile", o.profile)
      .boolean("provenance", o.provenance)
      .string("origin_rules", o.origin_rules)
      .raw("own_cameras", json_strings(o.own_cameras))
      .boolean("faces", o.faces)
      .boolean("thumbnails", o.thumbnails)
      .raw("extract", extract_names(o.extract))
      .string("face_model", o.face_model)
      .number("jobs", static_cast<std::uint64_t>(o.jobs));
  j.close();
  return out;
}

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

void replay_committed(const CaseStore& store, RecordSink& sink) {
  std::vector<WalkProblem> problems;
  store.for_each_walk_problem([&](const WalkProblem& p) { problems.push_back(p); });
  auto next = problems.begin();
  store.for_each_item([&](const ItemRecord& recorded) {
    for (; next != problems.end() && next->seq < recorded.seq; ++next) sink.on_problem(*next);
    // As the stream gave it: clusters are decided after the walk (triage report --format jsonl has them).
    ItemRecord item = recorded;
    item.cluster.reset();
    item.cluster_size.reset();
    sink.on_item(item);
  });
  for (; next != problems.end(); ++next) sink.on_problem(*next);
  sink.flush();
}

}  // namespace triage
