// triage scan SOURCE... --out CASE_DIR
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <chrono>
#include <stdexcept>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "core/pipeline/scan_pipeline.h"
#include "formats/profile/profile_loader.h"
#include "app/scan_job.h"
#include "cli/scan_summary.h"
#include "cli/source_access_options.h"
#include "formats/source/source_kind.h"

namespace triage::cli {
namespace fs = std::filesystem;
namespace {

// One clear line naming the source and why it cannot be scanned, or empty. A folder is
// walked; a regular file or block device must be a disk image libtsk can open (a differential
// one with its parents).
std::string source_problem(const std::string& source, const std::vector<std::string>& parents) {
  auto kind = classify_source(source, ParentSearch{parents});
  return kind ? std::string() : kind.error().message;
}

// True when `inner` is `outer` or lies below it (both made absolute and normal).
bool is_within(const fs::path& inner, const fs::path& outer) {
  std::error_code ec;
  const fs::path a = fs::weakly_canonical(inner, ec);
  const fs::path b = fs::weakly_canonical(outer, ec);
  auto ai = a.begin();
  for (auto bi = b.begin(); bi != b.end(); ++bi, ++ai) {
    if (bi->empty()) continue;  // trailing separator
    if (ai == a.end() || *ai != *bi) return false;
  }
  return true;
}

std::string case_dir_problem(const fs::path& case_dir, const std::vector<std::string>& sources, bool resume) {
  for (const auto& s : sources)
    if (is_within(case_dir, s))
      return fmt::format("case directory '{}' lies inside source '{}': nothing may be written inside evidence",
                         case_dir.string(), s);
  std::error_code ec;
  fs::create_directories(case_dir, ec);
  if (ec) return fmt::format("cannot create case directory '{}': {}", case_dir.string(), ec.message());
  if (::access(case_dir.c_str(), W_OK | X_OK) != 0)
    return fmt::format("cannot write case directory '{}': {}", case_dir.string(), std::strerror(errno));
  if (!resume && fs::exists(case_dir / "case.db"))
    return fmt::format(
        "case directory '{}' already holds a case (case.db); choose a new --out, or add --resume to finish "
        "an interrupted scan with the same sources and options",
        case_dir.string());
  return {};
}

// --budget's duration: a number of seconds, minutes or hours ("90s", "10m", "2h", "1.5h"; "90").
std::chrono::milliseconds parse_budget(const std::string& text) {
  std::size_t used = 0;
  double value = -1;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  const std::string unit = text.substr(used);
  const double scale = unit.empty() || unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : 0;
  if (used == 0 || scale == 0 || !(value > 0) || value * scale > 366.0 * 86400)
    throw std::invalid_argument(fmt::format("--budget '{}': a duration such as 90s, 10m or 2h", text));
  return std::chrono::milliseconds(static_cast<std::int64_t>(value * scale * 1000));
}

int run_scan(ScanJobOptions job, Io& io, const std::string& command_line) {
  for (const auto& s : job.sources) {
    if (auto problem = source_problem(s, job.parents); !problem.empty()) {
      fmt::print(io.err, "triage: {}\n", problem);
      return kExitSourceUnreadable;
    }
  }
  try {
    (void)load_profile(job.profile);  // a bad profile is a usage error, found before any case is made
  } catch (const std::exception& e) {
    fmt::print(io.err, "triage: {}\n", e.what());
    return kExitUsage;
  }
  job.command_line = command_line;
  if (auto problem = case_dir_problem(job.case_dir, job.sources, job.resume); !problem.empty()) {
    fmt::print(io.err, "triage: {}\n", problem);
    return kExitCaseUnwritable;
  }
  for (const auto& s : job.sources)
    if (!job.alerts_file.empty() && is_within(job.alerts_file, s)) {
      fmt::print(io.err, "triage: alerts file '{}' lies inside source '{}': nothing may be written inside evidence\n",
                 job.alerts_file.string(), s);
      return kExitCaseUnwritable;
    }

  ScanOutcome outcome;
  try {
    outcome = run_scan_job(job, io.out, io.err, io.err_is_terminal, io.interrupted);
  } catch (const ScanInputError& e) {
    fmt::print(io.err, "triage: {}\n", e.what());
    return kExitSourceUnreadable;
  } catch (const ScanResumeError& e) {
    fmt::print(io.err, "triage: {}\n", e.what());
    return kExitUsage;
  } catch (const Interrupted&) {
    fmt::print(io.err, "triage: interrupted before the walk or while the outputs were written: finish it with the "
                       "same command and --resume\n");
    return kExitInterrupted;
  } catch (const std::exception& e) {
    fmt::print(io.err, "triage: case not written: {}\n", e.what());
    return kExitCaseUnwritable;
  }
  // The summary is the result when no stream format was asked for; otherwise a diagnostic.
  print_scan_summary(job.format == StreamFormat::summary ? io.out : io.err, job, outcome);
  if (outcome.interrupted) return kExitInterrupted;
  if (outcome.budget_spent) return kExitPartial;
  if (outcome.source_changed) return kExitSourceChanged;
  if (outcome.extracted && (outcome.extracted->changed || outcome.extracted->source_changed)) return kExitSourceChanged;
  if (outcome.key_rejected) return kExitSourceUnreadable;
  const auto& c = outcome.counts;
  return c.item_errors + c.walk_errors > 0 ? kExitItemErrors : kExitClean;
}

}  // namespace

void setup_scan(CLI::App& app, Io& io, int& exit_code, const std::string& command_line) {
  auto opts = std::make_shared<ScanJobOptions>();
  CLI::App* cmd = app.add_subcommand("scan", "Walk sources, identify media, digest it, read EXIF, record a case");
  cmd->add_option("SOURCE", opts->sources, "Folder(s), disk image(s) (raw, split raw, E01, VHD, VMDK) or block device(s) to examine (opened read-only)")->required();
  cmd->add_option("--out,-o", opts->case_dir, "Case directory to create (case.db, items.csv, SHA256SUMS)")->required();
  cmd->add_option_function<std::string>(
         "--format",
         [opts](const std::string& format) {
           opts->format = format == "jsonl" ? StreamFormat::jsonl : format == "csv" ? StreamFormat::csv : StreamFormat::summary;
         },
         "What goes to stdout: summary, jsonl (one object per item) or csv")
      ->check(CLI::IsMember({"summary", "jsonl", "csv"}))
      ->default_str("summary");
  cmd->add_flag("--all-files", opts->all_files, "Digest every file, not only still images and videos");
  cmd->add_flag_callback("--no-pdq", [opts] { opts->perceptual = false; },
                "Skip perceptual hashing (PDQ) of still images: faster, exact digest matches only");
  cmd->add_option("--pdq-distance", opts->pdq_max_distance,
                  "Probable match when a PDQ hash of the image (any rotation or mirror) is within this many "
                  "bits of a hash-set PDQ hash")
      ->check(CLI::Range(0, 128))
      ->capture_default_str();
  cmd->add_option("--pdq-quality", opts->pdq_min_quality,
                  "Only images whose PDQ quality is at least this are matched perceptually (flat images hash poorly)")
      ->check(CLI::Range(0, 100))
      ->capture_default_str();
  cmd->add_option("--cluster-distance", opts->cluster_distance,
                  "Near-duplicate clusters join still images and video frames whose PDQ hashes (or one's mirror "
                  "image's) are within this many bits, and exact copies; hashes below --pdq-quality join by copy only")
      ->check(CLI::Range(0, 128))
      ->capture_default_str();
  cmd->add_flag_callback("--no-source-hash", [opts] { opts->source_hash = false; },
                "Skip the MD5/SHA-1/SHA-256 of disk images before and after the scan (fast on-site triage; "
                "the case records that it was skipped)");
  cmd->add_flag_callback("--no-carve", [opts] { opts->carve = false; },
                "Do not carve JPEG, PNG and GIF images from the unallocated space of disk images");
  cmd->add_option("--video-fps", opts->video_fps,
                  "Decode videos: metadata and PDQ hashes of N frames per second of video (0 = every frame) into "
                  "case.db's videos and frames tables; without it videos are digested only")
      ->check(CLI::Range(0.0, 1000.0));
  cmd->add_option("--max-pixels", opts->max_pixels,
                  "Images and video frames with more pixels than this (width x height from the header, before "
                  "decoding) are not decoded: an error row says so (decompression bombs)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40))
      ->capture_default_str();
  cmd->add_option("--item-timeout", opts->item_timeout,
                  "Seconds of work per item: when they are spent the item's remaining stages (EXIF, PDQ, video "
                  "frames) are skipped and an error row (time_budget) says which; default: none (videos: 300 s)")
      ->check(CLI::Range(0.000001, 86400.0));
  cmd->add_option("--stage-timeout", opts->stage_timeout,
                  "Seconds a disk image's stage (volume or file system detection, file walk, carving) may go "
                  "without progress (no new entry or block, no image bytes not read before); then it is ended "
                  "with an error row (stage_timeout) and the rest of the evidence is examined; 0: never")
      ->check(CLI::Range(0.0, 86400.0))
      ->capture_default_str();
  cmd->add_flag("!--no-archives", opts->archives,
                "Do not open archives (ZIP, 7z, RAR, TAR, cpio, ar, gzip/bzip2/xz/zstd/lz4 files): each stays "
                "one item");
  cmd->add_option("--archive-depth", opts->archive_depth,
                  "Archives inside archives are opened down to this depth; deeper ones are error rows "
                  "(archive_depth)")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  cmd->add_option("--max-expand-ratio", opts->max_expand_ratio,
                  "An archive (its nested archives included) expands to at most this many times its own size, "
                  "and to 64 MiB whatever its size; members beyond are error rows (archive_limit)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1000000}))
      ->capture_default_str();
  cmd->add_option("--max-expand", opts->max_expand,
                  "And to at most this many bytes in all (e.g. 500GB, 1TiB); default: no such cap")
      ->transform(CLI::AsSizeValue(false));
  add_source_access_options(*cmd, {&opts->archive_passwords, &opts->keys, &opts->parents});
  add_extract_option(*cmd, "--extract", opts->extract,
                     "Once the scan is complete, copy media into extracted/ (one file per content, named by its "
                     "SHA-256; extracted/manifest.csv): matched (exact hash-set matches in a category), probable "
                     "(PDQ or video matches only), uncategorised, graded or all-media; repeatable. The sources "
                     "are read again");
  cmd->add_option("--extraction-root", opts->extraction_root,
                  "Where a phone's file system starts inside an archive given as a source (a member-path prefix "
                  "such as export/fs/), for a layout triage does not recognise; members below it get their path "
                  "on the device (device_path)")
      ->transform([](std::string root) { return root.empty() || root.ends_with('/') ? root : root + "/"; },
                  "a folder: '/' appended when missing");
  cmd->add_flag_callback("--no-provenance", [opts] { opts->provenance = false; },
                         "Do not assess where pictures came from (origin rules, camera signals, the device's media "
                         "databases, indicators): the provenance keys are absent");
  cmd->add_flag("--faces,!--no-faces", opts->faces,
                "Count the frontal faces in each still image (provenance keys faces and largest_face; OpenCV's "
                "cascade detector on the picture already decoded for PDQ). A signal for the examiner: it never "
                "changes an indicator or a category. Off by default: it adds about a third to a scan of photographs");
  cmd->add_flag_callback("--no-priorities", [opts] { opts->priorities = false; },
                         "Examine entries in walk order instead of user media first and system areas last (the "
                         "outputs are the same either way; only what is found first differs)");
  cmd->add_flag_callback("--no-thumbnails", [opts] { opts->thumbnails = false; },
                         "Do not write thumbs/<sha256>.jpg, the grey review thumbnails of still images (longest side "
                         "256 px, made from the picture already decoded for PDQ)");
  cmd->add_option("--face-model", opts->face_model,
                  "The OpenCV cascade --faces uses (default /usr/share/opencv4/haarcascades/"
                  "haarcascade_frontalface_alt2.xml, Debian's opencv-data); recorded with its SHA-256")
      ->check(CLI::ExistingFile);
  cmd->add_option("--origin-rules", opts->origin_rules,
                  "Origin rules of the examiner's (JSON, as samples/rules/origin.json), used before the built-in "
                  "ones; a rule with a built-in id replaces it. Recorded in case.db")
      ->check(CLI::ExistingFile);
  cmd->add_option("--own-camera", opts->own_cameras,
                  "A camera of the exhibit's own device, as the camera id names it (\"Apple|iPhone 12\" covers "
                  "every serial, or a whole id \"Make|Model|Serial\"); repeatable. Without it the cameras that "
                  "dominate the camera roll are taken as the device's own")
      ->allow_extra_args(false);
  cmd->add_option("--alerts", opts->alerts_file,
                  "Append each alert (a match against an alert set) to this file the moment it is found, one JSON "
                  "object per line (t, path, category, set, hash_type, media_id); alerts also go to stderr");
  cmd->add_option_function<std::string>(
         "--budget", [opts](const std::string& text) { opts->budget = parse_budget(text); },
         "End the walk cleanly this long after the scan started (90s, 10m, 2h; a bare number is seconds): the "
         "run is recorded as partial (budget), exit status 7, and --resume continues it")
      ->check([](const std::string& text) {
        try {
          (void)parse_budget(text);
          return std::string();
        } catch (const std::exception& e) {
          return std::string(e.what());
        }
      });
  cmd->add_flag("--resume", opts->resume,
                "Finish the interrupted scan (SIGINT, kill, power cut) of --out: same sources and options; what "
                "it committed is not examined again. Starts the scan when --out holds none yet");
  cmd->add_flag("--video-keyframes", opts->video_keyframes,
                "With --video-fps: hash only the videos' key frames, decoding nothing else (fast triage)");
  cmd->add_option("--video-match-percent", opts->video_match_percent,
                  "A video matches a known video of a vPDQ set when at least this share (percent) of the known "
                  "video's distinct frames is found in it")
      ->check(CLI::Range(0.0, 100.0))
      ->capture_default_str();
  cmd->add_option("--jobs,-j", opts->jobs, "Worker threads (default: the number of cores)")
      ->check(CLI::Range(1u, 256u));
  cmd->add_option("--hashset", opts->hashsets,
                  "Hash set to match: a HASHSET.db from 'triage hashset import', or a raw export (VICS JSON, "
                  "NSRL RDS, ICSE, md5sum, ...) imported into CASE_DIR/hashsets.db; repeatable")
      ->check(CLI::ExistingFile);
  cmd->add_option("--known-good", opts->known_hashsets,
                  "Raw export to use as known-good (excluded from category counts, kept in outputs); repeatable")
      ->check(CLI::ExistingFile);
  cmd->add_option("--profile", opts->profile, "Category profile: uk, vics-us or a profile JSON file")
      ->capture_default_str();
  cmd->add_option("--case-ref", opts->case_details.case_ref, "Case reference, printed in every report");
  cmd->add_option("--exhibit-ref", opts->case_details.exhibit_ref, "Exhibit reference(s), printed in every report");
  cmd->add_option("--examiner", opts->case_details.examiner, "Examiner's name, printed in every report");
  cmd->add_option("--organisation", opts->case_details.organisation, "Examiner's organisation, printed in every report");
  cmd->callback([opts, &io, &exit_code, command_line] { exit_code = run_scan(*opts, io, command_line); });
}

}  // namespace triage::cli
