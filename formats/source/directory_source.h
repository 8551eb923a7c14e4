#pragma once
// A folder (or a single file) as evidence: walked read-only, in byte order of names, never
// following a symbolic link (so never out of the tree and never in a loop).
#include <filesystem>
#include <functional>
#include <string>

#include "core/digest/digests.h"
#include "core/pipeline/content_loader.h"
#include "core/pipeline/evidence_source.h"
#include "core/result.h"

namespace triage {

class DirectorySource final : public EvidenceSource {
 public:
  // `root` as the user gave it; evidence paths are `root/relative/path`.
  DirectorySource(std::string root, ContentPolicy policy);
  void walk(WalkSink& sink) override;
  void count(WalkTotals& totals, const std::atomic<bool>& stop) override;
  const std::string& root() const { return root_; }

 private:
  std::string root_;
  ContentPolicy policy_;
};

// `triage verify`: reads a file of a folder source again as the walk read it (read-only, access
// time kept where allowed, a link followed only when `follow_link`, as for the folder named as the
// source itself) and returns its digests and size. Error stage "missing" when the path no longer
// exists, "read" when it cannot be opened or read.
Result<StreamedDigests> reread_folder_file(const std::string& path, bool follow_link, ParallelMultiDigest& digest,
                                           StopToken stop = {});

// `triage verify`: the evidence path of every regular file a walk of `root` would examine now, in
// walk order (nothing opened, no link followed below the root).
void list_folder_files(const std::string& root, const std::function<void(const std::string&)>& visit);

}  // namespace triage
