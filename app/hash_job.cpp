#include "app/hash_job.h"

#include <memory>

#include "core/pipeline/scan_pipeline.h"
#include "app/media_analyzer.h"
#include "formats/hashset/vpdq_reader.h"
#include "formats/report/item_json.h"
#include "formats/report/items_csv.h"
#include "formats/source/directory_source.h"

namespace triage {
namespace {

class HashOutputSink final : public RecordSink {
 public:
  HashOutputSink(std::ostream& out, StreamFormat format) : out_(out), format_(format) {
    if (format_ == StreamFormat::csv) out_ << items_csv_header();
  }
  void on_item(const ItemRecord& item) override {
    if (format_ == StreamFormat::csv) {
      append_item_csv_row(buffer_, item);
    } else if (format_ == StreamFormat::vpdq) {
      // One "# video:" block per video with frames: a known-video set `scan --hashset` reads.
      if (!item.frames.empty()) {
        buffer_ += "# video: " + item.path + "\n";
        for (const auto& f : item.frames) buffer_ += hashset::format_vpdq_line(f) + "\n";
      }
    } else {
      append_item_json_line(buffer_, item);
      append_frame_json_lines(buffer_, item);
    }
    if (!item.problems.empty()) ++errors;
  }
  void on_problem(const WalkProblem& problem) override {
    if (format_ == StreamFormat::jsonl) append_problem_json_line(buffer_, problem);
    if (problem.is_error) ++errors;
  }
  void flush() override {
    out_ << buffer_ << std::flush;
    buffer_.clear();
  }
  std::uint64_t errors = 0;

 private:
  std::ostream& out_;
  StreamFormat format_;
  std::string buffer_;
};

}  // namespace

std::uint64_t run_hash_job(const std::vector<std::string>& files, StreamFormat format, unsigned jobs,
                           std::ostream& results, const std::atomic<bool>& interrupted, double video_fps,
                           bool video_keyframes) {
  VideoOptions video_options;
  video_options.fps = video_fps;
  video_options.keyframes_only = video_keyframes;
  video_options.cancel = &interrupted;
  ContentPolicy policy;
  policy.all_files = true;
  policy.large_video = walker_video_hasher(video_options);
  std::vector<std::unique_ptr<EvidenceSource>> owned;
  std::vector<EvidenceSource*> sources;
  for (const auto& f : files) {
    owned.push_back(std::make_unique<DirectorySource>(f, policy));
    sources.push_back(owned.back().get());
  }
  HashOutputSink sink(results, format);
  PipelineOptions options;
  options.jobs = jobs;
  AnalysisContext context;
  context.all_files = true;
  context.video = true;
  context.video_options = video_options;
  run_pipeline(sources, [&] { return std::make_unique<MediaAnalyzer>(context); }, sink, options, interrupted);
  return sink.errors;
}

}  // namespace triage
