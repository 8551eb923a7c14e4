#include "formats/report/item_json.h"

#include <cmath>

#include "core/text/hex.h"
#include "core/text/time_format.h"
#include "core/text/utf8.h"
#include "core/text/json_text.h"

namespace triage {
namespace {

void path_keys(JsonObject& o, const std::string& path) {
  o.string("path", path);
  // An undecodable name is kept losslessly next to its readable form.
  if (!is_valid_utf8(path)) o.string("path_hex", to_hex(path));
}

void time_key(JsonObject& o, std::string_view key, const std::optional<UnixNanos>& t) {
  if (t) o.string(key, format_utc(*t));
}

std::string exif_json(const ExifFields& e) {
  std::string out;
  JsonObject o(out);
  o.optional("make", e.make)
      .optional("model", e.model)
      .optional("serial", e.serial)
      .optional("lens_model", e.lens_model)
      .optional("software", e.software)
      .optional("datetime_original", e.datetime_original)
      .optional("offset_time_original", e.offset_time_original)
      .optional("datetime_digitized", e.datetime_digitized)
      .optional("gps_lat", e.gps_lat)
      .optional("gps_lon", e.gps_lon)
      .optional("gps_alt", e.gps_alt)
      .optional("gps_datetime", e.gps_datetime)
      .optional("width", e.width)
      .optional("height", e.height)
      .optional("orientation", e.orientation);
  o.close();
  return out;
}

// Seconds to the millisecond, as the vPDQ reference prints frame timestamps.
double milliseconds(double seconds) { return std::round(seconds * 1000.0) / 1000.0; }

std::string video_json(const VideoFacts& v) {
  std::string out;
  JsonObject o(out);
  o.string("container", v.info.container)
      .string("codec", v.info.codec)
      .number("width", std::int64_t{v.info.width})
      .number("height", std::int64_t{v.info.height})
      .number("frame_rate", v.info.frame_rate)
      .optional("duration", v.info.duration)
      .optional("frame_count", v.info.frame_count)
      .optional("creation_time", v.info.creation_time)
      .number("rotation", std::int64_t{v.info.rotation})
      .number("frames_decoded", v.decoded_frames)
      .number("sample_fps", v.sample_fps);
  o.close();
  return out;
}

// Every key always present (null when not known), so that scripts read one shape.
std::string provenance_json(const Provenance& p) {
  std::string out;
  JsonObject o(out);
  std::string signals = "[";
  for (std::size_t i = 0; i < p.signals.size(); ++i) {
    if (i) signals += ',';
    append_json_string(signals, p.signals[i]);
  }
  signals += ']';
  auto flag = [&](std::string_view key, const std::optional<bool>& value) {
    if (value) {
      o.boolean(key, *value);
    } else {
      o.null(key);
    }
  };
  o.string("origin", to_string(p.origin)).string_or_null("app", p.app).string_or_null("rule", p.rule);
  o.string_or_null("camera_id", p.camera_id.value_or(""));
  flag("own_camera", p.own_camera);
  flag("front_camera", p.front_camera);
  o.boolean("stripped", p.stripped)
      .optional("faces", p.faces)
      .optional("largest_face", p.largest_face)
      .string("indicator", to_string(p.indicator))
      .raw("signals", signals);
  o.close();
  return out;
}

}  // namespace

void append_item_json_line(std::string& out, const ItemRecord& item) {
  {
    JsonObject o(out);
    path_keys(o, item.path);
    o.number("size", item.size);
    o.optional("inode", item.fs.inode);
    time_key(o, "mtime", item.fs.mtime);
    time_key(o, "atime", item.fs.atime);
    time_key(o, "ctime", item.fs.ctime);
    time_key(o, "btime", item.fs.btime);
    time_key(o, "fn_mtime", item.fs.fn_mtime);  // NTFS $FILE_NAME times
    time_key(o, "fn_atime", item.fs.fn_atime);
    time_key(o, "fn_ctime", item.fs.fn_ctime);
    time_key(o, "fn_btime", item.fs.fn_btime);
    o.boolean("deleted", item.fs.deleted);
    if (!item.fs.device_path.empty()) o.string("device_path", item.fs.device_path);  // in a phone extraction
    if (!item.fs.address.empty())  // disk images: the entry as fls names it, and how it was found
      o.string("fs_address", item.fs.address)
          .boolean("orphan", item.fs.orphan)
          .boolean("reallocated", item.fs.reallocated);
    if (item.fs.overwritten) o.string("overwritten", to_string(*item.fs.overwritten));
    o.string("media_type", to_string(item.media_type))
        .string("mime", item.mime)
        .boolean("extension_mismatch", item.extension_mismatch)
        .string_or_null("md5", item.digests.md5)
        .string_or_null("sha1", item.digests.sha1)
        .string_or_null("sha256", item.digests.sha256);
    if (!item.pdq.empty()) o.string("pdq", item.pdq).optional("pdq_quality", item.pdq_quality);
    o.raw("exif", exif_json(item.exif));
    if (item.video) o.raw("video", video_json(*item.video)).number("frames_hashed", item.video->hashed_frames);
    if (item.provenance) o.raw("provenance", provenance_json(*item.provenance));
    if (item.cluster) o.string("cluster", *item.cluster).optional("cluster_size", item.cluster_size);
    if (item.category) {
      const ItemCategory& c = *item.category;
      o.string("category", c.label)
          .string_or_null("category_code", c.code)
          .string("category_reason", c.reason)
          .boolean("category_conflict", c.conflict)
          .boolean("category_probable", c.probable)
          .boolean("known_good", c.known_good);
    }
    std::string matches = "[";
    for (std::size_t i = 0; i < item.matches.size(); ++i) {
      if (i) matches += ',';
      const ItemMatch& m = item.matches[i];
      JsonObject mo(matches);
      mo.string("set", m.set)
          .string("role", to_string(m.role))
          .string("hash_type", to_string(m.hash_type))
          .string("media_id", m.media_id)
          .string("category", m.category)
          .boolean("probable", m.probable());
      if (m.hash_type == HashType::pdq) mo.optional("distance", m.distance).string("variant", m.variant).optional("quality", m.quality);
      mo.optional("frame", m.frame);  // a still seen in a video: the closest frame
      if (m.timestamp) mo.number("timestamp", milliseconds(*m.timestamp));
      mo.optional("seized_percent", m.seized_percent).optional("known_percent", m.known_percent);  // vPDQ
    }
    matches += ']';
    o.raw("matches", matches);
    if (!item.problems.empty()) {
      std::string list = "[";
      for (std::size_t i = 0; i < item.problems.size(); ++i) {
        if (i) list += ',';
        JsonObject p(list);
        p.string("stage", item.problems[i].stage).string("message", item.problems[i].message);
      }
      list += ']';
      o.raw("errors", list);
    }
  }
  out += '\n';
}

void append_frame_json_lines(std::string& out, const ItemRecord& item) {
  for (const VideoFrameHash& f : item.frames) {
    {
      JsonObject o(out);
      path_keys(o, item.path);
      o.number("frame", f.frame)
          .number("timestamp", milliseconds(f.timestamp))
          .string("pdq", f.pdq.hash.to_hex())
          .number("pdq_quality", std::int64_t{f.pdq.quality});
    }
    out += '\n';
  }
}

void append_problem_json_line(std::string& out, const WalkProblem& problem) {
  {
    JsonObject o(out);
    path_keys(o, problem.path);
    o.string("error", problem.kind).string("message", problem.message).boolean("is_error", problem.is_error);
  }
  out += '\n';
}

}  // namespace triage
