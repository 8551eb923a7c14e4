#include "formats/hashset/hashset_store.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <algorithm>
#include <array>
#include <bit>
#include <atomic>
#include <condition_variable>
#include <future>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <thread>
#include <tuple>

#include "core/match/huge_page_allocator.h"
#include "core/text/time_format.h"
#include "core/text/utf8.h"
#include "formats/hashset/hashset_reader.h"
#include "formats/hashset/record_block.h"
#include "triage/version.h"

namespace triage {
namespace fs = std::filesystem;
namespace {

constexpr int kSchemaVersion = 2;
constexpr std::size_t kRejectionExamples = 10;
constexpr std::size_t kBlockEntries = 4096;  // nominal entries per digest block

// Schema version 2 (man/triage.1, HASH-SET STORE). Version 1 stored one SQLite row per record
// with four per-column B-tree indexes; their sorts and inserts dominated large imports. Now a
// set's records go, in import order, into record_blocks (a few hundred records to a BLOB, see
// record_block.h), and a record is known by its ordinal in its set. For each digest kind, the
// set's digests are sorted once in memory with their ordinals and stored as fixed-width BLOB
// blocks (digest_blocks): `hashset lookup` finds one block by its first digest and binary-searches
// it, and a scan loads the blocks as they are into its in-memory index.
constexpr const char* kSchema = R"sql(
CREATE TABLE db_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sets (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, format TEXT NOT NULL,
  version TEXT NOT NULL, source_file TEXT NOT NULL, source_sha256 TEXT NOT NULL,
  source_size INTEGER NOT NULL, imported_utc TEXT NOT NULL, tool_version TEXT NOT NULL,
  git_commit TEXT NOT NULL, record_count INTEGER NOT NULL, rejected_records INTEGER NOT NULL,
  md5_count INTEGER NOT NULL DEFAULT 0, sha1_count INTEGER NOT NULL DEFAULT 0,
  sha256_count INTEGER NOT NULL DEFAULT 0, pdq_count INTEGER NOT NULL DEFAULT 0,
  UNIQUE (name, source_sha256));
CREATE TABLE record_blocks (
  id INTEGER PRIMARY KEY, set_id INTEGER NOT NULL, first_ordinal INTEGER NOT NULL,
  record_count INTEGER NOT NULL, records BLOB NOT NULL);
CREATE UNIQUE INDEX record_blocks_first ON record_blocks(set_id, first_ordinal);
CREATE TABLE digest_blocks (
  id INTEGER PRIMARY KEY, set_id INTEGER NOT NULL, kind INTEGER NOT NULL,
  first_digest BLOB NOT NULL, entry_count INTEGER NOT NULL, entries BLOB NOT NULL);
CREATE UNIQUE INDEX digest_blocks_first ON digest_blocks(set_id, kind, first_digest);
)sql";

constexpr std::size_t kRecordsPerBlock = 64;  // small enough that reading one record (a scan's hit) is cheap

constexpr const char* kSetColumns =
    "id, name, role, format, version, source_file, source_sha256, imported_utc, tool_version, record_count, "
    "rejected_records, md5_count, sha1_count, sha256_count, pdq_count";

// Flags: two bits each (known, value) for victim_identified, offender_identified,
// is_distributed, is_precategorized; NULL when none is known.
std::optional<std::int64_t> encode_flags(const HashSetRecordDetail& d) {
  std::int64_t flags = 0;
  int shift = 0;
  for (const auto* f : {&d.victim_identified, &d.offender_identified, &d.is_distributed, &d.is_precategorized}) {
    if (*f) flags |= (1 | (**f ? 2 : 0)) << shift;
    shift += 2;
  }
  if (flags == 0) return std::nullopt;
  return flags;
}

void decode_flags(std::int64_t flags, HashSetRecordDetail& d) {
  int shift = 0;
  for (auto* f : {&d.victim_identified, &d.offender_identified, &d.is_distributed, &d.is_precategorized}) {
    if ((flags >> shift) & 1) *f = ((flags >> shift) & 2) != 0;
    shift += 2;
  }
}

// Hex digit values by byte, 0xFF for a non-hex byte: a table, because the branches of a
// comparison chain mispredict on random hex and showed up in profiles of large imports.
constexpr std::array<unsigned char, 256> kHexValue = [] {
  std::array<unsigned char, 256> t{};
  t.fill(0xFF);
  for (int c = 0; c < 10; ++c) t[static_cast<std::size_t>('0' + c)] = static_cast<unsigned char>(c);
  for (int c = 0; c < 6; ++c) {
    t[static_cast<std::size_t>('a' + c)] = static_cast<unsigned char>(10 + c);
    t[static_cast<std::size_t>('A' + c)] = static_cast<unsigned char>(10 + c);
  }
  return t;
}();

// Hex text (either case) to raw bytes; false when not exactly `digits` hex digits.
bool hex_to_bytes(std::string_view hex, std::size_t digits, std::string& bytes) {
  bytes.clear();
  if (hex.size() != digits) return false;
  bytes.resize(digits / 2);
  unsigned bad = 0;
  for (std::size_t i = 0; i < digits; i += 2) {
    const unsigned hi = kHexValue[static_cast<unsigned char>(hex[i])];
    const unsigned lo = kHexValue[static_cast<unsigned char>(hex[i + 1])];
    bad |= (hi | lo) & 0xF0;
    bytes[i / 2] = static_cast<char>((hi << 4) | (lo & 0xF));
  }
  return bad == 0;
}

// The same into a buffer of digits / 2 bytes.
bool hex_to_raw(std::string_view hex, std::size_t digits, std::uint8_t* out) {
  if (hex.size() != digits) return false;
  unsigned bad = 0;
  for (std::size_t i = 0; i < digits; i += 2) {
    const unsigned hi = kHexValue[static_cast<unsigned char>(hex[i])];
    const unsigned lo = kHexValue[static_cast<unsigned char>(hex[i + 1])];
    bad |= (hi | lo) & 0xF0;
    out[i / 2] = static_cast<std::uint8_t>((hi << 4) | (lo & 0xF));
  }
  return bad == 0;
}


// SHA-256 of a whole file, streamed; gives up (returning "") once *cancel is set.
std::string sha256_file(const fs::path& file, const std::atomic<bool>* cancel = nullptr) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> in(std::fopen(file.c_str(), "rb"), &std::fclose);
  if (!in) throw ImportError(file.string() + ": cannot open: " + std::strerror(errno));
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) throw std::runtime_error("SHA-256 unavailable");
  std::vector<unsigned char> buf(1 << 20);
  for (;;) {
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) return {};
    const std::size_t got = std::fread(buf.data(), 1, buf.size(), in.get());
    if (got == 0) {
      if (std::ferror(in.get())) throw ImportError(file.string() + ": read error: " + std::strerror(errno));
      break;
    }
    EVP_DigestUpdate(ctx.get(), buf.data(), got);
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), md, &len);
  return to_hex(std::string_view(reinterpret_cast<const char*>(md), len));
}

HashSetInfo set_from_row(const sqlite::Statement& q) {
  HashSetInfo s;
  s.id = q.int64(0);
  s.name = q.text(1);
  const std::string role = q.text(2);
  const auto parsed = parse_hash_set_role(role);
  if (!parsed) throw sqlite::Error(fmt::format("hash-set store: set {} has an unknown role '{}'", s.id, role));
  s.role = *parsed;
  s.format = q.text(3);
  s.version = q.text(4);
  s.source_file = q.text(5);
  s.source_sha256 = q.text(6);
  s.imported_utc = q.text(7);
  s.tool_version = q.text(8);
  s.record_count = static_cast<std::uint64_t>(q.int64(9));
  s.rejected_records = static_cast<std::uint64_t>(q.int64(10));
  s.md5_count = static_cast<std::uint64_t>(q.int64(11));
  s.sha1_count = static_cast<std::uint64_t>(q.int64(12));
  s.sha256_count = static_cast<std::uint64_t>(q.int64(13));
  s.pdq_count = static_cast<std::uint64_t>(q.int64(14));
  return s;
}

std::optional<HashSetInfo> find_set(sqlite3* db, const std::string& name, const std::string& sha256) {
  sqlite::Statement q(db, fmt::format("SELECT {} FROM sets WHERE name = ? AND source_sha256 = ?", kSetColumns));
  q.bind_text(1, name).bind_text(2, sha256);
  if (!q.step()) return std::nullopt;
  return set_from_row(q);
}

// Feeds record_blocks: checks each record's hashes on the reader's thread, counts and keeps
// examples of rejections, encodes accepted records into blocks, and hands full blocks to a writer
// thread that owns the INSERT statement, so that parsing and SQLite work overlap (the queue holds
// a few blocks: memory stays bounded). The connection is used by the writer thread alone until
// finish(). Per digest kind it also counts digests by their top 16 bits, so that the sort that
// builds the digest blocks can place each entry in its bucket directly.
class StoreSink : public hashset::ImportSink {
 public:
  StoreSink(sqlite3* db, std::int64_t set_id, const fs::path& source, bool strict, StopToken stop)
      : stop_(stop),
        insert_(db, "INSERT INTO record_blocks(set_id, first_ordinal, record_count, records) VALUES (?, ?, ?, ?)"),
        set_id_(set_id),
        source_(source),
        strict_(strict) {
    for (auto& h : histogram_) h.assign(std::size_t{1} << 16, 0);
    block_.reserve(kRecordsPerBlock * 256);
    writer_ = std::thread([this] { write_loop(); });
  }

  ~StoreSink() override { stop_writer(/*abort=*/true); }
  StoreSink(const StoreSink&) = delete;
  StoreSink& operator=(const StoreSink&) = delete;

  void add(ImportRecord& r, hashset::SourcePosition where) override {
    if ((++seen_ & 0xFFF) == 0) stop_.throw_if_requested();
    const HashSetRecord& rec = r.record;
    const std::string_view hexes[4] = {rec.md5, rec.sha1, rec.sha256, rec.pdq};
    static constexpr const char* kWhat[4] = {"MD5", "SHA-1", "SHA-256", "PDQ"};
    hashset::RecordView view;
    bool any = false;
    for (std::size_t k = 0; k < 4; ++k) {
      std::string_view hex = hexes[k];
      while (!hex.empty() && (hex.back() == ' ' || hex.back() == '\t')) hex.remove_suffix(1);
      while (!hex.empty() && (hex.front() == ' ' || hex.front() == '\t')) hex.remove_prefix(1);
      if (hex.empty()) continue;
      const std::size_t digits = hashset::kRecordDigestBytes[k] * 2;
      if (!hex_to_raw(hex, digits, digests_[k].data())) {
        reject(where, fmt::format("{}{} '{}' is not {} hex digits",
                                  rec.media_id.empty() ? "" : "MediaID " + rec.media_id + ": ", kWhat[k],
                                  hex.substr(0, 80), digits));
        return;
      }
      view.digest[k] = digests_[k].data();
      any = true;
    }
    if (!any) {
      reject(where, "no MD5, SHA-1, SHA-256 or PDQ hash");
      return;
    }
    for (std::size_t k = 0; k < 4; ++k) {
      if (view.digest[k] == nullptr) continue;
      ++digest_counts_[k];
      ++histogram_[k][static_cast<std::size_t>(view.digest[k][0]) << 8 | view.digest[k][1]];
    }
    view.media_id = rec.media_id;
    view.category = rec.category;
    view.series = rec.series;
    view.file_name = r.detail.file_name;
    view.product = r.detail.product;
    view.tags = r.detail.tags;
    view.photodna = r.detail.photodna;
    view.size = r.detail.size;
    if (const auto flags = encode_flags(r.detail)) view.flags = static_cast<std::uint8_t>(*flags);
    hashset::append_record(block_, view);
    ++accepted_;
    if (++block_records_ == kRecordsPerBlock) push_block();
  }

  void reject(hashset::SourcePosition where, std::string_view reason) override {
    const std::string text = fmt::format("{}: {}", hashset::describe(where), reason);
    if (strict_) throw ImportError(fmt::format("{}: {} (--strict: nothing was imported)", source_.string(), text));
    ++rejected_;
    if (examples_.size() < kRejectionExamples) examples_.push_back(text);
  }

  void set_version(std::string_view version) override { version_ = version; }

  // Writes what is queued and stops the writer; rethrows its error, if any.
  void finish() {
    if (block_records_ > 0) push_block();
    stop_writer();
    if (writer_error_) std::rethrow_exception(writer_error_);
  }

  std::uint64_t accepted() const { return accepted_; }
  std::uint64_t rejected() const { return rejected_; }
  const std::string& version() const { return version_; }
  std::vector<std::string>& examples() { return examples_; }
  // Accepted records with an MD5, SHA-1, SHA-256, PDQ hash, and those digests by top 16 bits.
  const std::array<std::uint64_t, 4>& digest_counts() const { return digest_counts_; }
  const std::array<std::vector<std::uint32_t>, 4>& histograms() const { return histogram_; }

 private:
  static constexpr std::size_t kQueuedBlocks = 16;
  StopToken stop_;
  std::uint64_t seen_ = 0;  // records offered, for the stop check every 4,096

  struct Block {
    std::uint64_t first_ordinal = 0;
    std::size_t records = 0;
    std::string bytes;
  };

  void push_block() {
    Block block{accepted_ - block_records_, block_records_, std::move(block_)};
    block_ = {};
    block_.reserve(block.bytes.size() + block.bytes.size() / 8);
    block_records_ = 0;
    std::unique_lock lock(mutex_);
    room_.wait(lock, [&] { return queue_.size() < kQueuedBlocks || writer_failed_; });
    if (writer_failed_) {
      lock.unlock();
      stop_writer(/*abort=*/true);
      std::rethrow_exception(writer_error_);
    }
    queue_.push_back(std::move(block));
    lock.unlock();
    ready_.notify_one();
  }

  // Lets the writer drain the queue and end; with `abort` (the import failed) it drops the queue.
  void stop_writer(bool abort = false) {
    if (!writer_.joinable()) return;
    {
      std::lock_guard lock(mutex_);
      done_ = true;
      if (abort) queue_.clear();
    }
    ready_.notify_one();
    writer_.join();
  }

  void write_loop() {
    try {
      for (;;) {
        Block block;
        {
          std::unique_lock lock(mutex_);
          ready_.wait(lock, [&] { return !queue_.empty() || done_; });
          if (queue_.empty()) return;
          block = std::move(queue_.front());
          queue_.pop_front();
        }
        room_.notify_one();
        insert_.bind(1, set_id_)
            .bind(2, static_cast<std::int64_t>(block.first_ordinal))
            .bind(3, static_cast<std::int64_t>(block.records))
            .bind_blob(4, block.bytes)
            .run();
      }
    } catch (...) {
      std::lock_guard lock(mutex_);
      writer_error_ = std::current_exception();
      writer_failed_ = true;
      room_.notify_all();
    }
  }

  sqlite::Statement insert_;
  std::int64_t set_id_;
  const fs::path& source_;
  bool strict_;
  std::string version_;
  std::uint64_t accepted_ = 0, rejected_ = 0;
  std::vector<std::string> examples_;
  std::array<std::array<std::uint8_t, 32>, 4> digests_{};
  std::array<std::uint64_t, 4> digest_counts_{};
  std::array<std::vector<std::uint32_t>, 4> histogram_;
  std::string block_;
  std::size_t block_records_ = 0;
  // Shared with the writer thread, under mutex_.
  std::mutex mutex_;
  std::condition_variable ready_, room_;
  std::deque<Block> queue_;
  bool done_ = false, writer_failed_ = false;
  std::exception_ptr writer_error_;
  std::thread writer_;
};

// Counts what an import would take, writing nothing.
class CheckSink : public hashset::ImportSink {
 public:
  explicit CheckSink(bool strict, const fs::path& source) : strict_(strict), source_(source) {}
  void add(ImportRecord& r, hashset::SourcePosition where) override {
    const HashSetRecord& rec = r.record;
    bool any = false;
    for (const auto& [hex, digits, what] : {std::tuple{&rec.md5, 32u, "MD5"}, std::tuple{&rec.sha1, 40u, "SHA-1"},
                                            std::tuple{&rec.sha256, 64u, "SHA-256"}, std::tuple{&rec.pdq, 64u, "PDQ"}}) {
      std::string_view h = *hex;
      while (!h.empty() && (h.back() == ' ' || h.back() == '\t')) h.remove_suffix(1);
      while (!h.empty() && (h.front() == ' ' || h.front() == '\t')) h.remove_prefix(1);
      if (h.empty()) continue;
      if (!hex_to_bytes(h, digits, bytes_)) {
        reject(where, fmt::format("{}{} '{}' is not {} hex digits",
                                  rec.media_id.empty() ? "" : "MediaID " + rec.media_id + ": ", what, h.substr(0, 80),
                                  digits));
        return;
      }
      any = true;
    }
    if (!any) {
      reject(where, "no MD5, SHA-1, SHA-256 or PDQ hash");
      return;
    }
    ++accepted_;
  }
  void reject(hashset::SourcePosition where, std::string_view reason) override {
    const std::string text = fmt::format("{}: {}", hashset::describe(where), reason);
    if (strict_) throw ImportError(fmt::format("{}: {} (--strict)", source_.string(), text));
    ++rejected_;
    if (examples_.size() < kRejectionExamples) examples_.push_back(text);
  }
  void set_version(std::string_view version) override { version_ = version; }

  bool strict_;
  const fs::path& source_;
  std::string bytes_, version_;
  std::uint64_t accepted_ = 0, rejected_ = 0;
  std::vector<std::string> examples_;
};

void read_with(const std::string& format, const fs::path& file, hashset::ImportSink& sink) {
  using namespace hashset;
  static const std::map<std::string, void (*)(const fs::path&, ImportSink&)> readers = {
      {"vics", read_vics_json},     {"nsrl-rds3", read_nsrl_rds3},   {"nsrl-rds2", read_nsrl_rds2},
      {"icse", read_icse_csv},      {"md5sum", read_md5sum},         {"hashdeep", read_hashdeep},
      {"hashkeeper", read_hashkeeper}, {"encase", read_encase_hash}, {"kdb", read_kdb},
      {"pdq", read_pdq_list},       {"list", read_plain_list}};
  const auto it = readers.find(format);
  if (it == readers.end()) throw ImportError("unknown hash-set format '" + format + "'");
  it->second(file, sink);
}

std::string hex_digest_type(std::size_t length) {
  switch (length) {
    case 32: return "md5";
    case 40: return "sha1";
    case 64: return "sha256";
    default: return {};
  }
}


// Digest blocks (schema version 2): entries of a digest's bytes then the record's ordinal in its
// set as 4 bytes little-endian, which is this struct's layout on a little-endian host.
static_assert(std::endian::native == std::endian::little, "digest blocks store ordinals as laid out in memory");
template <std::size_t N>
struct BlockEntry {
  std::array<std::uint8_t, N> digest;
  std::uint32_t ordinal;
};
static_assert(sizeof(BlockEntry<16>) == 20 && sizeof(BlockEntry<20>) == 24 && sizeof(BlockEntry<32>) == 36);

inline std::uint64_t be64(const std::uint8_t* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return __builtin_bswap64(v);
}

template <std::size_t N>
bool block_entry_less(const BlockEntry<N>& a, const BlockEntry<N>& b) {
  const std::uint64_t ka = be64(a.digest.data()), kb = be64(b.digest.data());
  if (ka != kb) return ka < kb;
  const int c = std::memcmp(a.digest.data() + 8, b.digest.data() + 8, N - 8);
  return c != 0 ? c < 0 : a.ordinal < b.ordinal;
}

// A prepared statement on the raw API, for loops that read BLOBs in place (no copy per row).
class RawStatement {
 public:
  RawStatement(sqlite3* db, const char* sql) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK)
      throw sqlite::Error(fmt::format("SQLite: {}: {}", sql, sqlite3_errmsg(db)));
  }
  ~RawStatement() { sqlite3_finalize(stmt_); }
  RawStatement(const RawStatement&) = delete;
  RawStatement& operator=(const RawStatement&) = delete;
  sqlite3_stmt* get() const { return stmt_; }
  bool step(sqlite3* db) {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw sqlite::Error(fmt::format("SQLite: {}", sqlite3_errmsg(db)));
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

// Calls visit(first_ordinal, reader) for each of a set's record blocks in order.
template <typename Visit>
void for_each_record_block(sqlite3* db, std::int64_t set_id, Visit&& visit) {
  RawStatement q(db, "SELECT first_ordinal, records FROM record_blocks WHERE set_id = ? ORDER BY first_ordinal");
  sqlite3_bind_int64(q.get(), 1, set_id);
  while (q.step(db)) {
    const auto* blob = static_cast<const std::uint8_t*>(sqlite3_column_blob(q.get(), 1));
    const auto bytes = static_cast<std::size_t>(sqlite3_column_bytes(q.get(), 1));
    hashset::RecordBlockReader reader(std::span(blob, bytes));
    visit(static_cast<std::uint64_t>(sqlite3_column_int64(q.get(), 0)), reader);
  }
}

// Reads one digest kind of a set's records back from its record blocks, sorts it and writes it
// as digest blocks; returns the number of entries. The import's histogram of top 16 bits places
// each entry in its bucket at once, so only buckets (~150 entries at 10M) are sorted. Memory: one
// entry per record with that digest (36 bytes for a SHA-256), one kind at a time.
template <std::size_t N>
std::uint64_t write_digest_blocks(sqlite3* db, std::int64_t set_id, StoredDigest kind, std::uint64_t expected,
                                  const std::vector<std::uint32_t>& histogram, StopToken stop) {
  const auto k = static_cast<std::size_t>(kind);
  std::vector<std::uint64_t> next(histogram.size() + 1, 0);
  for (std::size_t b = 0; b < histogram.size(); ++b) next[b + 1] = next[b] + histogram[b];
  if (next.back() != expected) throw sqlite::Error("internal error: digest histogram does not match the count");
  const std::vector<std::uint64_t> bucket_start = next;
  std::vector<BlockEntry<N>, HugePageAllocator<BlockEntry<N>>> entries(expected);  // not zeroed first
  for_each_record_block(db, set_id, [&](std::uint64_t first_ordinal, hashset::RecordBlockReader& reader) {
    stop.throw_if_requested();
    hashset::RecordView r;
    for (std::uint64_t ordinal = first_ordinal; reader.next(r); ++ordinal) {
      if (r.digest[k] == nullptr) continue;
      const std::size_t bucket = static_cast<std::size_t>(r.digest[k][0]) << 8 | r.digest[k][1];
      if (next[bucket] == bucket_start[bucket + 1]) throw sqlite::Error("internal error: digest bucket overflow");
      BlockEntry<N>& e = entries[next[bucket]++];
      std::memcpy(e.digest.data(), r.digest[k], N);
      e.ordinal = static_cast<std::uint32_t>(ordinal);
    }
  });
  for (std::size_t b = 0; b < histogram.size(); ++b) {
    if (next[b] != bucket_start[b + 1]) throw sqlite::Error("internal error: digest bucket underflow");
    if ((b & 0xFF) == 0) stop.throw_if_requested();
    std::sort(entries.begin() + static_cast<std::ptrdiff_t>(bucket_start[b]),
              entries.begin() + static_cast<std::ptrdiff_t>(bucket_start[b + 1]), block_entry_less<N>);
  }
  RawStatement insert(db, "INSERT INTO digest_blocks(set_id, kind, first_digest, entry_count, entries) VALUES (?, ?, ?, ?, ?)");
  for (std::size_t begin = 0; begin < entries.size();) {
    std::size_t end = std::min(entries.size(), begin + kBlockEntries);
    while (end < entries.size() && entries[end].digest == entries[end - 1].digest) ++end;  // runs stay whole
    stop.throw_if_requested();
    sqlite3_bind_int64(insert.get(), 1, set_id);
    sqlite3_bind_int(insert.get(), 2, static_cast<int>(kind));
    sqlite3_bind_blob(insert.get(), 3, entries[begin].digest.data(), static_cast<int>(N), SQLITE_STATIC);
    sqlite3_bind_int64(insert.get(), 4, static_cast<std::int64_t>(end - begin));
    sqlite3_bind_blob64(insert.get(), 5, &entries[begin], (end - begin) * sizeof(BlockEntry<N>), SQLITE_STATIC);
    (void)insert.step(db);
    sqlite3_reset(insert.get());
    begin = end;
  }
  return entries.size();
}

// The ordinals stored for `digest` in one set's blocks of its kind.
template <std::size_t N>
void find_in_blocks(sqlite3* db, std::int64_t set_id, StoredDigest kind, const std::string& digest,
                    std::vector<std::uint32_t>& ordinals) {
  RawStatement q(db,
                 "SELECT entries, entry_count FROM digest_blocks WHERE set_id = ? AND kind = ? AND first_digest <= ? "
                 "ORDER BY first_digest DESC LIMIT 1");
  sqlite3_bind_int64(q.get(), 1, set_id);
  sqlite3_bind_int(q.get(), 2, static_cast<int>(kind));
  sqlite3_bind_blob(q.get(), 3, digest.data(), static_cast<int>(digest.size()), SQLITE_STATIC);
  if (!q.step(db)) return;
  const auto* blob = static_cast<const std::uint8_t*>(sqlite3_column_blob(q.get(), 0));
  const auto bytes = static_cast<std::size_t>(sqlite3_column_bytes(q.get(), 0));
  const std::size_t count = std::min<std::size_t>(bytes / sizeof(BlockEntry<N>), static_cast<std::size_t>(std::max<std::int64_t>(0, sqlite3_column_int64(q.get(), 1))));
  std::vector<BlockEntry<N>> entries(count);
  if (count > 0) std::memcpy(entries.data(), blob, count * sizeof(BlockEntry<N>));
  BlockEntry<N> key{};
  std::memcpy(key.digest.data(), digest.data(), N);
  key.ordinal = 0;
  for (auto it = std::lower_bound(entries.begin(), entries.end(), key, block_entry_less<N>);
       it != entries.end() && it->digest == key.digest; ++it)
    ordinals.push_back(it->ordinal);
}

void find_ordinals(sqlite3* db, std::int64_t set_id, StoredDigest kind, const std::string& digest,
                   std::vector<std::uint32_t>& ordinals) {
  switch (kind) {
    case StoredDigest::md5: return find_in_blocks<16>(db, set_id, kind, digest, ordinals);
    case StoredDigest::sha1: return find_in_blocks<20>(db, set_id, kind, digest, ordinals);
    case StoredDigest::sha256:
    case StoredDigest::pdq: return find_in_blocks<32>(db, set_id, kind, digest, ordinals);
  }
}

std::string hex_or_empty(const std::uint8_t* bytes, std::size_t n) {
  if (bytes == nullptr) return {};
  return to_hex(std::string_view(reinterpret_cast<const char*>(bytes), n));
}

HashSetRecord record_from_view(std::int64_t set_id, const hashset::RecordView& v) {
  HashSetRecord r;
  r.set_id = set_id;
  r.md5 = hex_or_empty(v.digest[0], 16);
  r.sha1 = hex_or_empty(v.digest[1], 20);
  r.sha256 = hex_or_empty(v.digest[2], 32);
  r.pdq = hex_or_empty(v.digest[3], 32);
  r.media_id = v.media_id;
  r.category = v.category;
  r.series = v.series;
  return r;
}

HashSetRecordDetail detail_from_view(const hashset::RecordView& v) {
  HashSetRecordDetail d;
  d.file_name = v.file_name;
  d.product = v.product;
  d.size = v.size;
  if (v.flags) decode_flags(*v.flags, d);
  d.tags = v.tags;
  d.photodna = v.photodna;
  return d;
}

// Visits the records of a set at the given ordinals (sorted, unique), reading each record block
// that holds one of them once.
constexpr const char* kRecordBlockAt =
    "SELECT first_ordinal, records FROM record_blocks WHERE set_id = ? AND first_ordinal <= ? "
    "ORDER BY first_ordinal DESC LIMIT 1";

template <typename Visit>
void for_each_record_at(sqlite3* db, sqlite3_stmt* statement, std::int64_t set_id,
                        const std::vector<std::uint64_t>& ordinals, Visit&& visit) {
  struct Use {
    sqlite3_stmt* stmt;
    sqlite3_stmt* get() const { return stmt; }
    bool step(sqlite3* connection) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_ROW) return true;
      if (rc == SQLITE_DONE) return false;
      throw sqlite::Error(fmt::format("SQLite: {}", sqlite3_errmsg(connection)));
    }
  } q{statement};
  for (std::size_t i = 0; i < ordinals.size();) {
    sqlite3_reset(q.get());  // also after an exception left the (cached) statement mid-step
    sqlite3_bind_int64(q.get(), 1, set_id);
    sqlite3_bind_int64(q.get(), 2, static_cast<std::int64_t>(ordinals[i]));
    if (!q.step(db)) {
      sqlite3_reset(q.get());
      ++i;
      continue;
    }
    auto ordinal = static_cast<std::uint64_t>(sqlite3_column_int64(q.get(), 0));
    const auto* blob = static_cast<const std::uint8_t*>(sqlite3_column_blob(q.get(), 1));
    hashset::RecordBlockReader reader(std::span(blob, static_cast<std::size_t>(sqlite3_column_bytes(q.get(), 1))));
    hashset::RecordView r;
    const std::size_t before = i;
    for (; i < ordinals.size() && reader.next(r); ++ordinal)
      if (ordinal == ordinals[i]) {
        visit(ordinals[i], r);
        ++i;
      }
    if (i == before) ++i;  // not in this block: no such record
    sqlite3_reset(q.get());
  }
}

}  // namespace

std::size_t stored_digest_bytes(StoredDigest kind) {
  switch (kind) {
    case StoredDigest::md5: return 16;
    case StoredDigest::sha1: return 20;
    case StoredDigest::sha256:
    case StoredDigest::pdq: return 32;
  }
  return 32;
}

const std::vector<std::string>& hash_set_formats() {
  static const std::vector<std::string> formats = {"auto",   "vics",     "nsrl-rds3",  "nsrl-rds2",
                                                   "icse",   "md5sum",   "hashdeep",   "hashkeeper",
                                                   "encase", "kdb",      "pdq",        "list"};
  return formats;
}

ImportReport check_hash_set_file(const fs::path& source, const ImportOptions& options) {
  std::error_code ec;
  if (!fs::is_regular_file(source, ec)) throw ImportError(source.string() + ": not a readable regular file");
  ImportReport report;
  HashSetInfo& s = report.set;
  s.format = options.format == "auto" ? hashset::detect_format(source) : options.format;
  s.name = options.name;
  if (s.name.empty() && s.format == "encase") s.name = hashset::read_encase_hash_name(source);
  if (s.name.empty()) s.name = source.stem().string();
  s.role = options.role;
  s.source_file = fs::absolute(source, ec).lexically_normal().string();
  CheckSink sink(options.strict, source);
  read_with(s.format, source, sink);
  if (sink.accepted_ == 0 && sink.rejected_ > 0)
    throw ImportError(fmt::format("{}: no valid record: all {} were rejected (first: {})", source.string(),
                                  sink.rejected_, sink.examples_.empty() ? "" : sink.examples_.front()));
  s.version = sink.version_;
  s.record_count = sink.accepted_;
  s.rejected_records = sink.rejected_;
  report.rejection_examples = std::move(sink.examples_);
  return report;
}

HashSetStore::HashSetStore(sqlite::Db db, bool writable) : db_(std::move(db)), writable_(writable) {}
HashSetStore::~HashSetStore() = default;

bool HashSetStore::is_hashset_store(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return false;
  try {
    auto db = sqlite::open(file.string(), SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
    sqlite::Statement q(db.get(), "SELECT value FROM db_info WHERE key = 'kind'");
    return q.step() && q.text(0) == "triage-hashset";
  } catch (const sqlite::Error&) {
    return false;
  }
}

namespace {

void check_store(sqlite3* db, const fs::path& file) {
  std::string kind, version;
  if (sqlite::has_table(db, "db_info")) {
    sqlite::Statement q(db, "SELECT key, value FROM db_info WHERE key IN ('kind', 'schema_version')");
    while (q.step()) (q.text(0) == "kind" ? kind : version) = q.text(1);
  }
  if (kind != "triage-hashset")
    throw sqlite::Error(file.string() + ": not a triage hash-set store (no db_info kind=triage-hashset)");
  if (version != std::to_string(kSchemaVersion))
    throw sqlite::SchemaVersionError(fmt::format(
        "{}: a triage hash-set store of schema version {}, this triage reads version {} only{}", file.string(), version,
        kSchemaVersion,
        version == "1" ? " (version 2 replaced the per-column indexes by sorted digest blocks): import its "
                         "sources again into a new store"
                       : ""));
}

}  // namespace

std::unique_ptr<HashSetStore> HashSetStore::open_or_create(const fs::path& file) {
  std::error_code ec;
  const bool exists = fs::exists(file, ec) && fs::file_size(file, ec) > 0;
  auto db = sqlite::open(file.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX);
  if (exists) {
    check_store(db.get(), file);
  } else {
    sqlite::exec(db.get(), "BEGIN IMMEDIATE");
    sqlite::exec(db.get(), kSchema);
    sqlite::Statement info(db.get(), "INSERT INTO db_info(key, value) VALUES (?, ?)");
    info.bind_text(1, "kind").bind_text(2, "triage-hashset").run();
    info.bind_text(1, "schema_version").bind_text(2, std::to_string(kSchemaVersion)).run();
    info.bind_text(1, "created_by").bind_text(2, fmt::format("{} {}", kToolName, kToolVersion)).run();
    sqlite::exec(db.get(), "COMMIT");
  }
  // Inserts append to the records table; a modest page cache is enough (bounded: 64 MiB).
  sqlite::exec(db.get(), "PRAGMA cache_size = -65536");
  return std::unique_ptr<HashSetStore>(new HashSetStore(std::move(db), true));
}

std::unique_ptr<HashSetStore> HashSetStore::open_read_only(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) throw sqlite::Error(file.string() + ": no such hash-set store");
  auto db = sqlite::open(file.string(), SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
  check_store(db.get(), file);
  return std::unique_ptr<HashSetStore>(new HashSetStore(std::move(db), false));
}

std::vector<HashSetInfo> HashSetStore::sets() const {
  std::vector<HashSetInfo> out;
  sqlite::Statement q(db_.get(), fmt::format("SELECT {} FROM sets ORDER BY id", kSetColumns));
  while (q.step()) out.push_back(set_from_row(q));
  return out;
}

void HashSetStore::for_each_record(const std::function<void(const HashSetRecord&)>& visit) const {
  for (const auto& set : sets())
    for_each_record_block(db_.get(), set.id, [&](std::uint64_t, hashset::RecordBlockReader& reader) {
      hashset::RecordView r;
      while (reader.next(r)) visit(record_from_view(set.id, r));
    });
}

void HashSetStore::for_each_pdq_record(const std::function<void(const HashSetRecord&)>& visit) const {
  for (const auto& set : sets()) {
    if (set.pdq_count == 0) continue;
    if (set.pdq_count * 8 >= set.record_count) {  // many: one pass over the set's record blocks
      for_each_record_block(db_.get(), set.id, [&](std::uint64_t, hashset::RecordBlockReader& reader) {
        hashset::RecordView r;
        while (reader.next(r))
          if (r.digest[3] != nullptr) visit(record_from_view(set.id, r));
      });
      continue;
    }
    // Few: their ordinals from the PDQ digest blocks, then only the record blocks holding them.
    std::vector<std::uint64_t> ordinals;
    for_each_digest_block(set.id, StoredDigest::pdq, [&](std::span<const std::uint8_t> entries, std::size_t count) {
      for (std::size_t i = 0; i < count; ++i) {
        std::uint32_t ordinal;
        std::memcpy(&ordinal, entries.data() + i * 36 + 32, 4);
        ordinals.push_back(ordinal);
      }
    });
    std::sort(ordinals.begin(), ordinals.end());
    ordinals.erase(std::unique(ordinals.begin(), ordinals.end()), ordinals.end());
    RawStatement at(db_.get(), kRecordBlockAt);
    for_each_record_at(db_.get(), at.get(), set.id, ordinals, [&](std::uint64_t, const hashset::RecordView& r) {
      if (r.digest[3] != nullptr) visit(record_from_view(set.id, r));
    });
  }
}

void HashSetStore::for_each_digest_block(
    std::int64_t set_id, StoredDigest kind,
    const std::function<void(std::span<const std::uint8_t> entries, std::size_t count)>& visit) const {
  const std::size_t width = stored_digest_bytes(kind) + 4;
  RawStatement q(db_.get(), "SELECT entries, entry_count FROM digest_blocks WHERE set_id = ? AND kind = ? ORDER BY first_digest");
  sqlite3_bind_int64(q.get(), 1, set_id);
  sqlite3_bind_int(q.get(), 2, static_cast<int>(kind));
  while (q.step(db_.get())) {
    const auto* blob = static_cast<const std::uint8_t*>(sqlite3_column_blob(q.get(), 0));
    const auto bytes = static_cast<std::size_t>(sqlite3_column_bytes(q.get(), 0));
    const auto stated = sqlite3_column_int64(q.get(), 1);
    const std::size_t count = std::min(bytes / width, static_cast<std::size_t>(std::max<std::int64_t>(0, stated)));
    if (count > 0) visit(std::span(blob, count * width), count);
  }
}

void HashSetStore::record_label(std::int64_t set_id, std::uint64_t ordinal, std::string& media_id,
                                std::string& category) const {
  media_id.clear();
  category.clear();
  if (!record_at_) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_.get(), kRecordBlockAt, -1, &stmt, nullptr) != SQLITE_OK)
      throw sqlite::Error(fmt::format("SQLite: {}", sqlite3_errmsg(db_.get())));
    record_at_.reset(stmt);
  }
  for_each_record_at(db_.get(), record_at_.get(), set_id, {ordinal}, [&](std::uint64_t, const hashset::RecordView& r) {
    media_id = r.media_id;
    category = r.category;
  });
}

std::vector<std::pair<HashSetRecord, HashSetRecordDetail>> HashSetStore::lookup_detailed(std::string_view hex) const {
  std::vector<std::pair<HashSetRecord, HashSetRecordDetail>> out;
  const std::string column = hex_digest_type(hex.size());
  std::string bytes;
  if (column.empty() || !hex_to_bytes(hex, hex.size(), bytes)) return out;
  const auto all_sets = sets();
  const auto query = [&](StoredDigest kind) {
    std::vector<std::uint32_t> found;
    for (const auto& set : all_sets) {
      const std::uint64_t count = kind == StoredDigest::md5    ? set.md5_count
                                  : kind == StoredDigest::sha1 ? set.sha1_count
                                  : kind == StoredDigest::sha256 ? set.sha256_count
                                                               : set.pdq_count;
      if (count == 0) continue;
      found.clear();
      find_ordinals(db_.get(), set.id, kind, bytes, found);
      std::vector<std::uint64_t> ordinals(found.begin(), found.end());
      std::sort(ordinals.begin(), ordinals.end());
      ordinals.erase(std::unique(ordinals.begin(), ordinals.end()), ordinals.end());
      RawStatement at(db_.get(), kRecordBlockAt);
      for_each_record_at(db_.get(), at.get(), set.id, ordinals, [&](std::uint64_t, const hashset::RecordView& r) {
        out.emplace_back(record_from_view(set.id, r), detail_from_view(r));
      });
    }
  };
  query(hex.size() == 32 ? StoredDigest::md5 : hex.size() == 40 ? StoredDigest::sha1 : StoredDigest::sha256);
  if (hex.size() == 64) query(StoredDigest::pdq);  // 64 hex digits are a SHA-256 or a PDQ hash
  return out;
}

void HashSetStore::build_digest_blocks(std::int64_t set_id, const std::array<std::uint64_t, 4>& seen,
                                       const std::array<std::vector<std::uint32_t>, 4>& histograms, StopToken stop) {
  std::uint64_t counts[4] = {};
  for (const auto kind : {StoredDigest::md5, StoredDigest::sha1, StoredDigest::sha256, StoredDigest::pdq}) {
    const auto k = static_cast<std::size_t>(kind);
    if (seen[k] == 0) continue;
    switch (kind) {
      case StoredDigest::md5: counts[k] = write_digest_blocks<16>(db_.get(), set_id, kind, seen[k], histograms[k], stop); break;
      case StoredDigest::sha1: counts[k] = write_digest_blocks<20>(db_.get(), set_id, kind, seen[k], histograms[k], stop); break;
      case StoredDigest::sha256:
      case StoredDigest::pdq: counts[k] = write_digest_blocks<32>(db_.get(), set_id, kind, seen[k], histograms[k], stop); break;
    }
  }
  sqlite::Statement update(db_.get(),
                           "UPDATE sets SET md5_count = ?, sha1_count = ?, sha256_count = ?, pdq_count = ? WHERE id = ?");
  for (int k = 0; k < 4; ++k) update.bind(k + 1, static_cast<std::int64_t>(counts[k]));
  update.bind(5, set_id).run();
}

std::vector<HashSetRecord> HashSetStore::lookup(std::string_view hex) const {
  std::vector<HashSetRecord> out;
  for (auto& [record, detail] : lookup_detailed(hex)) out.push_back(std::move(record));
  return out;
}

std::vector<ImportReport> HashSetStore::import_files(const std::vector<fs::path>& sources, const ImportOptions& options) {
  if (!writable_) throw sqlite::Error("the hash-set store was opened read-only");
  // Formats, names and source digests first: an unrecognised file fails before anything is
  // written, and a store that holds every file already is not touched at all.
  std::vector<PendingImport> pending;
  for (const auto& source : sources) {
    std::error_code ec;
    if (!fs::is_regular_file(source, ec)) throw ImportError(source.string() + ": not a readable regular file");
    PendingImport p;
    p.source = source;
    p.format = options.format == "auto" ? hashset::detect_format(source) : options.format;
    p.name = options.name;
    if (p.name.empty() && p.format == "encase") p.name = hashset::read_encase_hash_name(source);
    if (p.name.empty()) p.name = source.stem().string();
    p.size = fs::file_size(source, ec);
    pending.push_back(std::move(p));
  }
  // A file is "already imported" when a set of its name has its SHA-256, hence its size. When no
  // set of that name and size is stored or pending, the SHA-256 cannot matter before the file is
  // written, and is computed on another thread while the file is imported (it used to be a whole
  // extra pass over a multi-GB export before the import started).
  {
    sqlite::Statement same(db_.get(), "SELECT 1 FROM sets WHERE name = ? AND source_size = ? LIMIT 1");
    for (auto& p : pending) {
      same.bind_text(1, p.name).bind(2, static_cast<std::int64_t>(p.size));
      const bool stored = same.step();
      same.reset();
      const bool twin = std::count_if(pending.begin(), pending.end(), [&](const PendingImport& q) {
                          return q.name == p.name && q.size == p.size;
                        }) > 1;
      if (stored || twin) p.sha256 = sha256_file(p.source);
    }
  }
  std::vector<ImportReport> reports;
  sqlite::exec(db_.get(), "BEGIN IMMEDIATE");
  try {
    // --replace: drop the sets stored under these names before this command, except those that
    // are the very files being imported now (which stay, as "already imported").
    std::map<std::string, std::uint64_t> replaced;
    if (options.replace) {
      sqlite::Statement old(db_.get(), "SELECT id, source_sha256 FROM sets WHERE name = ?");
      sqlite::Statement drop_records(db_.get(), "DELETE FROM record_blocks WHERE set_id = ?");
      sqlite::Statement drop_set(db_.get(), "DELETE FROM sets WHERE id = ?");
      sqlite::Statement drop_blocks(db_.get(), "DELETE FROM digest_blocks WHERE set_id = ?");
      for (const auto& p : pending) {
        if (replaced.count(p.name)) continue;
        std::uint64_t& count = replaced[p.name];
        std::vector<std::int64_t> ids;
        old.bind_text(1, p.name);
        while (old.step()) {
          const std::string sha = old.text(1);
          if (std::any_of(pending.begin(), pending.end(), [&](const PendingImport& q) { return q.name == p.name && q.sha256 == sha; }))
            continue;
          ids.push_back(old.int64(0));
        }
        old.reset();
        for (auto id : ids) {
          drop_records.bind(1, id).run();
          drop_blocks.bind(1, id).run();
          drop_set.bind(1, id).run();
        }
        count = ids.size();
      }
    }
    for (const auto& p : pending) {
      reports.push_back(import_one(p, options));
      if (auto it = replaced.find(p.name); it != replaced.end()) {
        reports.back().replaced_sets = it->second;  // reported once per name
        replaced.erase(it);
      }
    }
    sqlite::exec(db_.get(), "COMMIT");
  } catch (...) {
    sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  return reports;
}

ImportReport HashSetStore::import_one(const PendingImport& pending, const ImportOptions& options) {
  ImportReport report;
  const fs::path& source = pending.source;
  const std::string& name = pending.name;
  const std::string& format = pending.format;
  if (!pending.sha256.empty())
    if (auto existing = find_set(db_.get(), name, pending.sha256)) {
      report.set = *existing;
      report.already_imported = true;
      return report;
    }
  // The source's SHA-256, on another thread when not known yet; cancelled if the import fails.
  std::atomic<bool> cancel_sha{false};
  std::future<std::string> sha_later;
  if (pending.sha256.empty())
    sha_later = std::async(std::launch::async, [&source, &cancel_sha] { return sha256_file(source, &cancel_sha); });
  struct CancelOnExit {
    std::atomic<bool>& flag;
    ~CancelOnExit() { flag = true; }
  } cancel_on_exit{cancel_sha};
  std::error_code ec;
  const auto size = pending.size;
  sqlite::Statement insert(db_.get(),
                           "INSERT INTO sets(name, role, format, version, source_file, source_sha256, source_size, "
                           "imported_utc, tool_version, git_commit, record_count, rejected_records) "
                           "VALUES (?, ?, ?, '', ?, ?, ?, ?, ?, ?, 0, 0)");
  insert.bind_text(1, name)
      .bind_text(2, to_string(options.role))
      .bind_text(3, format)
      .bind_text(4, fs::absolute(source, ec).lexically_normal().string())
      .bind_text(5, pending.sha256)
      .bind(6, static_cast<std::int64_t>(size))
      .bind_text(7, now_utc())
      .bind_text(8, kToolVersion)
      .bind_text(9, kGitCommit)
      .run();
  const std::int64_t set_id = sqlite3_last_insert_rowid(db_.get());

  StoreSink sink(db_.get(), set_id, source, options.strict, options.stop);
  read_with(format, source, sink);
  sink.finish();
  if (sink.accepted() == 0 && sink.rejected() > 0)
    throw ImportError(fmt::format("{}: no valid record: all {} were rejected (first: {})", source.string(),
                                  sink.rejected(), sink.examples().empty() ? "" : sink.examples().front()));
  if (sink.accepted() > std::uint64_t{0xFFFFFFFF})
    throw ImportError(fmt::format("{}: more than 4,294,967,295 records in one set", source.string()));
  sqlite::Statement update(db_.get(), "UPDATE sets SET version = ?, record_count = ?, rejected_records = ? WHERE id = ?");
  update.bind_text(1, sink.version())
      .bind(2, static_cast<std::int64_t>(sink.accepted()))
      .bind(3, static_cast<std::int64_t>(sink.rejected()))
      .bind(4, set_id)
      .run();
  build_digest_blocks(set_id, sink.digest_counts(), sink.histograms(), options.stop);
  if (sha_later.valid()) {
    sqlite::Statement set_sha(db_.get(), "UPDATE sets SET source_sha256 = ? WHERE id = ?");
    set_sha.bind_text(1, sha_later.get()).bind(2, set_id).run();
  }
  report.rejection_examples = std::move(sink.examples());
  sqlite::Statement q(db_.get(), fmt::format("SELECT {} FROM sets WHERE id = ?", kSetColumns));
  q.bind(1, set_id);
  q.step();
  report.set = set_from_row(q);
  return report;
}

}  // namespace triage
