#pragma once
// The worker stages for one item: identification, digests, EXIF. One analyzer per worker
// (it owns a libmagic handle, which is not thread-safe).
#include <memory>

#include "core/pipeline/scan_pipeline.h"

namespace triage {

class MagicMime;

class MediaAnalyzer final : public ItemProcessor {
 public:
  explicit MediaAnalyzer(bool all_files);
  ~MediaAnalyzer() override;
  void process(WalkedItem& item) override;

 private:
  bool all_files_;
  std::unique_ptr<MagicMime> magic_;
};

}  // namespace triage
