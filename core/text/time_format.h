#pragma once
#include <string>

#include "core/item.h"

namespace triage {

// ISO 8601 UTC: "2024-05-01T12:34:56Z", with ".nnnnnnnnn" when the fraction is not zero.
std::string format_utc(UnixNanos t);

// The current time as format_utc gives it (second precision).
std::string now_utc();

}  // namespace triage
