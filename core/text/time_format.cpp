#include "core/text/time_format.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>

namespace triage {

std::string format_utc(UnixNanos t) {
  constexpr std::int64_t kNanosPerSecond = 1'000'000'000;
  std::int64_t secs = t / kNanosPerSecond;
  std::int64_t frac = t % kNanosPerSecond;
  if (frac < 0) {  // times before 1970 floor towards minus infinity
    frac += kNanosPerSecond;
    secs -= 1;
  }
  const auto tt = static_cast<std::time_t>(secs);
  std::tm tm{};
  if (gmtime_r(&tt, &tm) == nullptr) return fmt::format("@{}", t);
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", tm.tm_year + 1900, tm.tm_mon + 1,
                                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  if (frac != 0) out += fmt::format(".{:09}", frac);
  out += 'Z';
  return out;
}

std::string now_utc() {
  const auto now = std::chrono::system_clock::now();
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  return format_utc(static_cast<UnixNanos>(secs) * 1'000'000'000);
}

namespace {

std::string zone_name() {
  if (const char* tz = std::getenv("TZ"); tz != nullptr && *tz != '\0') return tz[0] == ':' ? tz + 1 : tz;
  std::error_code ec;
  const std::string target = std::filesystem::read_symlink("/etc/localtime", ec).string();
  if (const auto at = target.find("zoneinfo/"); !ec && at != std::string::npos) return target.substr(at + 9);
  std::ifstream in("/etc/timezone");
  std::string line;
  if (std::getline(in, line) && !line.empty()) return line;
  return {};
}

}  // namespace

std::string local_time_zone() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  if (localtime_r(&now, &tm) == nullptr) return zone_name();
  const long minutes = tm.tm_gmtoff / 60;
  const long abs_minutes = minutes < 0 ? -minutes : minutes;
  const std::string offset = fmt::format("UTC{}{:02}:{:02}", minutes < 0 ? '-' : '+', abs_minutes / 60, abs_minutes % 60);
  const std::string abbreviation = tm.tm_zone != nullptr ? tm.tm_zone : "";
  const std::string name = zone_name();
  if (name.empty()) return abbreviation.empty() ? offset : fmt::format("{} ({})", offset, abbreviation);
  return abbreviation.empty() || abbreviation == name ? fmt::format("{} ({})", name, offset)
                                                      : fmt::format("{} ({}, {})", name, offset, abbreviation);
}

}  // namespace triage
