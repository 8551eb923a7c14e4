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

bool ExifFields::empty() const {
  return !make && !model && !serial && !lens_model && !software && !datetime_original &&
         !offset_time_original && !datetime_digitized && !gps_datetime && !orientation &&
         !gps_lat && !gps_lon && !gps_alt && !width && !height;
}

}  // namespace triage
