#include "app/scan_sinks.h"

#include <fmt/format.h>

#include <algorithm>

#include "formats/report/item_json.h"
#include "formats/report/items_csv.h"

namespace triage {

void StoreSink::on_item(const ItemRecord& item) { store_.add_item(item); }
void StoreSink::on_problem(const WalkProblem& problem) { store_.add_problem(problem); }
void StoreSink::flush() { store_.commit(); }

StreamSink::StreamSink(std::ostream& out, StreamFormat format) : out_(out), format_(format) {
  if (format_ == StreamFormat::csv) out_ << items_csv_header();
}

void StreamSink::on_item(const ItemRecord& item) {
  if (format_ == StreamFormat::jsonl) append_item_json_line(buffer_, item);
  if (format_ == StreamFormat::csv) append_item_csv_row(buffer_, item);
  if (buffer_.size() > (1u << 16)) flush();
}

void StreamSink::on_problem(const WalkProblem& problem) {
  if (format_ == StreamFormat::jsonl) append_problem_json_line(buffer_, problem);
}

void StreamSink::flush() {
  out_ << buffer_;
  out_.flush();
  buffer_.clear();
}

CountingSink::CountingSink(ScanOutcome& outcome, std::ostream& diagnostics, const WalkTotals* totals,
                           std::mutex* diagnostics_mutex)
    : outcome_(outcome), diag_(diagnostics), totals_(totals), diag_mutex_(diagnostics_mutex), start_(Clock::now()) {}

void CountingSink::on_item(const ItemRecord& item) {
  ScanCounts& c = outcome_.counts;
  ++c.items;
  c.bytes += item.size;
  if (item.media_type == MediaType::image) ++c.images;
  else if (item.media_type == MediaType::video) ++c.videos;
  else ++c.others;
  if (!item.digests.empty()) ++c.digested;
  if (!item.exif.empty() && (item.exif.make || item.exif.model || item.exif.datetime_original)) ++c.with_exif;
  if (item.exif.gps_lat && item.exif.gps_lon) ++c.with_gps;
  if (item.extension_mismatch) ++c.extension_mismatches;
  if (!item.matches.empty()) ++c.matched;
  if (!item.matches.empty() &&
      std::all_of(item.matches.begin(), item.matches.end(), [](const ItemMatch& m) { return m.probable(); }))
    ++c.probable;
  if (item.category && item.media_type != MediaType::other) {
    const std::string label = item.category->label + (item.category->probable ? " (probable, PDQ)" : "");
    auto& counts = c.categories[{item.category->severity, label}];
    (item.media_type == MediaType::video ? counts.second : counts.first) += 1;
  }
  if (!item.problems.empty()) {
    ++c.item_errors;
    remember(item.path, item.problems.front().stage + ": " + item.problems.front().message);
  }
  tick();
}

void CountingSink::on_problem(const WalkProblem& problem) {
  if (problem.kind == "volume_key_rejected") outcome_.key_rejected = true;
  if (problem.is_error) {
    ++outcome_.counts.walk_errors;
    remember(problem.path, problem.kind + ": " + problem.message);
  } else {
    ++outcome_.counts.notices;
  }
}

void CountingSink::finish() {
  if (!shown_) return;
  std::unique_lock lock = diag_mutex_ != nullptr ? std::unique_lock(*diag_mutex_) : std::unique_lock<std::mutex>();
  diag_ << "\r\033[K" << std::flush;
}

void CountingSink::remember(const std::string& path, const std::string& what) {
  if (outcome_.first_errors.size() < 10) outcome_.first_errors.push_back(path + ": " + what);
}

void CountingSink::tick() {
  if (totals_ == nullptr) return;
  const auto now = Clock::now();
  if (now - last_ < std::chrono::milliseconds(250)) return;
  last_ = now;
  const double secs = std::chrono::duration<double>(now - start_).count();
  const auto& c = outcome_.counts;
  const double mb = static_cast<double>(c.bytes) / 1e6;
  std::string eta = "ETA counting...";
  if (totals_->done.load() && c.bytes > 0 && secs > 0) {
    const double total = static_cast<double>(totals_->bytes.load());
    const double left = std::max(0.0, total - static_cast<double>(c.bytes));
    eta = fmt::format("of {:.1f} MB, ETA {:.0f} s", total / 1e6, left / (static_cast<double>(c.bytes) / secs));
  }
  std::unique_lock lock = diag_mutex_ != nullptr ? std::unique_lock(*diag_mutex_) : std::unique_lock<std::mutex>();
  diag_ << fmt::format("\r\033[K{} items ({} images, {} videos)  {:.1f} MB {}  {:.1f} MB/s", c.items, c.images,
                       c.videos, mb, eta, secs > 0 ? mb / secs : 0.0)
        << std::flush;
  shown_ = true;
}

void FanOutSink::on_item(const ItemRecord& item) {
  for (auto* s : sinks_) s->on_item(item);
}
void FanOutSink::on_problem(const WalkProblem& problem) {
  for (auto* s : sinks_) s->on_problem(problem);
}
void FanOutSink::flush() {
  for (auto* s : sinks_) s->flush();
}

}  // namespace triage
