// triage hash FILE...
#include <sys/stat.h>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <cerrno>
#include <cstring>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "core/pipeline/scan_pipeline.h"
#include "app/hash_job.h"

namespace triage::cli {
namespace {

struct HashOptions {
  std::vector<std::string> files;
  std::string format = "jsonl";
  unsigned jobs = 0;
  double video_fps = 1.0;
  bool video_keyframes = false;
};

int run_hash(const HashOptions& o, Io& io) {
  for (const auto& f : o.files) {
    struct stat st {};
    if (::stat(f.c_str(), &st) != 0) {
      fmt::print(io.err, "triage: cannot open '{}': {}\n", f, std::strerror(errno));
      return kExitSourceUnreadable;
    }
  }
  const auto format = o.format == "csv"    ? StreamFormat::csv
                      : o.format == "vpdq" ? StreamFormat::vpdq
                                           : StreamFormat::jsonl;
  const auto errors = run_hash_job(o.files, format, o.jobs == 0 ? default_jobs() : o.jobs, io.out, io.interrupted,
                                   o.video_fps, o.video_keyframes);
  if (io.interrupted.load()) return kExitInterrupted;
  return errors > 0 ? kExitItemErrors : kExitClean;
}

}  // namespace

void setup_hash(CLI::App& app, Io& io, int& exit_code) {
  auto opts = std::make_shared<HashOptions>();
  CLI::App* cmd = app.add_subcommand("hash", "Digests, media type, EXIF and video frame hashes of loose files (folders are walked)");
  cmd->add_option("FILE", opts->files, "Files or folders")->required();
  cmd->add_option("--format", opts->format,
                  "jsonl, csv, or vpdq (videos' frame hashes as a vPDQ file, a known-video set for scan --hashset)")
      ->check(CLI::IsMember({"jsonl", "csv", "vpdq"}))
      ->capture_default_str();
  cmd->add_option("--jobs,-j", opts->jobs, "Worker threads (default: the number of cores)")
      ->check(CLI::Range(1u, 256u));
  cmd->add_option("--video-fps", opts->video_fps,
                  "Video frames hashed per second of video (PDQ); 0 hashes every frame")
      ->check(CLI::Range(0.0, 1000.0))
      ->capture_default_str();
  cmd->add_flag("--video-keyframes", opts->video_keyframes,
                "Hash only the videos' key frames, decoding nothing else (fast; --video-fps is ignored)");
  cmd->callback([opts, &io, &exit_code] { exit_code = run_hash(*opts, io); });
}

}  // namespace triage::cli
