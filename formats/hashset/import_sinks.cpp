#include "formats/hashset/import_sinks.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace triage::hashset {
namespace {

constexpr std::size_t kRecordsPerBlock = 64;  // small enough that reading one record (a scan's hit) is cheap
constexpr std::size_t kQueuedBytes = 1u << 20;  // blocks waiting for the writer (a few hundred KB of records)

}  // namespace

void RejectionTally::reject(SourcePosition where, std::string_view reason) {
  const std::string text = fmt::format("{}: {}", describe(where), reason);
  if (strict_) throw ImportError(fmt::format("{}: {} ({})", source_.string(), text, strict_note_));
  ++rejected_;
  if (examples_.size() < kRejectionExamples) examples_.push_back(text);
}

StoreSink::StoreSink(sqlite3* db, std::int64_t set_id, const std::filesystem::path& source, bool strict, StopToken stop)
    : stop_(stop),
      insert_(db, "INSERT INTO record_blocks(set_id, first_ordinal, record_count, records) VALUES (?, ?, ?, ?)"),
      set_id_(set_id),
      tally_(strict, source, "--strict: nothing was imported"),
      queue_(kQueuedBytes) {
  for (auto& h : histogram_) h.assign(std::size_t{1} << 16, 0);
  block_.reserve(kRecordsPerBlock * 256);
  writer_ = std::thread([this] { write_loop(); });
}

StoreSink::~StoreSink() {
  if (!writer_.joinable()) return;
  queue_.abandon();  // the import failed: what is queued is dropped
  writer_.join();
}

void StoreSink::add(ImportRecord& r, SourcePosition where) {
  if ((++seen_ & 0xFFF) == 0) stop_.throw_if_requested();
  const HashSetRecord& rec = r.record;
  if (auto reason = check_record_digests(rec, digests_)) {
    reject(where, *reason);
    return;
  }
  RecordView view;
  for (std::size_t k = 0; k < 4; ++k) {
    if (!digests_.present[k]) continue;
    view.digest[k] = digests_.bytes[k].data();
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
  if (digests_.present[0] || digests_.present[1] || digests_.present[2]) {
    if (!r.detail.size) {
      ++unsized_;
    } else {
      sizes_.push_back(*r.detail.size);
      if (sizes_.size() >= 2 * sizes_sorted_ + 65536) distinct_sizes();
    }
  }
  view.flags = encode_flags(r.detail);
  append_record(block_, view);
  ++accepted_;
  if (++block_records_ == kRecordsPerBlock) push_block();
}

void StoreSink::push_block() {
  Block block{accepted_ - block_records_, block_records_, std::move(block_)};
  block_ = {};
  block_.reserve(block.bytes.size() + block.bytes.size() / 8);
  block_records_ = 0;
  const std::size_t bytes = block.bytes.size();
  if (!queue_.push(std::move(block), bytes)) {  // the writer failed and abandoned the queue
    writer_.join();
    std::rethrow_exception(writer_error_);
  }
}

void StoreSink::distinct_sizes() {
  std::sort(sizes_.begin(), sizes_.end());
  sizes_.erase(std::unique(sizes_.begin(), sizes_.end()), sizes_.end());
  sizes_sorted_ = sizes_.size();
}

void StoreSink::finish() {
  distinct_sizes();
  if (block_records_ > 0) push_block();
  queue_.close();
  writer_.join();
  if (writer_error_) std::rethrow_exception(writer_error_);
}

void StoreSink::write_loop() {
  try {
    while (auto entry = queue_.pop()) {
      const Block& block = entry->first;
      insert_.bind(1, set_id_)
          .bind(2, static_cast<std::int64_t>(block.first_ordinal))
          .bind(3, static_cast<std::int64_t>(block.records))
          .bind_blob(4, block.bytes)
          .run();
      queue_.release(entry->second);
    }
  } catch (...) {
    writer_error_ = std::current_exception();
    queue_.abandon();
  }
}

void CheckSink::add(ImportRecord& r, SourcePosition where) {
  if (auto reason = check_record_digests(r.record, digests_)) {
    reject(where, *reason);
    return;
  }
  ++accepted_;
  ++categories_[r.record.category];
}

void read_with(const std::string& format, const std::filesystem::path& file, ImportSink& sink) {
  static const std::map<std::string, void (*)(const std::filesystem::path&, ImportSink&)> readers = {
      {"vics", read_vics_json},        {"nsrl-rds3", read_nsrl_rds3},   {"nsrl-rds2", read_nsrl_rds2},
      {"icse", read_icse_csv},         {"md5sum", read_md5sum},         {"hashdeep", read_hashdeep},
      {"hashkeeper", read_hashkeeper}, {"encase", read_encase_hash},    {"kdb", read_kdb},
      {"pdq", read_pdq_list},          {"list", read_plain_list}};
  const auto it = readers.find(format);
  if (it == readers.end()) throw ImportError("unknown hash-set format '" + format + "'");
  it->second(file, sink);
}

}  // namespace triage::hashset
