#pragma once
#include <string>

#include "core/item.h"

namespace triage {

// ISO 8601 UTC: "2024-05-01T12:34:56Z", with ".nnnnnnnnn" when the fraction is not zero.
std::string format_utc(UnixNanos t);

// The current time as format_utc gives it (second precision).
std::string now_utc();

// The machine's local time zone, named for a report: the IANA name (from TZ, else the target of
// /etc/localtime, else /etc/timezone) and its offset and abbreviation now, e.g.
// "Europe/London (UTC+01:00, BST)"; just the offset when no name is known.
std::string local_time_zone();

}  // namespace triage
