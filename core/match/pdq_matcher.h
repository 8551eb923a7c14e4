#pragma once
// Scan-time perceptual matching: an item's PDQ hash (all 8 dihedral variants, so rotated and
// mirrored copies are found) against every PDQ hash of the loaded hash sets, through one
// multi-index Hamming index built once and shared read-only by the workers. A hit is a
// *probable* match: it says "looks like", and needs a human to confirm it.
#include <array>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "core/item.h"
#include "core/match/digest_matcher.h"
#include "core/match/text_pool.h"
#include "core/pdq/pdq.h"

namespace triage {

namespace match {
class MihIndex;
struct Hash256;
}  // namespace match

struct PdqMatchOptions {
  int max_distance = 31;  // Hamming distance, inclusive (the reference's match threshold)
  int min_quality = 50;   // items whose hash quality is lower are not matched (too flat to trust)
};

class PdqMatcher {
 public:
  PdqMatcher();
  ~PdqMatcher();
  PdqMatcher(PdqMatcher&&) noexcept;
  PdqMatcher& operator=(PdqMatcher&&) noexcept;

  std::uint32_t add_set(HashSetRef set);
  // Returns false (and adds nothing) when `pdq_hex` is not 64 hex digits.
  bool add_record(std::uint32_t set, std::string_view pdq_hex, std::string_view media_id, std::string_view category);
  void build();

  // One match per record within the distance of any variant (the closest variant wins; ties go to
  // the earlier variant in PdqDihedral order), in load order. `variants` are the item's hashes
  // indexed by PdqDihedral; nothing matches when quality < options.min_quality.
  std::vector<ItemMatch> match(const std::array<PdqHash, 8>& variants, int quality,
                               const PdqMatchOptions& options) const;

  std::size_t record_count() const { return records_.size(); }
  bool empty() const { return records_.empty(); }

 private:
  struct Record {
    std::uint32_t set;
    std::uint32_t media_id;  // TextPool ids
    std::uint32_t category;
  };
  std::vector<HashSetRef> sets_;
  std::vector<Record> records_;
  std::vector<match::Hash256> pending_;  // hashes until build()
  TextPool texts_;
  std::unique_ptr<match::MihIndex> index_;
};

// The index's form of a PDQ hash (same bits, same hex).
match::Hash256 to_hash256(const PdqHash& hash);

}  // namespace triage
