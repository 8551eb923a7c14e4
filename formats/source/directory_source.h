#pragma once
// A folder (or a single file) as evidence: walked read-only, in byte order of names, never
// following a symbolic link (so never out of the tree and never in a loop).
#include <filesystem>
#include <string>

#include "core/pipeline/content_loader.h"
#include "core/pipeline/evidence_source.h"

namespace triage {

class DirectorySource final : public EvidenceSource {
 public:
  // `root` as the user gave it; evidence paths are `root/relative/path`.
  DirectorySource(std::string root, ContentPolicy policy);
  void walk(WalkSink& sink) override;
  void count(WalkTotals& totals, const std::atomic<bool>& stop) override;

 private:
  std::string root_;
  ContentPolicy policy_;
};

}  // namespace triage
