#include "formats/hashset/hashset_store.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <algorithm>
#include <array>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <thread>
#include <tuple>

#include "core/text/time_format.h"
#include "core/text/utf8.h"
#include "formats/hashset/hashset_reader.h"
#include "triage/version.h"

namespace triage {
namespace fs = std::filesystem;
namespace {

constexpr int kSchemaVersion = 1;
constexpr std::size_t kRejectionExamples = 10;

// Schema version 1 (man/triage.1, HASH-SET STORE). Hashes are BLOBs of their raw bytes (half
// the size of hex); the indexes are partial, so a set without SHA-256 costs no SHA-256 index.
// A set's records are one contiguous rowid range (first_record..last_record): imports insert
// them in one go, and --replace deletes them by range without an index on set_id.
constexpr const char* kSchema = R"sql(
CREATE TABLE db_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sets (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, format TEXT NOT NULL,
  version TEXT NOT NULL, source_file TEXT NOT NULL, source_sha256 TEXT NOT NULL,
  source_size INTEGER NOT NULL, imported_utc TEXT NOT NULL, tool_version TEXT NOT NULL,
  git_commit TEXT NOT NULL, record_count INTEGER NOT NULL, rejected_records INTEGER NOT NULL,
  first_record INTEGER, last_record INTEGER,
  UNIQUE (name, source_sha256));
CREATE TABLE records (
  set_id INTEGER NOT NULL,
  md5 BLOB, sha1 BLOB, sha256 BLOB, pdq BLOB,
  media_id TEXT, category TEXT, series TEXT,
  file_name TEXT, product TEXT, size INTEGER, flags INTEGER, tags TEXT, photodna TEXT);
)sql";

constexpr const char* kCreateIndexes = R"sql(
CREATE INDEX IF NOT EXISTS records_md5 ON records(md5) WHERE md5 IS NOT NULL;
CREATE INDEX IF NOT EXISTS records_sha1 ON records(sha1) WHERE sha1 IS NOT NULL;
CREATE INDEX IF NOT EXISTS records_sha256 ON records(sha256) WHERE sha256 IS NOT NULL;
CREATE INDEX IF NOT EXISTS records_pdq ON records(pdq) WHERE pdq IS NOT NULL;
)sql";

constexpr const char* kDropIndexes = R"sql(
DROP INDEX IF EXISTS records_md5; DROP INDEX IF EXISTS records_sha1;
DROP INDEX IF EXISTS records_sha256; DROP INDEX IF EXISTS records_pdq;
)sql";

constexpr const char* kSetColumns =
    "id, name, role, format, version, source_file, source_sha256, imported_utc, tool_version, record_count, "
    "rejected_records";

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

std::optional<std::string> non_empty(std::string_view s) {
  if (s.empty()) return std::nullopt;
  return std::string(s);
}

// SHA-256 of a whole file, streamed.
std::string sha256_file(const fs::path& file) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> in(std::fopen(file.c_str(), "rb"), &std::fclose);
  if (!in) throw ImportError(file.string() + ": cannot open: " + std::strerror(errno));
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) throw std::runtime_error("SHA-256 unavailable");
  std::vector<unsigned char> buf(1 << 20);
  for (;;) {
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
  s.role = q.text(2);
  s.format = q.text(3);
  s.version = q.text(4);
  s.source_file = q.text(5);
  s.source_sha256 = q.text(6);
  s.imported_utc = q.text(7);
  s.tool_version = q.text(8);
  s.record_count = static_cast<std::uint64_t>(q.int64(9));
  s.rejected_records = static_cast<std::uint64_t>(q.int64(10));
  return s;
}

std::optional<HashSetInfo> find_set(sqlite3* db, const std::string& name, const std::string& sha256) {
  sqlite::Statement q(db, fmt::format("SELECT {} FROM sets WHERE name = ? AND source_sha256 = ?", kSetColumns));
  q.bind_text(1, name).bind_text(2, sha256);
  if (!q.step()) return std::nullopt;
  return set_from_row(q);
}

// Feeds the records table: checks each record's hashes on the reader's thread, counts and keeps
// examples of rejections, and hands batches of checked rows to a writer thread that owns the
// INSERT statement, so that parsing and SQLite work overlap (the queue holds a few batches: memory
// stays bounded). The connection is used by the writer thread alone until finish().
class StoreSink : public hashset::ImportSink {
 public:
  StoreSink(sqlite3* db, std::int64_t set_id, const fs::path& source, bool strict)
      : insert_(db,
                "INSERT INTO records(set_id, md5, sha1, sha256, pdq, media_id, category, series, file_name, product, "
                "size, flags, tags, photodna) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        db_(db),
        set_id_(set_id),
        source_(source),
        strict_(strict) {
    batch_.reserve(kBatch);
    writer_ = std::thread([this] { write_loop(); });
  }

  ~StoreSink() override { stop_writer(/*abort=*/true); }
  StoreSink(const StoreSink&) = delete;
  StoreSink& operator=(const StoreSink&) = delete;

  void add(ImportRecord& r, hashset::SourcePosition where) override {
    const HashSetRecord& rec = r.record;
    media_id_ = rec.media_id;
    Row& row = next_row();
    if (!take(rec.md5, 32, "MD5", row.md5, where) || !take(rec.sha1, 40, "SHA-1", row.sha1, where) ||
        !take(rec.sha256, 64, "SHA-256", row.sha256, where) || !take(rec.pdq, 64, "PDQ", row.pdq, where)) {
      batch_.pop_back();
      return;
    }
    if (row.md5.empty() && row.sha1.empty() && row.sha256.empty() && row.pdq.empty()) {
      batch_.pop_back();
      reject(where, "no MD5, SHA-1, SHA-256 or PDQ hash");
      return;
    }
    row.media_id = std::move(r.record.media_id);
    row.category = std::move(r.record.category);
    row.series = std::move(r.record.series);
    row.file_name = std::move(r.detail.file_name);
    row.product = std::move(r.detail.product);
    row.tags = std::move(r.detail.tags);
    row.photodna = std::move(r.detail.photodna);
    row.size = r.detail.size;
    row.flags = encode_flags(r.detail);
    if (batch_.size() == kBatch) push_batch();
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
    if (!batch_.empty()) push_batch();
    stop_writer();
    if (writer_error_) std::rethrow_exception(writer_error_);
  }

  std::uint64_t accepted() const { return accepted_; }
  std::uint64_t rejected() const { return rejected_; }
  std::int64_t first_record() const { return first_record_; }
  std::int64_t last_record() const { return last_record_; }
  const std::string& version() const { return version_; }
  std::vector<std::string>& examples() { return examples_; }

 private:
  static constexpr std::size_t kBatch = 4096;
  static constexpr std::size_t kQueuedBatches = 4;

  struct Row {
    std::string md5, sha1, sha256, pdq;  // raw bytes, empty when absent
    std::string media_id, category, series, file_name, product, tags, photodna;
    std::optional<std::uint64_t> size;
    std::optional<std::int64_t> flags;
  };

  Row& next_row() {
    batch_.emplace_back();
    return batch_.back();
  }

  void push_batch() {
    std::unique_lock lock(mutex_);
    room_.wait(lock, [&] { return queue_.size() < kQueuedBatches || writer_failed_; });
    if (writer_failed_) {
      lock.unlock();
      stop_writer(/*abort=*/true);
      std::rethrow_exception(writer_error_);
    }
    queue_.push_back(std::move(batch_));
    lock.unlock();
    ready_.notify_one();
    batch_ = {};
    batch_.reserve(kBatch);
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
        std::vector<Row> rows;
        {
          std::unique_lock lock(mutex_);
          ready_.wait(lock, [&] { return !queue_.empty() || done_; });
          if (queue_.empty()) return;
          rows = std::move(queue_.front());
          queue_.pop_front();
        }
        room_.notify_one();
        for (const Row& row : rows) insert(row);
      }
    } catch (...) {
      std::lock_guard lock(mutex_);
      writer_error_ = std::current_exception();
      writer_failed_ = true;
      room_.notify_all();
    }
  }

  void insert(const Row& row) {
    insert_.bind(1, set_id_);
    bind_blob(2, row.md5);
    bind_blob(3, row.sha1);
    bind_blob(4, row.sha256);
    bind_blob(5, row.pdq);
    insert_.bind_optional(6, non_empty(row.media_id));
    insert_.bind_optional(7, non_empty(row.category));
    insert_.bind_optional(8, non_empty(row.series));
    insert_.bind_optional(9, non_empty(row.file_name));
    insert_.bind_optional(10, non_empty(row.product));
    if (row.size) insert_.bind(11, static_cast<std::int64_t>(*row.size));
    else insert_.bind_null(11);
    insert_.bind_optional(12, row.flags);
    insert_.bind_optional(13, non_empty(row.tags));
    insert_.bind_optional(14, non_empty(row.photodna));
    insert_.run();
    const std::int64_t rowid = sqlite3_last_insert_rowid(db_);
    if (accepted_ == 0) first_record_ = rowid;
    last_record_ = rowid;
    ++accepted_;
  }

  // Checks one hash and leaves its bytes in `blob` (empty when absent).
  bool take(std::string_view hex, std::size_t digits, const char* what, std::string& blob, hashset::SourcePosition where) {
    blob.clear();
    while (!hex.empty() && (hex.back() == ' ' || hex.back() == '\t')) hex.remove_suffix(1);
    while (!hex.empty() && (hex.front() == ' ' || hex.front() == '\t')) hex.remove_prefix(1);
    if (hex.empty()) return true;
    if (!hex_to_bytes(hex, digits, blob)) {
      reject(where, fmt::format("{}{} '{}' is not {} hex digits", media_id_.empty() ? "" : "MediaID " + media_id_ + ": ",
                                what, hex.substr(0, 80), digits));
      return false;
    }
    return true;
  }

  void bind_blob(int index, const std::string& blob) {
    if (blob.empty()) insert_.bind_null(index);
    else insert_.bind_blob(index, blob);
  }

  sqlite::Statement insert_;
  sqlite3* db_;
  std::int64_t set_id_;
  const fs::path& source_;
  bool strict_;
  std::string version_, media_id_;
  std::uint64_t rejected_ = 0;
  std::vector<std::string> examples_;
  std::vector<Row> batch_;
  // Shared with the writer thread, under mutex_.
  std::mutex mutex_;
  std::condition_variable ready_, room_;
  std::deque<std::vector<Row>> queue_;
  bool done_ = false, writer_failed_ = false;
  std::exception_ptr writer_error_;
  // The writer's own (read by the reader's thread only after the join).
  std::uint64_t accepted_ = 0;
  std::int64_t first_record_ = 0, last_record_ = 0;
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

constexpr const char* kRecordColumns =
    "set_id, md5, sha1, sha256, pdq, media_id, category, series, file_name, product, size, flags, tags, photodna";

HashSetRecord record_from_row(const sqlite::Statement& q) {
  HashSetRecord r;
  r.set_id = q.int64(0);
  r.md5 = to_hex(q.text(1));
  r.sha1 = to_hex(q.text(2));
  r.sha256 = to_hex(q.text(3));
  r.pdq = to_hex(q.text(4));
  r.media_id = q.text(5);
  r.category = q.text(6);
  r.series = q.text(7);
  return r;
}

HashSetRecordDetail detail_from_row(const sqlite::Statement& q) {
  HashSetRecordDetail d;
  d.file_name = q.text(8);
  d.product = q.text(9);
  if (auto size = q.optional_int64(10); size && *size >= 0) d.size = static_cast<std::uint64_t>(*size);
  if (auto flags = q.optional_int64(11)) decode_flags(*flags, d);
  d.tags = q.text(12);
  d.photodna = q.text(13);
  return d;
}

}  // namespace

const char* to_string(HashSetRole role) {
  switch (role) {
    case HashSetRole::alert: return "alert";
    case HashSetRole::known: return "known";
    case HashSetRole::ignore: return "ignore";
  }
  return "alert";
}

std::optional<HashSetRole> parse_hash_set_role(std::string_view text) {
  if (text == "alert") return HashSetRole::alert;
  if (text == "known") return HashSetRole::known;
  if (text == "ignore") return HashSetRole::ignore;
  return std::nullopt;
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
  s.role = to_string(options.role);
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
  try {
    sqlite::Statement q(db, "SELECT key, value FROM db_info WHERE key IN ('kind', 'schema_version')");
    std::string kind, version;
    while (q.step()) (q.text(0) == "kind" ? kind : version) = q.text(1);
    if (kind == "triage-hashset" && version == std::to_string(kSchemaVersion)) return;
    if (kind == "triage-hashset")
      throw sqlite::Error(fmt::format("{}: a triage hash-set store of schema version {}, this triage reads {}",
                                      file.string(), version, kSchemaVersion));
  } catch (const sqlite::Error& e) {
    if (std::string_view(e.what()).find("schema version") != std::string_view::npos) throw;
  }
  throw sqlite::Error(file.string() + ": not a triage hash-set store (no db_info kind=triage-hashset)");
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
    sqlite::exec(db.get(), kCreateIndexes);
    sqlite::Statement info(db.get(), "INSERT INTO db_info(key, value) VALUES (?, ?)");
    info.bind_text(1, "kind").bind_text(2, "triage-hashset").run();
    info.bind_text(1, "schema_version").bind_text(2, std::to_string(kSchemaVersion)).run();
    info.bind_text(1, "created_by").bind_text(2, fmt::format("{} {}", kToolName, kToolVersion)).run();
    sqlite::exec(db.get(), "COMMIT");
  }
  // A large page cache keeps index inserts of a big import in memory (bounded: 256 MiB).
  sqlite::exec(db.get(), "PRAGMA cache_size = -262144");
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
  sqlite::Statement q(db_.get(), "SELECT set_id, md5, sha1, sha256, pdq, media_id, category, series FROM records ORDER BY rowid");
  while (q.step()) visit(record_from_row(q));
}

std::vector<std::pair<HashSetRecord, HashSetRecordDetail>> HashSetStore::lookup_detailed(std::string_view hex) const {
  std::vector<std::pair<HashSetRecord, HashSetRecordDetail>> out;
  const std::string column = hex_digest_type(hex.size());
  std::string bytes;
  if (column.empty() || !hex_to_bytes(hex, hex.size(), bytes)) return out;
  const auto query = [&](const std::string& col) {
    sqlite::Statement q(db_.get(), fmt::format("SELECT {} FROM records WHERE {} = ? ORDER BY rowid", kRecordColumns, col));
    q.bind_blob(1, bytes);
    while (q.step()) out.emplace_back(record_from_row(q), detail_from_row(q));
  };
  query(column);
  if (hex.size() == 64) query("pdq");  // 64 hex digits are a SHA-256 or a PDQ hash
  return out;
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
  std::uint64_t total_bytes = 0;
  for (const auto& source : sources) {
    std::error_code ec;
    if (!fs::is_regular_file(source, ec)) throw ImportError(source.string() + ": not a readable regular file");
    PendingImport p;
    p.source = source;
    p.format = options.format == "auto" ? hashset::detect_format(source) : options.format;
    p.name = options.name;
    if (p.name.empty() && p.format == "encase") p.name = hashset::read_encase_hash_name(source);
    if (p.name.empty()) p.name = source.stem().string();
    p.sha256 = sha256_file(source);
    p.already = find_set(db_.get(), p.name, p.sha256).has_value();
    if (!p.already) total_bytes += fs::file_size(source, ec);
    pending.push_back(std::move(p));
  }
  std::vector<ImportReport> reports;
  const bool writes = std::any_of(pending.begin(), pending.end(), [](const PendingImport& p) { return !p.already; });
  sqlite::exec(db_.get(), "BEGIN IMMEDIATE");
  try {
    // Index maintenance during a bulk insert is random I/O; when the import is large next to
    // what the store holds, the indexes are dropped and rebuilt (a sort) inside the transaction.
    std::int64_t existing = 0;
    {
      sqlite::Statement q(db_.get(), "SELECT coalesce(sum(record_count), 0) FROM sets");
      q.step();
      existing = q.int64(0);
    }
    const bool rebuild =
        writes && (existing < 1'000'000 || total_bytes / 64 > static_cast<std::uint64_t>(existing));
    if (rebuild) sqlite::exec(db_.get(), kDropIndexes);
    // --replace: drop the sets stored under these names before this command, except those that
    // are the very files being imported now (which stay, as "already imported").
    std::map<std::string, std::uint64_t> replaced;
    if (options.replace) {
      sqlite::Statement old(db_.get(), "SELECT id, first_record, last_record, source_sha256 FROM sets WHERE name = ?");
      sqlite::Statement drop_records(db_.get(), "DELETE FROM records WHERE rowid BETWEEN ? AND ? AND set_id = ?");
      sqlite::Statement drop_set(db_.get(), "DELETE FROM sets WHERE id = ?");
      for (const auto& p : pending) {
        if (replaced.count(p.name)) continue;
        std::uint64_t& count = replaced[p.name];
        std::vector<std::int64_t> ids;
        old.bind_text(1, p.name);
        while (old.step()) {
          const std::string sha = old.text(3);
          if (std::any_of(pending.begin(), pending.end(), [&](const PendingImport& q) { return q.name == p.name && q.sha256 == sha; }))
            continue;
          ids.push_back(old.int64(0));
          if (!old.is_null(1)) drop_records.bind(1, old.int64(1)).bind(2, old.int64(2)).bind(3, old.int64(0)).run();
        }
        old.reset();
        for (auto id : ids) drop_set.bind(1, id).run();
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
    if (rebuild) {
      sqlite::exec(db_.get(), "PRAGMA threads = 2");  // CREATE INDEX sorts with a helper thread
      sqlite::exec(db_.get(), kCreateIndexes);
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
  const std::string& sha256 = pending.sha256;
  if (auto existing = find_set(db_.get(), name, sha256)) {
    report.set = *existing;
    report.already_imported = true;
    return report;
  }
  std::error_code ec;
  const auto size = fs::file_size(source, ec);
  sqlite::Statement insert(db_.get(),
                           "INSERT INTO sets(name, role, format, version, source_file, source_sha256, source_size, "
                           "imported_utc, tool_version, git_commit, record_count, rejected_records) "
                           "VALUES (?, ?, ?, '', ?, ?, ?, ?, ?, ?, 0, 0)");
  insert.bind_text(1, name)
      .bind_text(2, to_string(options.role))
      .bind_text(3, format)
      .bind_text(4, fs::absolute(source, ec).lexically_normal().string())
      .bind_text(5, sha256)
      .bind(6, static_cast<std::int64_t>(size))
      .bind_text(7, now_utc())
      .bind_text(8, kToolVersion)
      .bind_text(9, kGitCommit)
      .run();
  const std::int64_t set_id = sqlite3_last_insert_rowid(db_.get());

  StoreSink sink(db_.get(), set_id, source, options.strict);
  read_with(format, source, sink);
  sink.finish();
  if (sink.accepted() == 0 && sink.rejected() > 0)
    throw ImportError(fmt::format("{}: no valid record: all {} were rejected (first: {})", source.string(),
                                  sink.rejected(), sink.examples().empty() ? "" : sink.examples().front()));
  sqlite::Statement update(db_.get(),
                           "UPDATE sets SET version = ?, record_count = ?, rejected_records = ?, first_record = ?, "
                           "last_record = ? WHERE id = ?");
  update.bind_text(1, sink.version())
      .bind(2, static_cast<std::int64_t>(sink.accepted()))
      .bind(3, static_cast<std::int64_t>(sink.rejected()));
  if (sink.accepted() > 0) update.bind(4, sink.first_record()).bind(5, sink.last_record());
  else update.bind_null(4).bind_null(5);
  update.bind(6, set_id).run();
  report.rejection_examples = std::move(sink.examples());
  sqlite::Statement q(db_.get(), fmt::format("SELECT {} FROM sets WHERE id = ?", kSetColumns));
  q.bind(1, set_id);
  q.step();
  report.set = set_from_row(q);
  return report;
}

}  // namespace triage
