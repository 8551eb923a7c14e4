#include "formats/scan/scan_hash_sets.h"

#include <map>

#include "formats/hashset/hashset_reader.h"
#include "formats/hashset/hashset_store.h"

namespace triage {
namespace {

// Adds every record of `store` to the matcher; returns the sets it held.
void add_store(const HashSetStore& store, ScanHashSets& out) {
  std::map<std::int64_t, std::uint32_t> matcher_set, pdq_set;
  for (const auto& info : store.sets()) {
    matcher_set[info.id] = out.matcher.add_set({info.name, info.role});
    pdq_set[info.id] = out.pdq.add_set({info.name, info.role});
    out.used.push_back({info.name, info.role, info.format, info.version, info.source_file, info.source_sha256,
                        info.record_count, info.imported_utc});
  }
  store.for_each_record([&](const HashSetRecord& r) {
    const auto it = matcher_set.find(r.set_id);
    if (it == matcher_set.end()) return;
    if (!r.pdq.empty()) out.pdq.add_record(pdq_set.at(r.set_id), r.pdq, r.media_id, r.category);
    if (r.md5.empty() && r.sha1.empty() && r.sha256.empty()) return;
    out.matcher.add_record(it->second, r.md5, r.sha1, r.sha256, r.media_id, r.category);
  });
}

bool is_nsrl(const std::string& format) { return format.rfind("nsrl", 0) == 0; }

}  // namespace

std::unique_ptr<ScanHashSets> load_scan_hash_sets(const std::vector<std::string>& files,
                                                  const std::vector<std::string>& known_files,
                                                  const std::filesystem::path& cache_db) {
  auto out = std::make_unique<ScanHashSets>();
  std::vector<std::filesystem::path> raw_alert, raw_known;
  for (const auto& f : files) {
    if (HashSetStore::is_hashset_store(f)) {
      add_store(*HashSetStore::open_read_only(f), *out);
    } else {
      (is_nsrl(hashset::detect_format(f)) ? raw_known : raw_alert).push_back(f);
    }
  }
  for (const auto& f : known_files) {
    if (HashSetStore::is_hashset_store(f)) {
      add_store(*HashSetStore::open_read_only(f), *out);
    } else {
      raw_known.push_back(f);
    }
  }
  if (!raw_alert.empty() || !raw_known.empty()) {
    {
      auto cache = HashSetStore::open_or_create(cache_db);
      ImportOptions options;
      options.role = HashSetRole::alert;
      if (!raw_alert.empty()) (void)cache->import_files(raw_alert, options);
      options.role = HashSetRole::known;
      if (!raw_known.empty()) (void)cache->import_files(raw_known, options);
    }
    add_store(*HashSetStore::open_read_only(cache_db), *out);
  }
  out->matcher.build();
  out->pdq.build();
  return out;
}

}  // namespace triage
