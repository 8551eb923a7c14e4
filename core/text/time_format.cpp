#include "core/text/time_format.h"

#include <fmt/format.h>

#include <chrono>
#include <ctime>

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

}  // namespace triage
