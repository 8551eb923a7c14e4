#pragma once
// Scan-time exact matching of an item's digests against every loaded hash set: one in-memory
// index over MD5, SHA-1 and SHA-256, built once and shared read-only by the workers.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/item.h"
#include "core/match/exact_index.h"

namespace triage {

struct HashSetRef {
  std::string name;
  std::string role;  // "alert", "known", "ignore"
};

class DigestMatcher {
 public:
  // Returns the set's index for add_record().
  std::uint32_t add_set(HashSetRef set);
  // Any digest may be empty; returns false when a non-empty one is not valid hex of its length.
  bool add_record(std::uint32_t set, std::string_view md5, std::string_view sha1, std::string_view sha256,
                  std::string_view media_id, std::string_view category);
  void build();

  // One match per matching record (its strongest matching digest), in load order.
  std::vector<ItemMatch> match(const Digests& digests) const;
  std::size_t record_count() const { return records_.size(); }
  bool empty() const { return records_.empty(); }

 private:
  struct Record {
    std::uint32_t set;
    std::uint32_t media_id;  // index into strings_
    std::uint32_t category;  // index into strings_
  };
  struct Text {
    std::size_t offset;
    std::uint32_t length;
  };
  std::uint32_t intern(std::string_view s);  // 0 is the empty text
  std::string text(std::uint32_t id) const;

  std::vector<HashSetRef> sets_;
  std::vector<Record> records_;
  std::string pool_;         // media ids and categories, back to back
  std::vector<Text> texts_;  // where each text sits in pool_
  ExactIndex index_;
};

}  // namespace triage
