#pragma once
// The hash-set store (HASHSET.db): imported hash sets with their provenance, their records in
// blocks, and per set and digest kind the digests sorted in blocks, for exact look-ups and for the
// scan's in-memory index. See man/triage.1, HASH-SET STORE, for the schema.
#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/item.h"
#include "core/stop.h"
#include "core/text/text_input.h"
#include "formats/sqlite/sqlite_handle.h"

namespace triage {

struct HashSetInfo {
  std::int64_t id = 0;
  std::string name;
  HashSetRole role = HashSetRole::alert;
  std::string format, version, source_file, source_sha256, imported_utc, tool_version;
  std::uint64_t record_count = 0, rejected_records = 0;
  // Records with each digest; a record is known by its ordinal in its set (0 .. record_count - 1).
  std::uint64_t md5_count = 0, sha1_count = 0, sha256_count = 0, pdq_count = 0;
};

// The digest kinds of the sorted digest blocks (digest_blocks.kind in the store).
enum class StoredDigest : int { md5 = 0, sha1 = 1, sha256 = 2, pdq = 3 };
std::size_t stored_digest_bytes(StoredDigest kind);  // 16, 20, 32, 32

struct HashSetRecord {
  std::int64_t set_id = 0;
  std::string md5, sha1, sha256, pdq;  // lower-case hex, empty when absent
  std::string media_id;
  std::string category;  // the set's own code as text, e.g. "1"; empty = none
  std::string series;
};

// What a record says beyond its matching keys (for analysts: `triage hashset lookup`).
struct HashSetRecordDetail {
  std::string file_name;  // VICS MediaFiles[0].FileName, NSRL file_name, md5sum name, ...
  std::string product;    // NSRL product (PKG name and version, or RDS v2 ProductCode)
  std::string tags;       // VICS Tags joined by ", "; TSK comments
  std::string photodna;   // stored as given, never matched
  std::optional<std::uint64_t> size;
  std::optional<bool> victim_identified, offender_identified, is_distributed, is_precategorized;
};

// A record as a reader hands it over: hashes still as the file spells them (any case; the store
// checks and lower-cases them and rejects the record when one is malformed).
struct ImportRecord {
  HashSetRecord record;
  HashSetRecordDetail detail;
};

// A fatal problem with an input file; the message names the file and the line and/or byte offset.
using ImportError = InputError;

struct ImportOptions {
  std::string name;                        // empty: the set's own name (EnCase) or the file's stem
  HashSetRole role = HashSetRole::alert;
  std::string format = "auto";             // see hash_set_formats()
  bool replace = false;                    // drop earlier sets of the same name first
  bool strict = false;                     // any rejected record aborts the whole import
  StopToken stop;                          // a stop request aborts it too (Interrupted), nothing stored
};

// The outcome for one input file.
struct ImportReport {
  HashSetInfo set;                           // as stored (or as found, when already imported)
  bool already_imported = false;             // same name and source SHA-256: nothing written
  std::uint64_t replaced_sets = 0;           // earlier sets of that name dropped (--replace)
  std::vector<std::string> rejection_examples;  // the first few, "line 12: md5 'ab' is not 32 hex digits"
  std::map<std::string, std::uint64_t> categories;  // check_hash_set_file: accepted records per category code ("" none)
};

class HashSetStore {
 public:
  // Opens HASHSET.db for writing, creating it with the schema when absent. Throws sqlite::Error
  // when the file exists but is not a triage hash-set store.
  static std::unique_ptr<HashSetStore> open_or_create(const std::filesystem::path& db);
  static std::unique_ptr<HashSetStore> open_read_only(const std::filesystem::path& db);  // throws if not a triage hash-set store
  static bool is_hashset_store(const std::filesystem::path& file);

  std::vector<HashSetInfo> sets() const;
  void for_each_record(const std::function<void(const HashSetRecord&)>& visit) const;  // streaming, all sets
  // The distinct file sizes (sorted) that the set's records with an exact digest state; nullopt
  // when one of them states none, or the set was imported by a triage that did not keep them.
  std::optional<std::vector<std::uint64_t>> exact_record_sizes(std::int64_t set_id) const;
  // Streams only the records that carry a PDQ hash, set by set (in set id order), each set's in
  // import order; costs nothing for sets without PDQ hashes (their pdq_count is 0).
  void for_each_pdq_record(const std::function<void(const HashSetRecord&)>& visit) const;

  // One set's digests of one kind, sorted by (digest, ordinal), block by block: `entries` holds
  // `count` fixed-width entries of the digest's bytes followed by the record's ordinal in the set
  // (4 bytes, little-endian). A run of equal digests is never split between blocks.
  void for_each_digest_block(std::int64_t set_id, StoredDigest kind,
                             const std::function<void(std::span<const std::uint8_t> entries, std::size_t count)>& visit) const;
  // The media id and category of a set's record by its ordinal (both empty when there is none).
  // Not thread-safe: one caller at a time.
  void record_label(std::int64_t set_id, std::uint64_t ordinal, std::string& media_id, std::string& category) const;
  std::vector<HashSetRecord> lookup(std::string_view hex) const;  // md5/sha1/sha256/pdq by length

  // lookup() with each record's details, for analysts.
  std::vector<std::pair<HashSetRecord, HashSetRecordDetail>> lookup_detailed(std::string_view hex) const;

  // Imports every file in one transaction: all are stored or, on any ImportError (malformed file,
  // or a rejected record under --strict), sqlite::Error or Interrupted (options.stop), none is and
  // the database file is left byte-identical. A file already imported under the same name (same source SHA-256) is skipped.
  std::vector<ImportReport> import_files(const std::vector<std::filesystem::path>& sources,
                                         const ImportOptions& options);

  ~HashSetStore();
  HashSetStore(const HashSetStore&) = delete;
  HashSetStore& operator=(const HashSetStore&) = delete;

 private:
  struct PendingImport {
    std::filesystem::path source;
    std::string format, name;
    std::string sha256;  // empty: computed while the file is imported (see import_files)
    std::uint64_t size = 0;
  };
  HashSetStore(sqlite::Db db, bool writable);
  ImportReport import_one(const PendingImport& pending, const ImportOptions& options);
  void build_digest_blocks(std::int64_t set_id, const std::array<std::uint64_t, 4>& seen,
                           const std::array<std::vector<std::uint32_t>, 4>& histograms, StopToken stop);
  sqlite::Db db_;
  bool writable_ = false;
  mutable std::unique_ptr<sqlite::Statement> record_at_;  // record_label()
};

// Reads and checks one file as an import would, writing nothing (`hashset import --check`):
// the report's set has the format, version, name, record and rejected counts (no id, no SHA-256).
// Throws ImportError for a malformed file.
ImportReport check_hash_set_file(const std::filesystem::path& source, const ImportOptions& options);

// The --format names, "auto" first.
const std::vector<std::string>& hash_set_formats();

}  // namespace triage
