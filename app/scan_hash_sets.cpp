#include "app/scan_hash_sets.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <mutex>
#include <span>
#include <tuple>

#include "core/digest/digests.h"
#include "core/text/time_format.h"
#include "formats/hashset/hashset_reader.h"
#include "formats/hashset/hashset_store.h"
#include "formats/hashset/vpdq_reader.h"
#include "app/case_outputs.h"

namespace triage {
namespace {

// One read-only store shared by the sets it holds; its connection serves one match at a time.
struct SharedStore {
  std::unique_ptr<HashSetStore> store;
  std::mutex mutex;
};

// A stored set's records for the matcher: media id and category read on a match only.
class StoredSetRecords : public MatchRecordSource {
 public:
  StoredSetRecords(std::shared_ptr<SharedStore> store, std::int64_t set_id) : store_(std::move(store)), set_id_(set_id) {}
  void describe(std::uint32_t ordinal, std::string& media_id, std::string& category) const override {
    std::lock_guard lock(store_->mutex);
    store_->store->record_label(set_id_, ordinal, media_id, category);
  }

 private:
  std::shared_ptr<SharedStore> store_;
  std::int64_t set_id_;
};

// Adds a set's record sizes to `into`; either unknown makes the whole unknown.
void merge_sizes(const std::optional<std::vector<std::uint64_t>>& sizes, std::optional<std::vector<std::uint64_t>>& into) {
  if (!into) return;
  if (!sizes) {
    into.reset();
    return;
  }
  std::vector<std::uint64_t> merged;
  merged.reserve(into->size() + sizes->size());
  std::set_union(into->begin(), into->end(), sizes->begin(), sizes->end(), std::back_inserter(merged));
  *into = std::move(merged);
}

// Loads every set of the store at `file` into the matchers: its sorted MD5, SHA-1 and SHA-256
// blocks as they are stored into the exact matcher, its PDQ hashes into the perceptual one.
void add_store(const std::filesystem::path& file, ScanHashSets& out) {
  auto shared = std::make_shared<SharedStore>();
  shared->store = HashSetStore::open_read_only(file);
  std::map<std::int64_t, std::uint32_t> pdq_set;  // store set id -> PdqMatcher set
  for (const auto& info : shared->store->sets()) {
    pdq_set[info.id] = out.pdq.add_set({info.name, info.role});
    out.used.push_back({info.name, info.role, info.format, info.version, info.source_file, info.source_sha256,
                        info.record_count, info.imported_utc});
    if (info.role == HashSetRole::alert && info.md5_count + info.sha1_count + info.sha256_count > 0)
      merge_sizes(shared->store->exact_record_sizes(info.id), out.alert_sizes);
    auto records = std::make_shared<StoredSetRecords>(shared, info.id);
    out.record_sources.push_back(records);
    const auto set = out.matcher.add_stored_set({info.name, info.role}, info.record_count, *records);
    for (const auto& entry : {std::tuple{DigestKind::md5, StoredDigest::md5, info.md5_count},
                              std::tuple{DigestKind::sha1, StoredDigest::sha1, info.sha1_count},
                              std::tuple{DigestKind::sha256, StoredDigest::sha256, info.sha256_count}}) {
      // Not a structured binding: clang 14 (the fuzz preset) cannot capture one in the lambda.
      const DigestKind kind = std::get<0>(entry);
      const StoredDigest stored = std::get<1>(entry);
      const auto count = std::get<2>(entry);
      if (count == 0) continue;
      out.matcher.reserve(kind, count);
      shared->store->for_each_digest_block(info.id, stored, [&](std::span<const std::uint8_t> entries, std::size_t) {
        if (!out.matcher.add_stored_digests(set, kind, entries))
          throw sqlite::Error(fmt::format("{}: set '{}': a damaged {} digest block", file.string(), info.name,
                                          to_string(kind)));
      });
    }
  }
  shared->store->for_each_pdq_record([&](const HashSetRecord& r) {
    const auto it = pdq_set.find(r.set_id);
    if (it != pdq_set.end()) out.pdq.add_record(it->second, r.pdq, r.media_id, r.category);
  });
}

// Opens (or creates) the case's cache of imported raw exports; a cache left by a triage with an
// older store schema is only a cache: it is made again.
std::unique_ptr<HashSetStore> open_cache(const std::filesystem::path& cache_db) {
  try {
    return HashSetStore::open_or_create(cache_db);
  } catch (const sqlite::SchemaVersionError&) {  // a store of another version: only a cache
  }
  std::filesystem::remove(cache_db);
  return HashSetStore::open_or_create(cache_db);
}

std::string file_sha256(const std::filesystem::path& file) {
  try {
    return sha256_of_file(file);
  } catch (const std::runtime_error& e) {
    throw ImportError(e.what());  // reported as the other problems of a hash set are
  }
}

// A vPDQ file's known videos into the video matcher: one set named by the file's stem, its
// provenance (SHA-256 of the file; record_count = known videos) for the case record. Known
// frames below the reference's quality threshold (50) are dropped here.
void add_vpdq_file(const std::filesystem::path& file, HashSetRole role, ScanHashSets& out) {
  const auto videos = hashset::read_vpdq_file(file);
  const std::string name = file.stem().string();
  const std::uint32_t set = out.videos.add_set({name, role});
  for (const auto& v : videos)
    (void)out.videos.add_video(set, v.media_id, v.category, v.frames, VideoMatchOptions{}.min_quality);
  out.used.push_back({name, role, "vpdq", "", file.string(), file_sha256(file), videos.size(), now_utc()});
}

}  // namespace

HashSetFileKind hash_set_file_kind(const std::filesystem::path& file, bool known) {
  if (HashSetStore::is_hashset_store(file)) return HashSetFileKind::store;
  if (hashset::is_vpdq_file(file)) return HashSetFileKind::vpdq;
  if (known) return HashSetFileKind::known_export;
  return hashset::detect_format(file).rfind("nsrl", 0) == 0 ? HashSetFileKind::known_export : HashSetFileKind::alert_export;
}

std::unique_ptr<ScanHashSets> load_scan_hash_sets(const std::vector<std::string>& files,
                                                  const std::vector<std::string>& known_files,
                                                  const std::filesystem::path& cache_db, StopToken stop) {
  auto out = std::make_unique<ScanHashSets>();
  std::vector<std::filesystem::path> raw_alert, raw_known;
  for (const bool known : {false, true})
    for (const auto& f : known ? known_files : files) {
      switch (hash_set_file_kind(f, known)) {
        case HashSetFileKind::store: add_store(f, *out); break;
        case HashSetFileKind::vpdq: add_vpdq_file(f, known ? HashSetRole::known : HashSetRole::alert, *out); break;
        case HashSetFileKind::alert_export: raw_alert.push_back(f); break;
        case HashSetFileKind::known_export: raw_known.push_back(f); break;
      }
    }
  if (!raw_alert.empty() || !raw_known.empty()) {
    {
      auto cache = open_cache(cache_db);
      ImportOptions options;
      options.stop = stop;
      options.role = HashSetRole::alert;
      if (!raw_alert.empty()) (void)cache->import_files(raw_alert, options);
      options.role = HashSetRole::known;
      if (!raw_known.empty()) (void)cache->import_files(raw_known, options);
    }
    add_store(cache_db, *out);
  }
  stop.throw_if_requested();
  out->matcher.build();
  out->pdq.build();
  out->videos.build();
  return out;
}

}  // namespace triage
