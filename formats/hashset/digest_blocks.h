#pragma once
// The hash-set store's two block tables (schema version 2, man/triage.1 HASH-SET STORE):
// record_blocks hold a set's records in import order (record_block.h), and, per digest kind,
// digest_blocks hold the set's digests sorted with each record's ordinal, in fixed-width entries:
// a look-up finds one block by its first digest and binary-searches it, and a scan loads the
// blocks as they are into its in-memory index.
#include <sqlite3.h>

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/stop.h"
#include "formats/hashset/hashset_store.h"
#include "formats/hashset/record_block.h"
#include "formats/sqlite/sqlite_handle.h"

namespace triage::hashset {

// Calls visit(first_ordinal, reader) for each of a set's record blocks, in order.
void for_each_record_block(sqlite3* db, std::int64_t set_id,
                           const std::function<void(std::uint64_t first_ordinal, RecordBlockReader& reader)>& visit);

// The record block holding an ordinal: the statement record_at() prepares, kept by a caller that
// looks up records one at a time.
std::unique_ptr<sqlite::Statement> prepare_record_at(sqlite3* db);

// Visits the records of a set at the given ordinals (sorted, unique), reading each record block
// that holds one of them once, through `record_at` (prepare_record_at).
void for_each_record_at(sqlite::Statement& record_at, std::int64_t set_id, const std::vector<std::uint64_t>& ordinals,
                        const std::function<void(std::uint64_t ordinal, const RecordView& record)>& visit);

// Reads one digest kind of a set's records back from its record blocks, sorts it and writes it
// as digest blocks; returns the number of entries. `histogram` counts the kind's digests by their
// top 16 bits (the import's), so that each entry is placed in its bucket at once and only buckets
// are sorted. Throws Interrupted when `stop` is requested.
std::uint64_t write_digest_blocks(sqlite3* db, std::int64_t set_id, StoredDigest kind, std::uint64_t expected,
                                  const std::vector<std::uint32_t>& histogram, StopToken stop);

// The ordinals of the records of a set whose digest of `kind` is `digest` (its raw bytes).
void find_ordinals(sqlite3* db, std::int64_t set_id, StoredDigest kind, std::span<const std::uint8_t> digest,
                   std::vector<std::uint32_t>& ordinals);

// A stored record as the store's API gives it: hashes as lower-case hex.
HashSetRecord record_from_view(std::int64_t set_id, const RecordView& view);
HashSetRecordDetail detail_from_view(const RecordView& view);

}  // namespace triage::hashset
