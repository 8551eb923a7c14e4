#include "core/item.h"

#include <doctest/doctest.h>

using namespace triage;

TEST_CASE("overwritten states: names round-trip, anything else is not a state") {
  for (const Overwritten state : {Overwritten::none, Overwritten::partial, Overwritten::full})
    CHECK(overwritten_from(to_string(state)) == state);
  CHECK(std::string(to_string(Overwritten::partial)) == "partial");
  CHECK_FALSE(overwritten_from("").has_value());
  CHECK_FALSE(overwritten_from("Partial").has_value());
}

TEST_CASE("fn_times_differ: only a recorded $FILE_NAME time unequal to its $STANDARD_INFORMATION one counts") {
  FsFacts fs;
  fs.mtime = 1'000'000'000'000'000'000;
  fs.atime = 1'000'000'000'000'000'001;
  fs.ctime = 1'000'000'000'000'000'002;
  fs.btime = 1'000'000'000'000'000'003;
  CHECK_FALSE(fn_times_differ(fs));  // not NTFS: nothing recorded
  fs.fn_mtime = fs.mtime;
  fs.fn_atime = fs.atime;
  fs.fn_ctime = fs.ctime;
  fs.fn_btime = fs.btime;
  CHECK_FALSE(fn_times_differ(fs));
  CHECK_FALSE(si_time_precedes_fn(fs));
  SUBCASE("$STANDARD_INFORMATION one nanosecond earlier: back-dated") {
    fs.fn_btime = *fs.btime + 1;
    CHECK(fn_times_differ(fs));
    CHECK(si_time_precedes_fn(fs));
  }
  SUBCASE("$STANDARD_INFORMATION later: content changed since") {
    fs.fn_mtime = *fs.mtime - 1;
    CHECK(fn_times_differ(fs));
    CHECK_FALSE(si_time_precedes_fn(fs));
  }
  SUBCASE("the $STANDARD_INFORMATION time missing") {
    fs.atime.reset();
    CHECK(fn_times_differ(fs));
  }
  SUBCASE("the $FILE_NAME time missing") {
    fs.fn_ctime.reset();
    CHECK_FALSE(fn_times_differ(fs));
  }
}
