#include "core/item.h"

namespace triage {

const char* to_string(MediaType type) {
  switch (type) {
    case MediaType::image: return "image";
    case MediaType::video: return "video";
    case MediaType::other: return "other";
  }
  return "other";
}

const char* to_string(Overwritten state) {
  switch (state) {
    case Overwritten::none: return "none";
    case Overwritten::partial: return "partial";
    case Overwritten::full: return "full";
  }
  return "none";
}

const char* to_string(HashSetRole role) {
  switch (role) {
    case HashSetRole::alert: return "alert";
    case HashSetRole::known: return "known";
    case HashSetRole::ignore: return "ignore";
  }
  return "alert";
}

std::optional<HashSetRole> parse_hash_set_role(std::string_view text) {
  for (const HashSetRole role : {HashSetRole::alert, HashSetRole::known, HashSetRole::ignore})
    if (text == to_string(role)) return role;
  return std::nullopt;
}

const char* to_string(HashType type) {
  switch (type) {
    case HashType::md5: return "md5";
    case HashType::sha1: return "sha1";
    case HashType::sha256: return "sha256";
    case HashType::pdq: return "pdq";
    case HashType::vpdq: return "vpdq";
  }
  return "md5";
}

std::optional<HashType> parse_hash_type(std::string_view text) {
  for (const HashType type : {HashType::md5, HashType::sha1, HashType::sha256, HashType::pdq, HashType::vpdq})
    if (text == to_string(type)) return type;
  return std::nullopt;
}

std::optional<Overwritten> overwritten_from(std::string_view text) {
  for (const Overwritten state : {Overwritten::none, Overwritten::partial, Overwritten::full})
    if (text == to_string(state)) return state;
  return std::nullopt;
}

bool fn_times_differ(const FsFacts& fs) {
  const auto differs = [](const std::optional<UnixNanos>& fn, const std::optional<UnixNanos>& si) {
    return fn.has_value() && fn != si;
  };
  return differs(fs.fn_mtime, fs.mtime) || differs(fs.fn_atime, fs.atime) || differs(fs.fn_ctime, fs.ctime) ||
         differs(fs.fn_btime, fs.btime);
}

bool si_time_precedes_fn(const FsFacts& fs) {
  const auto earlier = [](const std::optional<UnixNanos>& si, const std::optional<UnixNanos>& fn) {
    return si.has_value() && fn.has_value() && *si < *fn;
  };
  return earlier(fs.mtime, fs.fn_mtime) || earlier(fs.atime, fs.fn_atime) || earlier(fs.ctime, fs.fn_ctime) ||
         earlier(fs.btime, fs.fn_btime);
}

bool ExifFields::empty() const {
  return !make && !model && !serial && !lens_model && !software && !datetime_original &&
         !offset_time_original && !datetime_digitized && !gps_datetime && !orientation &&
         !gps_lat && !gps_lon && !gps_alt && !width && !height;
}

}  // namespace triage
