#pragma once
// The two ends a hash-set reader feeds: StoreSink checks each record, encodes it into record
// blocks and hands them to a writer thread (parsing and SQLite overlap, memory stays bounded);
// CheckSink counts what an import would take and writes nothing (`hashset import --check`).
#include <sqlite3.h>

#include <array>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "core/pipeline/byte_budget_queue.h"
#include "core/stop.h"
#include "formats/hashset/hashset_reader.h"
#include "formats/hashset/record_block.h"
#include "formats/hashset/record_check.h"
#include "formats/sqlite/sqlite_handle.h"

namespace triage::hashset {

inline constexpr std::size_t kRejectionExamples = 10;  // kept per file, for the report

// Rejections are counted, the first few kept; under --strict the first aborts the import.
class RejectionTally {
 public:
  RejectionTally(bool strict, const std::filesystem::path& source, const char* strict_note)
      : strict_(strict), source_(source), strict_note_(strict_note) {}
  void reject(SourcePosition where, std::string_view reason);
  std::uint64_t rejected() const { return rejected_; }
  std::vector<std::string>& examples() { return examples_; }

 private:
  bool strict_;
  const std::filesystem::path& source_;
  const char* strict_note_;
  std::uint64_t rejected_ = 0;
  std::vector<std::string> examples_;
};

// Feeds record_blocks of set `set_id`. Per digest kind it also counts digests by their top 16 bits,
// so that the sort that builds the digest blocks can place each entry in its bucket directly. The
// connection is used by the writer thread alone until finish(). A stop request (checked every
// 4,096 records) throws Interrupted.
class StoreSink final : public ImportSink {
 public:
  StoreSink(sqlite3* db, std::int64_t set_id, const std::filesystem::path& source, bool strict, StopToken stop);
  ~StoreSink() override;
  StoreSink(const StoreSink&) = delete;
  StoreSink& operator=(const StoreSink&) = delete;

  void add(ImportRecord& record, SourcePosition where) override;
  void reject(SourcePosition where, std::string_view reason) override { tally_.reject(where, reason); }
  void set_version(std::string_view version) override { version_ = version; }

  // Writes what is queued and stops the writer; rethrows its error, if any.
  void finish();

  std::uint64_t accepted() const { return accepted_; }
  std::uint64_t rejected() const { return tally_.rejected(); }
  const std::string& version() const { return version_; }
  std::vector<std::string>& examples() { return tally_.examples(); }
  // Accepted records with an MD5, SHA-1, SHA-256, PDQ hash, and those digests by top 16 bits.
  const std::array<std::uint64_t, 4>& digest_counts() const { return digest_counts_; }
  const std::array<std::vector<std::uint32_t>, 4>& histograms() const { return histogram_; }
  // The distinct sizes stated by accepted records with an exact digest (MD5, SHA-1 or SHA-256),
  // sorted, and how many such records state none (after finish()).
  const std::vector<std::uint64_t>& exact_sizes() const { return sizes_; }
  std::uint64_t unsized_exact() const { return unsized_; }

 private:
  struct Block {
    std::uint64_t first_ordinal = 0;
    std::size_t records = 0;
    std::string bytes;
  };
  void push_block();
  void write_loop();
  void distinct_sizes();

  StopToken stop_;
  std::uint64_t seen_ = 0;  // records offered, for the stop check
  sqlite::Statement insert_;
  std::int64_t set_id_;
  RejectionTally tally_;
  std::string version_;
  std::uint64_t accepted_ = 0;
  CheckedDigests digests_;
  std::array<std::uint64_t, 4> digest_counts_{};
  std::array<std::vector<std::uint32_t>, 4> histogram_;
  std::vector<std::uint64_t> sizes_;  // kept sorted and distinct from time to time (bounded memory)
  std::size_t sizes_sorted_ = 0;
  std::uint64_t unsized_ = 0;
  std::string block_;
  std::size_t block_records_ = 0;
  ByteBudgetQueue<Block> queue_;
  std::exception_ptr writer_error_;  // set by the writer before it abandons the queue
  std::thread writer_;
};

// Counts what an import would take, writing nothing.
class CheckSink final : public ImportSink {
 public:
  CheckSink(bool strict, const std::filesystem::path& source) : tally_(strict, source, "--strict") {}
  void add(ImportRecord& record, SourcePosition where) override;
  void reject(SourcePosition where, std::string_view reason) override { tally_.reject(where, reason); }
  void set_version(std::string_view version) override { version_ = version; }

  std::uint64_t accepted() const { return accepted_; }
  std::uint64_t rejected() const { return tally_.rejected(); }
  const std::string& version() const { return version_; }
  std::vector<std::string>& examples() { return tally_.examples(); }
  std::map<std::string, std::uint64_t>& categories() { return categories_; }

 private:
  RejectionTally tally_;
  std::string version_;
  std::uint64_t accepted_ = 0;
  CheckedDigests digests_;
  std::map<std::string, std::uint64_t> categories_;  // accepted records per category code
};

// Feeds `file` to `sink` with the reader of `format` (one of hash_set_formats() but "auto").
void read_with(const std::string& format, const std::filesystem::path& file, ImportSink& sink);

}  // namespace triage::hashset
