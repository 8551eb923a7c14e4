#include "core/provenance/origin.h"

#include <array>
#include <utility>

namespace triage {
namespace {

constexpr std::array<std::pair<Origin, const char*>, 10> kOrigins{{
    {Origin::camera, "camera"},
    {Origin::screenshot, "screenshot"},
    {Origin::messaging_received, "messaging_received"},
    {Origin::messaging_sent, "messaging_sent"},
    {Origin::messaging, "messaging"},
    {Origin::web_cache, "web_cache"},
    {Origin::download, "download"},
    {Origin::thumbnail_cache, "thumbnail_cache"},
    {Origin::cloud_sync, "cloud_sync"},
    {Origin::unknown, "unknown"},
}};

constexpr std::array<std::pair<OriginIndicator, const char*>, 5> kIndicators{{
    {OriginIndicator::captured_on_device_front_camera, "captured_on_device_front_camera"},
    {OriginIndicator::captured_on_device, "captured_on_device"},
    {OriginIndicator::captured_on_other_device, "captured_on_other_device"},
    {OriginIndicator::received, "received"},
    {OriginIndicator::unknown, "unknown"},
}};

template <typename Enum, std::size_t N>
const char* name_of(const std::array<std::pair<Enum, const char*>, N>& table, Enum value) {
  for (const auto& [v, name] : table)
    if (v == value) return name;
  return "unknown";
}

template <typename Enum, std::size_t N>
std::optional<Enum> value_of(const std::array<std::pair<Enum, const char*>, N>& table, std::string_view text) {
  for (const auto& [v, name] : table)
    if (text == name) return v;
  return std::nullopt;
}

}  // namespace

const char* to_string(Origin origin) { return name_of(kOrigins, origin); }
std::optional<Origin> parse_origin(std::string_view text) { return value_of(kOrigins, text); }
const char* to_string(OriginIndicator indicator) { return name_of(kIndicators, indicator); }
std::optional<OriginIndicator> parse_origin_indicator(std::string_view text) { return value_of(kIndicators, text); }

}  // namespace triage
