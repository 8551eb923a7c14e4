#include "formats/profile/profile_loader.h"

#include <doctest/doctest.h>

#include "tests/support/test_support.h"

using namespace triage;

TEST_CASE("the built-in profiles load and put A before B before C") {
  const auto uk = load_profile("uk");
  CHECK(uk.name == "uk");
  REQUIRE(uk.find("1"));
  CHECK(uk.find("1")->label == "Category A");
  CHECK(uk.find("1")->severity < uk.find("2")->severity);
  CHECK(uk.find("2")->severity < uk.find("3")->severity);
  const auto us = load_profile("vics-us");
  CHECK(us.find("1")->label == "Child abuse material");
  CHECK(us.find("5")->label == "Non-pertinent");
  CHECK(profile_source_text("uk") == test::read_text(test::source_dir() / "samples/profiles/uk.json"));
}

TEST_CASE("a profile file is checked and its problems named") {
  test::TempDir tmp;
  test::write_text(tmp / "ok.json", R"({"profile":"mine","categories":[{"code":"A","label":"Worst","severity":1}]})");
  CHECK(load_profile((tmp / "ok.json").string()).find("A")->label == "Worst");
  test::write_text(tmp / "dup.json", R"({"categories":[{"code":"A","label":"x","severity":1},{"code":"A","label":"y","severity":2}]})");
  CHECK_THROWS_WITH(load_profile((tmp / "dup.json").string()), doctest::Contains("appears twice"));
  test::write_text(tmp / "bad.json", R"({"categories":[)");
  CHECK_THROWS_WITH(load_profile((tmp / "bad.json").string()), doctest::Contains("not valid JSON"));
  CHECK_THROWS_WITH(load_profile((tmp / "none.json").string()), doctest::Contains("cannot read profile"));
}
