#pragma once
// Where a picture came from, as the closed sets the outputs name (issue: first person produced
// imagery indicators). Text at the edges only, through to_string and the parse functions.
#include <optional>
#include <string_view>

namespace triage {

// What a location (an origin rule) says about how a file got there.
enum class Origin {
  camera,              // the device's own camera roll
  screenshot,
  messaging_received,
  messaging_sent,
  messaging,           // a messaging app's media where the path does not tell the direction
  web_cache,
  download,
  thumbnail_cache,
  cloud_sync,
  unknown,             // no rule matched
};
const char* to_string(Origin origin);
std::optional<Origin> parse_origin(std::string_view text);

// The indicator an examiner confirms (never a finding), from the small table in provenance.h.
enum class OriginIndicator {
  captured_on_device_front_camera,
  captured_on_device,
  captured_on_other_device,
  received,
  unknown,
};
const char* to_string(OriginIndicator indicator);
std::optional<OriginIndicator> parse_origin_indicator(std::string_view text);

}  // namespace triage
