#include "formats/report/hash_bank.h"

#include <set>
#include <string>

namespace triage {

void write_hash_bank(const CaseReport& r, OutputSink& sink) {
  std::set<std::string, std::less<>> written;
  r.for_each_item([&](const ItemRecord& item) {
    if (!r.graded.count(item.seq) || !item.category) return;
    const CategoryDef* category = r.profile.find(item.category->code);
    if (category == nullptr || category->group == "other") return;
    std::string line;
    if (item.media_type == MediaType::image && !item.pdq.empty()) {
      line = "pdq " + item.pdq;
    } else if (item.media_type == MediaType::video && !item.digests.md5.empty()) {
      line = "video_md5 " + item.digests.md5;
    } else {
      return;  // a still image that did not decode has no signal to share
    }
    if (!written.insert(line).second) return;
    sink.buffer() += line;
    sink.buffer() += '\n';
    sink.flush_if_large();
  });
  sink.flush();
}

}  // namespace triage
