#include "formats/report/items_csv.h"

#include <fmt/format.h>

#include "core/text/hex.h"
#include "core/text/time_format.h"
#include "core/text/utf8.h"
#include "formats/report/csv_text.h"
#include "core/text/json_text.h"

namespace triage {
namespace {

constexpr const char* kColumns[] = {
    "path", "path_hex", "size", "inode", "mtime", "atime", "ctime", "btime", "deleted", "media_type", "mime",
    "extension_mismatch", "md5", "sha1", "sha256", "exif_make", "exif_model", "exif_serial", "exif_lens_model",
    "exif_software", "exif_datetime_original", "exif_offset_time_original", "exif_datetime_digitized",
    "exif_gps_lat", "exif_gps_lon", "exif_gps_alt", "exif_gps_datetime", "exif_width", "exif_height",
    "exif_orientation", "pdq", "pdq_quality", "category", "category_code", "category_reason", "known_good",
    "matches", "errors", "category_probable", "fs_address", "orphan", "reallocated",
    "fn_mtime", "fn_atime", "fn_ctime", "fn_btime", "overwritten", "device_path",
    "provenance_origin", "provenance_app", "provenance_rule", "provenance_camera_id", "provenance_own_camera",
    "provenance_front_camera", "provenance_stripped", "provenance_faces", "provenance_largest_face",
    "provenance_indicator", "provenance_signals", "cluster", "cluster_size"};

class Row {
 public:
  explicit Row(std::string& out) : out_(out) {}
  void text(std::string_view v) {
    sep();
    append_csv_text(out_, v);
  }
  void plain(std::string_view v) {
    sep();
    append_csv_plain(out_, v);
  }
  void text(const std::optional<std::string>& v) { text(v ? std::string_view(*v) : std::string_view()); }
  void text(const std::string& v) { text(std::string_view(v)); }
  template <typename T>
  void number(const std::optional<T>& v) {
    if constexpr (std::is_floating_point_v<T>) plain(v ? json_number(*v) : "");
    else plain(v ? fmt::format("{}", *v) : "");
  }
  void time(const std::optional<UnixNanos>& t) { plain(t ? format_utc(*t) : ""); }
  void end() { out_ += "\r\n"; }  // RFC 4180 line break

 private:
  void sep() {
    if (!first_) out_ += ',';
    first_ = false;
  }
  std::string& out_;
  bool first_ = true;
};

// The provenance flattened: empty cells for an item without one (not a still image or video),
// true/false/empty for the flags, the signals joined by "; ".
void provenance_cells(Row& row, const std::optional<Provenance>& p) {
  auto flag = [&](const std::optional<bool>& v) { row.plain(v ? (*v ? "true" : "false") : ""); };
  if (!p) {
    for (int i = 0; i < 11; ++i) row.plain("");
    return;
  }
  row.plain(to_string(p->origin));
  row.text(p->app);
  row.text(p->rule);
  row.text(p->camera_id);
  flag(p->own_camera);
  flag(p->front_camera);
  flag(p->stripped);
  row.number(p->faces);
  row.number(p->largest_face);
  row.plain(to_string(p->indicator));
  std::string signals;
  for (const auto& s : p->signals) {
    if (!signals.empty()) signals += "; ";
    signals += s;
  }
  row.text(signals);
}

}  // namespace

std::string items_csv_header() {
  std::string out;
  Row row(out);
  for (const char* c : kColumns) row.plain(c);
  row.end();
  return out;
}

void append_item_csv_row(std::string& out, const ItemRecord& item) {
  Row row(out);
  const ExifFields& e = item.exif;
  row.text(item.path);
  row.plain(is_valid_utf8(item.path) ? "" : to_hex(item.path));
  row.plain(fmt::format("{}", item.size));
  row.number(item.fs.inode);
  row.time(item.fs.mtime);
  row.time(item.fs.atime);
  row.time(item.fs.ctime);
  row.time(item.fs.btime);
  row.plain(item.fs.deleted ? "true" : "false");
  row.plain(to_string(item.media_type));
  row.text(item.mime);
  row.plain(item.extension_mismatch ? "true" : "false");
  row.plain(item.digests.md5);
  row.plain(item.digests.sha1);
  row.plain(item.digests.sha256);
  row.text(e.make);
  row.text(e.model);
  row.text(e.serial);
  row.text(e.lens_model);
  row.text(e.software);
  row.text(e.datetime_original);
  row.text(e.offset_time_original);
  row.text(e.datetime_digitized);
  row.number(e.gps_lat);
  row.number(e.gps_lon);
  row.number(e.gps_alt);
  row.text(e.gps_datetime);
  row.number(e.width);
  row.number(e.height);
  row.number(e.orientation);
  row.plain(item.pdq);
  row.number(item.pdq_quality);
  row.text(item.category ? item.category->label : std::string());
  row.text(item.category ? item.category->code : std::string());
  row.text(item.category ? item.category->reason : std::string());
  row.plain(item.category && item.category->known_good ? "true" : "false");
  // set:role:hash_type:media_id:category, plus :distance:variant for a PDQ (probable) match
  // (and @TIMESTAMP when the still was seen in a video frame), :SEIZED%:KNOWN% for a vPDQ one;
  // separated by "; ".
  std::string matches;
  for (const auto& m : item.matches) {
    if (!matches.empty()) matches += "; ";
    matches += m.set + ":" + to_string(m.role) + ":" + to_string(m.hash_type) + ":" + m.media_id + ":" + m.category;
    if (m.hash_type == HashType::pdq) matches += fmt::format(":{}:{}", m.distance.value_or(-1), m.variant);
    if (m.timestamp) matches += fmt::format("@{:.3f}", *m.timestamp);
    if (m.hash_type == HashType::vpdq)
      matches += fmt::format(":{:.2f}%:{:.2f}%", m.seized_percent.value_or(0), m.known_percent.value_or(0));
  }
  row.text(matches);
  std::string errors;
  for (const auto& p : item.problems) {
    if (!errors.empty()) errors += "; ";
    errors += p.stage + ": " + p.message;
  }
  row.text(errors);
  // Columns added later go last, so that scripts reading columns by position keep working.
  row.plain(item.category ? (item.category->probable ? "true" : "false") : "");
  row.plain(item.fs.address);
  row.plain(item.fs.orphan ? "true" : "false");
  row.plain(item.fs.reallocated ? "true" : "false");
  row.time(item.fs.fn_mtime);
  row.time(item.fs.fn_atime);
  row.time(item.fs.fn_ctime);
  row.time(item.fs.fn_btime);
  row.plain(item.fs.overwritten ? to_string(*item.fs.overwritten) : "");
  row.text(item.fs.device_path);
  provenance_cells(row, item.provenance);
  row.plain(item.cluster.value_or(""));
  row.number(item.cluster_size);
  row.end();
}

}  // namespace triage
