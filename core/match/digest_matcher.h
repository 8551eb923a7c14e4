#pragma once
// Scan-time exact matching of an item's digests against every loaded hash set: one in-memory
// index over MD5, SHA-1 and SHA-256, built once and shared read-only by the workers.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/item.h"
#include "core/match/exact_index.h"
#include "core/match/text_pool.h"

namespace triage {

struct HashSetRef {
  std::string name;
  HashSetRole role = HashSetRole::alert;
};

// Where a stored set's records live (a HASHSET.db): asked for a record's media id and category
// only when the record matched, so loading a set reads its sorted digests and nothing per record.
// Called from every worker thread at once: implementations synchronise themselves.
class MatchRecordSource {
 public:
  virtual ~MatchRecordSource() = default;
  virtual void describe(std::uint32_t ordinal, std::string& media_id, std::string& category) const = 0;
};

class DigestMatcher {
 public:
  // A set whose records are added one by one with add_record(); returns its index.
  std::uint32_t add_set(HashSetRef set);
  // Any digest may be empty; returns false when a non-empty one is not valid hex of its length.
  bool add_record(std::uint32_t set, std::string_view md5, std::string_view sha1, std::string_view sha256,
                  std::string_view media_id, std::string_view category);

  // A stored set of `record_count` records (ordinals 0 .. record_count - 1) described by
  // `records`, which must outlive the matcher; returns its index. Throws std::length_error
  // beyond 2^32 records in all.
  std::uint32_t add_stored_set(HashSetRef set, std::uint64_t record_count, const MatchRecordSource& records);
  // Digests of a stored set in the store's block layout (digest bytes, then the record's ordinal
  // as 4 bytes little-endian), preferably sorted by (digest, ordinal) as the store keeps them.
  // False (nothing added) for a set not added by add_stored_set, a span that is not whole
  // entries, or an ordinal out of range.
  bool add_stored_digests(std::uint32_t set, DigestKind kind, std::span<const std::uint8_t> entries);
  // Room for `count` more digests of a kind (optional: saves regrowth of big arrays at load).
  void reserve(DigestKind kind, std::size_t count) { index_.reserve(kind, count); }

  void build();

  // One match per matching record (its strongest matching digest), in load order. Allocates
  // nothing when nothing matches.
  std::vector<ItemMatch> match(const Digests& digests) const;
  std::size_t record_count() const { return next_ref_; }
  std::size_t digest_count(DigestKind kind) const { return index_.size(kind); }
  bool empty() const { return next_ref_ == 0; }

 private:
  struct Set {
    HashSetRef ref;
    const MatchRecordSource* source = nullptr;  // stored sets only
    std::uint32_t first_ref = 0, record_count = 0;
  };
  struct Record {  // a record added by add_record()
    std::uint32_t set;
    std::uint32_t media_id;  // TextPool ids
    std::uint32_t category;
  };
  // Consecutive references of one kind: a stored set's, or records added one by one.
  struct RefRange {
    std::uint32_t first_ref;
    std::uint32_t set;            // stored: the set; otherwise unused
    std::uint32_t first_record;   // otherwise: index into records_ of first_ref
    bool stored;
  };
  ItemMatch describe(std::uint32_t ref, DigestKind kind) const;

  std::vector<Set> sets_;
  std::vector<Record> records_;
  std::vector<RefRange> ranges_;  // by first_ref
  std::uint32_t next_ref_ = 0;
  TextPool texts_;  // media ids and categories of records added one by one
  ExactIndex index_;
};

}  // namespace triage
