#include "formats/hashset/hashset_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <future>
#include <map>

#include "core/digest/digests.h"
#include "core/text/hex.h"
#include "core/text/time_format.h"
#include "formats/hashset/digest_blocks.h"
#include "formats/hashset/hashset_reader.h"
#include "formats/hashset/import_sinks.h"
#include "formats/hashset/record_block.h"
#include "formats/hashset/store_schema.h"
#include "triage/version.h"

namespace triage {
namespace fs = std::filesystem;
using namespace hashset;

namespace {

// SHA-256 of an input file; a read failure is a problem with that input.
std::string input_sha256(const fs::path& file, const std::atomic<bool>* cancel = nullptr) {
  try {
    return sha256_of_file(file, cancel);
  } catch (const std::runtime_error& e) {
    throw ImportError(e.what());
  }
}

// The digest kind a hex digest of this length is: MD5, SHA-1, SHA-256 (or a PDQ hash); nullopt else.
std::optional<StoredDigest> kind_of_hex(std::size_t length) {
  switch (length) {
    case 32: return StoredDigest::md5;
    case 40: return StoredDigest::sha1;
    case 64: return StoredDigest::sha256;
    default: return std::nullopt;
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
  if (sink.accepted() == 0 && sink.rejected() > 0)
    throw ImportError(fmt::format("{}: no valid record: all {} were rejected (first: {})", source.string(),
                                  sink.rejected(), sink.examples().empty() ? "" : sink.examples().front()));
  s.version = sink.version();
  s.record_count = sink.accepted();
  s.rejected_records = sink.rejected();
  report.rejection_examples = std::move(sink.examples());
  report.categories = std::move(sink.categories());
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

std::unique_ptr<HashSetStore> HashSetStore::open_or_create(const fs::path& file) {
  std::error_code ec;
  const bool exists = fs::exists(file, ec) && fs::file_size(file, ec) > 0;
  auto db = sqlite::open(file.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX);
  if (exists) {
    check_store_schema(db.get(), file);
  } else {
    sqlite::exec(db.get(), "BEGIN IMMEDIATE");
    create_store_schema(db.get());
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
  check_store_schema(db.get(), file);
  return std::unique_ptr<HashSetStore>(new HashSetStore(std::move(db), false));
}

std::vector<HashSetInfo> HashSetStore::sets() const {
  std::vector<HashSetInfo> out;
  sqlite::Statement q(db_.get(), fmt::format("SELECT {} FROM sets ORDER BY id", kSetColumns));
  while (q.step()) out.push_back(set_from_row(q));
  return out;
}

std::optional<std::vector<std::uint64_t>> HashSetStore::exact_record_sizes(std::int64_t set_id) const {
  if (!sqlite::has_table(db_.get(), "set_sizes")) return std::nullopt;  // imported by an earlier triage
  sqlite::Statement q(db_.get(), "SELECT unsized, sizes FROM set_sizes WHERE set_id = ?");
  q.bind(1, set_id);
  if (!q.step() || q.int64(0) != 0) return std::nullopt;
  const auto bytes = q.blob(1);
  if (bytes.size() % 8 != 0) throw sqlite::Error(fmt::format("hash-set store: set {}: a damaged size list", set_id));
  std::vector<std::uint64_t> sizes(bytes.size() / 8);
  for (std::size_t i = 0; i < sizes.size(); ++i)
    for (int b = 7; b >= 0; --b) sizes[i] = sizes[i] << 8 | bytes[i * 8 + static_cast<std::size_t>(b)];
  if (!std::is_sorted(sizes.begin(), sizes.end()))
    throw sqlite::Error(fmt::format("hash-set store: set {}: a damaged size list", set_id));
  return sizes;
}

void HashSetStore::for_each_record(const std::function<void(const HashSetRecord&)>& visit) const {
  for (const auto& set : sets())
    for_each_record_block(db_.get(), set.id, [&](std::uint64_t, RecordBlockReader& reader) {
      RecordView r;
      while (reader.next(r)) visit(record_from_view(set.id, r));
    });
}

void HashSetStore::for_each_pdq_record(const std::function<void(const HashSetRecord&)>& visit) const {
  for (const auto& set : sets()) {
    if (set.pdq_count == 0) continue;
    if (set.pdq_count * 8 >= set.record_count) {  // many: one pass over the set's record blocks
      for_each_record_block(db_.get(), set.id, [&](std::uint64_t, RecordBlockReader& reader) {
        RecordView r;
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
    const auto at = prepare_record_at(db_.get());
    for_each_record_at(*at, set.id, ordinals, [&](std::uint64_t, const RecordView& r) {
      if (r.digest[3] != nullptr) visit(record_from_view(set.id, r));
    });
  }
}

void HashSetStore::for_each_digest_block(
    std::int64_t set_id, StoredDigest kind,
    const std::function<void(std::span<const std::uint8_t> entries, std::size_t count)>& visit) const {
  const std::size_t width = stored_digest_bytes(kind) + 4;
  sqlite::Statement q(db_.get(),
                      "SELECT entries, entry_count FROM digest_blocks WHERE set_id = ? AND kind = ? ORDER BY first_digest");
  q.bind(1, set_id).bind(2, static_cast<std::int64_t>(kind));
  while (q.step()) {
    const auto blob = q.blob(0);
    const std::size_t count =
        std::min(blob.size() / width, static_cast<std::size_t>(std::max<std::int64_t>(0, q.int64(1))));
    if (count > 0) visit(blob.first(count * width), count);
  }
}

void HashSetStore::record_label(std::int64_t set_id, std::uint64_t ordinal, std::string& media_id,
                                std::string& category) const {
  media_id.clear();
  category.clear();
  if (!record_at_) record_at_ = prepare_record_at(db_.get());
  for_each_record_at(*record_at_, set_id, {ordinal}, [&](std::uint64_t, const RecordView& r) {
    media_id = r.media_id;
    category = r.category;
  });
}

std::vector<std::pair<HashSetRecord, HashSetRecordDetail>> HashSetStore::lookup_detailed(std::string_view hex) const {
  std::vector<std::pair<HashSetRecord, HashSetRecordDetail>> out;
  const auto digest_kind = kind_of_hex(hex.size());
  const auto bytes = parse_hex(hex);
  if (!digest_kind || !bytes) return out;
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
      find_ordinals(db_.get(), set.id, kind, *bytes, found);
      std::vector<std::uint64_t> ordinals(found.begin(), found.end());
      std::sort(ordinals.begin(), ordinals.end());
      ordinals.erase(std::unique(ordinals.begin(), ordinals.end()), ordinals.end());
      const auto at = prepare_record_at(db_.get());
      for_each_record_at(*at, set.id, ordinals, [&](std::uint64_t, const RecordView& r) {
        out.emplace_back(record_from_view(set.id, r), detail_from_view(r));
      });
    }
  };
  query(*digest_kind);
  if (hex.size() == 64) query(StoredDigest::pdq);  // 64 hex digits are a SHA-256 or a PDQ hash
  return out;
}

void HashSetStore::build_digest_blocks(std::int64_t set_id, const std::array<std::uint64_t, 4>& seen,
                                       const std::array<std::vector<std::uint32_t>, 4>& histograms, StopToken stop) {
  std::uint64_t counts[4] = {};
  for (const auto kind : {StoredDigest::md5, StoredDigest::sha1, StoredDigest::sha256, StoredDigest::pdq}) {
    const auto k = static_cast<std::size_t>(kind);
    if (seen[k] == 0) continue;
    counts[k] = write_digest_blocks(db_.get(), set_id, kind, seen[k], histograms[k], stop);
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
      if (stored || twin) p.sha256 = input_sha256(p.source);
    }
  }
  std::vector<ImportReport> reports;
  sqlite::exec(db_.get(), "BEGIN IMMEDIATE");
  try {
    hashset::add_set_sizes_table(db_.get());  // a store made by an earlier triage
    // --replace: drop the sets stored under these names before this command, except those that
    // are the very files being imported now (which stay, as "already imported").
    std::map<std::string, std::uint64_t> replaced;
    if (options.replace) {
      sqlite::Statement old(db_.get(), "SELECT id, source_sha256 FROM sets WHERE name = ?");
      sqlite::Statement drop_records(db_.get(), "DELETE FROM record_blocks WHERE set_id = ?");
      sqlite::Statement drop_set(db_.get(), "DELETE FROM sets WHERE id = ?");
      sqlite::Statement drop_blocks(db_.get(), "DELETE FROM digest_blocks WHERE set_id = ?");
      sqlite::Statement drop_sizes(db_.get(), "DELETE FROM set_sizes WHERE set_id = ?");
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
          drop_sizes.bind(1, id).run();
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
    // The last moment a stop request can still leave the store as it was: once COMMIT starts,
    // the import completes (the command then says the stop came too late).
    options.stop.throw_if_requested();
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
    sha_later = std::async(std::launch::async, [&source, &cancel_sha] { return input_sha256(source, &cancel_sha); });
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
  std::string sizes;
  sizes.reserve(sink.exact_sizes().size() * 8);
  for (const std::uint64_t v : sink.exact_sizes())
    for (int b = 0; b < 8; ++b) sizes.push_back(static_cast<char>((v >> (8 * b)) & 0xFF));
  sqlite::Statement put_sizes(db_.get(), "INSERT INTO set_sizes(set_id, unsized, sizes) VALUES (?, ?, ?)");
  put_sizes.bind(1, set_id).bind(2, static_cast<std::int64_t>(sink.unsized_exact())).bind_blob(3, sizes).run();
  if (sha_later.valid()) {
    // The source's SHA-256 may still be running (a large export on a slow disk): a stop request
    // is seen while it is awaited (the CI soak once saw one ignored here for 0.3 s).
    while (sha_later.wait_for(std::chrono::milliseconds(20)) != std::future_status::ready)
      options.stop.throw_if_requested();
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
