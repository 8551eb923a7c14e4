#include "core/text/time_format.h"

#include <doctest/doctest.h>

using namespace triage;

TEST_CASE("UTC times are ISO 8601 with nanoseconds only when present") {
  CHECK(format_utc(0) == "1970-01-01T00:00:00Z");
  CHECK(format_utc(1'700'000'000'000'000'000) == "2023-11-14T22:13:20Z");
  CHECK(format_utc(1'700'000'000'123'456'789) == "2023-11-14T22:13:20.123456789Z");
  CHECK(format_utc(-1) == "1969-12-31T23:59:59.999999999Z");
}
