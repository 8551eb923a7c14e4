#include "formats/casedb/item_columns.h"

#include <array>
#include <cstdint>
#include <functional>
#include <optional>

#include "core/provenance/provenance.h"

namespace triage {
namespace {

using S = sqlite::Statement;

std::optional<std::string> non_empty(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

template <typename T>
std::optional<T> of_category(const ItemRecord& item, T ItemCategory::*field) {
  if (!item.category) return std::nullopt;
  return (*item.category).*field;
}

MediaType media_type_from(const std::string& s) {
  if (s == "image") return MediaType::image;
  if (s == "video") return MediaType::video;
  return MediaType::other;
}

std::optional<std::uint32_t> optional_u32(const S& q, int c) {
  if (auto v = q.optional_int64(c)) return static_cast<std::uint32_t>(*v);
  return std::nullopt;
}

// Provenance columns: NULL throughout for items without one (prov_origin says which).
template <typename T>
std::optional<T> of_provenance(const ItemRecord& item, T Provenance::*field) {
  if (!item.provenance) return std::nullopt;
  return (*item.provenance).*field;
}

std::optional<std::int64_t> flag(const std::optional<bool>& value) {
  if (!value) return std::nullopt;
  return *value ? 1 : 0;
}

std::optional<bool> flag_of(const S& q, int c) {
  if (auto v = q.optional_int64(c)) return *v != 0;
  return std::nullopt;
}

std::optional<int> optional_int(const S& q, int c) {
  if (auto v = q.optional_int64(c)) return static_cast<int>(*v);
  return std::nullopt;
}

// Schema version 3 (case_schema.cpp), in its column order.
constexpr std::array kColumns = {
    ItemColumn{"id", [](S& s, int i, const ItemRecord& r) { s.bind(i, static_cast<std::int64_t>(r.seq)); },
               [](const S& q, int c, ItemRecord& r) { r.seq = static_cast<std::uint64_t>(q.int64(c)); }},
    ItemColumn{"source_index",
               [](S& s, int i, const ItemRecord& r) { s.bind(i, static_cast<std::int64_t>(r.source_index)); },
               [](const S& q, int c, ItemRecord& r) { r.source_index = static_cast<std::uint32_t>(q.int64(c)); }},
    ItemColumn{"path", [](S& s, int i, const ItemRecord& r) { s.bind_blob(i, r.path); },
               [](const S& q, int c, ItemRecord& r) { r.path = q.text(c); }},
    ItemColumn{"size", [](S& s, int i, const ItemRecord& r) { s.bind(i, static_cast<std::int64_t>(r.size)); },
               [](const S& q, int c, ItemRecord& r) { r.size = static_cast<std::uint64_t>(q.int64(c)); }},
    ItemColumn{"inode", [](S& s, int i, const ItemRecord& r) { s.bind_optional(i, r.fs.inode); },
               [](const S& q, int c, ItemRecord& r) {
                 if (auto v = q.optional_int64(c)) r.fs.inode = static_cast<std::uint64_t>(*v);
               }},
    ItemColumn{"mtime_ns", [](S& s, int i, const ItemRecord& r) { s.bind_optional(i, r.fs.mtime); },
               [](const S& q, int c, ItemRecord& r) { r.fs.mtime = q.optional_int64(c); }},
    ItemColumn{"atime_ns", [](S& s, int i, const ItemRecord& r) { s.bind_optional(i, r.fs.atime); },
               [](const S& q, int c, ItemRecord& r) { r.fs.atime = q.optional_int64(c); }},
    ItemColumn{"ctime_ns", [](S& s, int i, const ItemRecord& r) { s.bind_optional(i, r.fs.ctime); },
               [](const S& q, int c, ItemRecord& r) { r.fs.ctime = q.optional_int64(c); }},
    ItemColumn{"btime_ns", [](S& s, int i, const ItemRecord& r) { s.bind_optional(i, r.fs.btime); },
               [](const S& q, int c, ItemRecord& r) { r.fs.btime = q.optional_int64(c); }},
    ItemColumn{"deleted", [](S& s, int i, const ItemRecord& r) { s.bind(i, static_cast<std::int64_t>(r.fs.deleted)); },
               [](const S& q, int c, ItemRecord& r) { r.fs.deleted = q.int64(c) != 0; }},
    ItemColumn{"media_type", [](S& s, int i, const ItemRecord& r) { s.bind_text(i, to_string(r.media_type)); },
               [](const S& q, int c, ItemRecord& r) { r.media_type = media_type_from(q.text(c)); }},
    ItemColumn{"mime", [](S& s, int i, const ItemRecord& r) { s.bind_text(i, r.mime); },
               [](const S& q, int c, ItemRecord& r) { r.mime = q.text(c); }},
    ItemColumn{"extension_mismatch",
               [](S& s, int i, const ItemRecord& r) { s.bind(i, static_cast<std::int64_t>(r.extension_mismatch)); },
               [](const S& q, int c, ItemRecord& r) { r.extension_mismatch = q.int64(c) != 0; }},
    ItemColumn{"md5", [](S& s, int i, const ItemRecord& r) { s.bind_optional(i, non_empty(r.digests.md5)); },
               [](const S& q, int c, ItemRecord& r) { r.digests.md5 = q.optional_text(c).value_or(""); }},
    ItemColumn{"sha1", [](S& s, int i, const ItemRecord& r) { s.bind_optional(i, non_empty(r.digests.sha1)); },
               [](const S& q, int c, ItemRecord& r) { r.digests.sha1 = q.optional_text(c).value_or(""); }},
    ItemColumn{"sha256", [](S& s, int i, const ItemRecord& r) { s.bind_optional(i, non_empty(r.digests.sha256)); },
               [](const S& q, int c, ItemRecord& r) { r.digests.sha256 = q.optional_text(c).value_or(""); }},
    ItemColumn{"exif_make", [](S& s, int i, const ItemRecord& r) { s.bind_optional(i, r.exif.make); },
               [](const S& q, int c, ItemRecord& r) { r.exif.make = q.optional_text(c); }},
    ItemColumn{"exif_model", [](S& s, int i, const ItemRecord& r) { s.bind_optional(i, r.exif.model); },
               [](const S& q, int c, ItemRecord& r) { r.exif.model = q.optional_text(c); }},
    ItemColumn{"exif_serial", [](S& s, int i, const ItemRecord& r) { s.bind_optional(i, r.exif.serial); },
               [](const S& q, int c, ItemRecord& r) { r.exif.serial = q.optional_text(c); }},
    ItemColumn{"exif_lens_model", [](S& s, int i, const ItemRecord& r) { s.bind_optional(i, r.exif.lens_model); },
               [](const S& q, int c, ItemRecord& r) { r.exif.lens_model = q.optional_text(c); }},
    ItemColumn{"exif_software", [](S& s, int i, const ItemRecord& r) { s.bind_optional(i, r.exif.software); },
               [](const S& q, int c, ItemRecord& r) { r.exif.software = q.optional_text(c); }},
    ItemColumn{"exif_datetime_original",
               [](S& s, int i, const ItemRecord& r) { s.bind_optional(i, r.exif.datetime_original); },
               [](const S& q, int c, ItemRecord& r) { r.exif.datetime_original = q.optional_text(c); }},
    ItemColumn{"exif_offset_time_original",
               [](S& s, int i, const ItemRecord& r) { s.bind_optional(i, r.exif.offset_time_original); },
               [](const S& q, int c, ItemRecord& r) { r.exif.offset_time_original = q.optional_text(c); }},
    ItemColumn{"exif_datetime_digitized",
               [](S& s, int i, const ItemRecord& r) { s.bind_optional(i, r.exif.datetime_digitized); },
               [](const S& q, int c, ItemRecord& r) { r.exif.datetime_digitized = q.optional_text(c); }},
    ItemColumn{"exif_orientation", [](S& s, int i, const ItemRecord& r) { s.bind_optional(i, r.exif.orientation); },
               [](const S& q, int c, ItemRecord& r) { r.exif.orientation = optional_int(q, c); }},
    ItemColumn{"exif_gps_lat", [](S& s, int i, const ItemRecord& r) { s.bind_optional(i, r.exif.gps_lat); },
               [](const S& q, int c, ItemRecord& r) { r.exif.gps_lat = q.optional_real(c); }},
    ItemColumn{"exif_gps_lon", [](S& s, int i, const ItemRecord& r) { s.bind_optional(i, r.exif.gps_lon); },
               [](const S& q, int c, ItemRecord& r) { r.exif.gps_lon = q.optional_real(c); }},
    ItemColumn{"exif_gps_alt", [](S& s, int i, const ItemRecord& r) { s.bind_optional(i, r.exif.gps_alt); },
               [](const S& q, int c, ItemRecord& r) { r.exif.gps_alt = q.optional_real(c); }},
    ItemColumn{"exif_gps_datetime", [](S& s, int i, const ItemRecord& r) { s.bind_optional(i, r.exif.gps_datetime); },
               [](const S& q, int c, ItemRecord& r) { r.exif.gps_datetime = q.optional_text(c); }},
    ItemColumn{"width", [](S& s, int i, const ItemRecord& r) { s.bind_optional(i, r.exif.width); },
               [](const S& q, int c, ItemRecord& r) { r.exif.width = optional_u32(q, c); }},
    ItemColumn{"height", [](S& s, int i, const ItemRecord& r) { s.bind_optional(i, r.exif.height); },
               [](const S& q, int c, ItemRecord& r) { r.exif.height = optional_u32(q, c); }},
    ItemColumn{"pdq", [](S& s, int i, const ItemRecord& r) { s.bind_optional(i, non_empty(r.pdq)); },
               [](const S& q, int c, ItemRecord& r) { r.pdq = q.optional_text(c).value_or(""); }},
    ItemColumn{"pdq_quality", [](S& s, int i, const ItemRecord& r) { s.bind_optional(i, r.pdq_quality); },
               [](const S& q, int c, ItemRecord& r) { r.pdq_quality = optional_int(q, c); }},
    // The category: present when its label is; its other columns are read into it only then.
    ItemColumn{"category", [](S& s, int i, const ItemRecord& r) { s.bind_optional(i, of_category(r, &ItemCategory::label)); },
               [](const S& q, int c, ItemRecord& r) {
                 if (auto label = q.optional_text(c)) {
                   r.category = ItemCategory{};
                   r.category->label = *label;
                 }
               }},
    ItemColumn{"category_code",
               [](S& s, int i, const ItemRecord& r) {
                 s.bind_optional(i, r.category ? non_empty(r.category->code) : std::nullopt);
               },
               [](const S& q, int c, ItemRecord& r) {
                 if (r.category) r.category->code = q.optional_text(c).value_or("");
               }},
    ItemColumn{"category_severity",
               [](S& s, int i, const ItemRecord& r) { s.bind_optional(i, of_category(r, &ItemCategory::severity)); },
               [](const S& q, int c, ItemRecord& r) {
                 if (r.category) r.category->severity = static_cast<int>(q.optional_int64(c).value_or(0));
               }},
    ItemColumn{"category_reason",
               [](S& s, int i, const ItemRecord& r) { s.bind_optional(i, of_category(r, &ItemCategory::reason)); },
               [](const S& q, int c, ItemRecord& r) {
                 if (r.category) r.category->reason = q.optional_text(c).value_or("");
               }},
    ItemColumn{"category_conflict",
               [](S& s, int i, const ItemRecord& r) {
                 s.bind_optional(i, r.category ? std::optional(r.category->conflict ? 1 : 0) : std::nullopt);
               },
               [](const S& q, int c, ItemRecord& r) {
                 if (r.category) r.category->conflict = q.optional_int64(c).value_or(0) != 0;
               }},
    ItemColumn{"known_good",
               [](S& s, int i, const ItemRecord& r) {
                 s.bind(i, static_cast<std::int64_t>(r.category && r.category->known_good));
               },
               [](const S& q, int c, ItemRecord& r) {
                 if (r.category) r.category->known_good = q.int64(c) != 0;
               }},
    ItemColumn{"category_probable",
               [](S& s, int i, const ItemRecord& r) {
                 s.bind_optional(i, r.category ? std::optional(r.category->probable ? 1 : 0) : std::nullopt);
               },
               [](const S& q, int c, ItemRecord& r) {
                 if (r.category) r.category->probable = q.optional_int64(c).value_or(0) != 0;
               }},
    ItemColumn{"fs_address", [](S& s, int i, const ItemRecord& r) { s.bind_optional(i, non_empty(r.fs.address)); },
               [](const S& q, int c, ItemRecord& r) { r.fs.address = q.optional_text(c).value_or(""); }},
    ItemColumn{"orphan", [](S& s, int i, const ItemRecord& r) { s.bind(i, static_cast<std::int64_t>(r.fs.orphan)); },
               [](const S& q, int c, ItemRecord& r) { r.fs.orphan = q.int64(c) != 0; }},
    ItemColumn{"reallocated",
               [](S& s, int i, const ItemRecord& r) { s.bind(i, static_cast<std::int64_t>(r.fs.reallocated)); },
               [](const S& q, int c, ItemRecord& r) { r.fs.reallocated = q.int64(c) != 0; }},
    ItemColumn{"fn_mtime_ns", [](S& s, int i, const ItemRecord& r) { s.bind_optional(i, r.fs.fn_mtime); },
               [](const S& q, int c, ItemRecord& r) { r.fs.fn_mtime = q.optional_int64(c); }},
    ItemColumn{"fn_atime_ns", [](S& s, int i, const ItemRecord& r) { s.bind_optional(i, r.fs.fn_atime); },
               [](const S& q, int c, ItemRecord& r) { r.fs.fn_atime = q.optional_int64(c); }},
    ItemColumn{"fn_ctime_ns", [](S& s, int i, const ItemRecord& r) { s.bind_optional(i, r.fs.fn_ctime); },
               [](const S& q, int c, ItemRecord& r) { r.fs.fn_ctime = q.optional_int64(c); }},
    ItemColumn{"fn_btime_ns", [](S& s, int i, const ItemRecord& r) { s.bind_optional(i, r.fs.fn_btime); },
               [](const S& q, int c, ItemRecord& r) { r.fs.fn_btime = q.optional_int64(c); }},
    ItemColumn{"overwritten",
               [](S& s, int i, const ItemRecord& r) {
                 s.bind_optional(i, r.fs.overwritten ? std::optional<std::string>(to_string(*r.fs.overwritten))
                                                     : std::nullopt);
               },
               [](const S& q, int c, ItemRecord& r) {
                 if (auto v = q.optional_text(c)) r.fs.overwritten = overwritten_from(*v);
               }},
    ItemColumn{"device_path", [](S& s, int i, const ItemRecord& r) { s.bind_optional(i, non_empty(r.fs.device_path)); },
               [](const S& q, int c, ItemRecord& r) { r.fs.device_path = q.optional_text(c).value_or(""); }},
    // Provenance (core/provenance): first, so that the others are read into it.
    ItemColumn{"prov_origin",
               [](S& s, int i, const ItemRecord& r) {
                 s.bind_optional(i, r.provenance ? std::optional<std::string>(to_string(r.provenance->origin))
                                                 : std::nullopt);
               },
               [](const S& q, int c, ItemRecord& r) {
                 if (auto v = q.optional_text(c)) {
                   r.provenance.emplace();
                   r.provenance->origin = parse_origin(*v).value_or(Origin::unknown);
                 }
               }},
    ItemColumn{"prov_app", [](S& s, int i, const ItemRecord& r) { s.bind_optional(i, of_provenance(r, &Provenance::app)); },
               [](const S& q, int c, ItemRecord& r) {
                 if (r.provenance) r.provenance->app = q.optional_text(c).value_or("");
               }},
    ItemColumn{"prov_rule", [](S& s, int i, const ItemRecord& r) { s.bind_optional(i, of_provenance(r, &Provenance::rule)); },
               [](const S& q, int c, ItemRecord& r) {
                 if (r.provenance) r.provenance->rule = q.optional_text(c).value_or("");
               }},
    ItemColumn{"camera_id",
               [](S& s, int i, const ItemRecord& r) {
                 s.bind_optional(i, r.provenance ? r.provenance->camera_id : std::nullopt);
               },
               [](const S& q, int c, ItemRecord& r) {
                 if (r.provenance) r.provenance->camera_id = q.optional_text(c);
               }},
    ItemColumn{"own_camera",
               [](S& s, int i, const ItemRecord& r) {
                 s.bind_optional(i, r.provenance ? flag(r.provenance->own_camera) : std::nullopt);
               },
               [](const S& q, int c, ItemRecord& r) {
                 if (r.provenance) r.provenance->own_camera = flag_of(q, c);
               }},
    ItemColumn{"front_camera",
               [](S& s, int i, const ItemRecord& r) {
                 s.bind_optional(i, r.provenance ? flag(r.provenance->front_camera) : std::nullopt);
               },
               [](const S& q, int c, ItemRecord& r) {
                 if (r.provenance) r.provenance->front_camera = flag_of(q, c);
               }},
    ItemColumn{"exif_stripped",
               [](S& s, int i, const ItemRecord& r) {
                 s.bind_optional(i, r.provenance ? flag(r.provenance->stripped) : std::nullopt);
               },
               [](const S& q, int c, ItemRecord& r) {
                 if (r.provenance) r.provenance->stripped = flag_of(q, c).value_or(false);
               }},
    ItemColumn{"faces",
               [](S& s, int i, const ItemRecord& r) {
                 s.bind_optional(i, r.provenance ? r.provenance->faces : std::nullopt);
               },
               [](const S& q, int c, ItemRecord& r) {
                 if (r.provenance) r.provenance->faces = optional_int(q, c);
               }},
    ItemColumn{"largest_face",
               [](S& s, int i, const ItemRecord& r) {
                 s.bind_optional(i, r.provenance ? r.provenance->largest_face : std::nullopt);
               },
               [](const S& q, int c, ItemRecord& r) {
                 if (r.provenance) r.provenance->largest_face = q.optional_real(c);
               }},
    ItemColumn{"origin_indicator",
               [](S& s, int i, const ItemRecord& r) {
                 s.bind_optional(i, r.provenance ? std::optional<std::string>(to_string(r.provenance->indicator))
                                                 : std::nullopt);
               },
               [](const S& q, int c, ItemRecord& r) {
                 if (!r.provenance) return;
                 if (auto v = q.optional_text(c)) r.provenance->indicator = parse_origin_indicator(*v).value_or(OriginIndicator::unknown);
               }},
    ItemColumn{"prov_signals",
               [](S& s, int i, const ItemRecord& r) {
                 s.bind_optional(i, r.provenance ? std::optional<std::string>(signals_text(r.provenance->signals))
                                                 : std::nullopt);
               },
               [](const S& q, int c, ItemRecord& r) {
                 if (r.provenance) r.provenance->signals = signals_from_text(q.optional_text(c).value_or(""));
               }},
    // Clustering (core/cluster): the mirror image's PDQ hash, read after the walk; the cluster decided then.
    ItemColumn{"pdq_mirror", [](S& s, int i, const ItemRecord& r) { s.bind_optional(i, non_empty(r.pdq_mirror)); },
               [](const S& q, int c, ItemRecord& r) { r.pdq_mirror = q.optional_text(c).value_or(""); }},
    ItemColumn{"cluster", [](S& s, int i, const ItemRecord& r) { s.bind_optional(i, r.cluster); },
               [](const S& q, int c, ItemRecord& r) { r.cluster = q.optional_text(c); }},
    ItemColumn{"cluster_size",
               [](S& s, int i, const ItemRecord& r) {
                 s.bind_optional(i, r.cluster_size ? std::optional<std::int64_t>(static_cast<std::int64_t>(*r.cluster_size))
                                                   : std::nullopt);
               },
               [](const S& q, int c, ItemRecord& r) {
                 const auto size = q.optional_int64(c);
                 r.cluster_size = size ? std::optional<std::uint64_t>(static_cast<std::uint64_t>(*size)) : std::nullopt;
               }},
};

}  // namespace

std::span<const ItemColumn> item_columns() { return kColumns; }

std::string item_select_list(const std::function<bool(std::string_view)>& present) {
  std::string out;
  for (const ItemColumn& c : kColumns) {
    if (!out.empty()) out += ", ";
    out += present(c.name) ? std::string(c.name) : std::string("NULL");
  }
  return out;
}

const std::string& item_column_list() {
  static const std::string list = [] {
    std::string out;
    for (const ItemColumn& c : kColumns) {
      if (!out.empty()) out += ", ";
      out += c.name;
    }
    return out;
  }();
  return list;
}

void bind_item(sqlite::Statement& s, int first, const ItemRecord& item) {
  int index = first;
  for (const ItemColumn& c : kColumns) c.bind(s, index++, item);
}

ItemRecord read_item_row(const sqlite::Statement& q) {
  ItemRecord r;
  int column = 0;
  for (const ItemColumn& c : kColumns) c.read(q, column++, r);
  return r;
}

}  // namespace triage
