#include "core/category/profile.h"

#include <doctest/doctest.h>

using namespace triage;

namespace {
CategoryProfile abc() {
  CategoryProfile p;
  p.name = "test";
  p.categories = {{"1", "Category A", 1, "indecent", ""}, {"2", "Category B", 2, "indecent", ""},
                  {"3", "Category C", 3, "indecent", ""}};
  return p;
}
ItemMatch hit(std::string set, std::string_view role, std::string code) {
  ItemMatch m;
  m.set = std::move(set);
  m.role = parse_hash_set_role(role).value();
  m.hash_type = HashType::md5;
  m.media_id = "rec";
  m.category = std::move(code);
  return m;
}
ItemMatch near(std::string set, std::string role, std::string code, int distance) {
  ItemMatch m = hit(std::move(set), std::move(role), std::move(code));
  m.hash_type = HashType::pdq;
  m.distance = distance;
  m.variant = "rot90";
  m.quality = 90;
  return m;
}
}  // namespace

TEST_CASE("the most severe alert category wins and a disagreement is recorded") {
  const auto c = categorise(abc(), {hit("x", "alert", "3"), hit("y", "alert", "1"), hit("n", "known", "")},
                            MediaType::image);
  REQUIRE(c);
  CHECK(c->label == "Category A");
  CHECK(c->code == "1");
  CHECK(c->severity == 1);
  CHECK(c->conflict);
  CHECK(c->reason.find("set 'y'") != std::string::npos);
  CHECK(c->reason.find("disagree") != std::string::npos);
  CHECK_FALSE(c->known_good);
}

TEST_CASE("known-good applies only without an alert match, and unmatched media need grading") {
  const auto known = categorise(abc(), {hit("nsrl", "known", "")}, MediaType::image);
  REQUIRE(known);
  CHECK(known->known_good);
  CHECK(known->label == "Known good");
  const auto unknown = categorise(abc(), {}, MediaType::video);
  REQUIRE(unknown);
  CHECK(unknown->label == "Uncategorised");
  CHECK(unknown->severity == 4);
  CHECK_FALSE(categorise(abc(), {}, MediaType::other).has_value());
  const auto same = categorise(abc(), {hit("x", "alert", "2"), hit("y", "alert", "2")}, MediaType::image);
  CHECK_FALSE(same->conflict);
}

TEST_CASE("a code the profile does not know is uncategorised, and never hides a known one") {
  const auto c = categorise(abc(), {hit("x", "alert", "9")}, MediaType::image);
  REQUIRE(c);
  CHECK(c->label == "Uncategorised");
  CHECK(c->reason.find("not in profile") != std::string::npos);
  const auto d = categorise(abc(), {hit("x", "alert", "9"), hit("y", "alert", "3")}, MediaType::image);
  CHECK(d->label == "Category C");
}

TEST_CASE("an exact alert match decides over a more severe probable one") {
  const auto c = categorise(abc(), {near("p", "alert", "1", 3), hit("x", "alert", "3")}, MediaType::image);
  REQUIRE(c);
  CHECK(c->label == "Category C");
  CHECK_FALSE(c->probable);
  CHECK_FALSE(c->conflict);  // the probable match is not weighed against the exact one
}

TEST_CASE("probable matches alone give a probable category: the most severe, then the closest") {
  const auto c = categorise(abc(), {near("p", "alert", "2", 20), near("q", "alert", "2", 4), near("r", "alert", "3", 1)},
                            MediaType::image);
  REQUIRE(c);
  CHECK(c->label == "Category B");
  CHECK(c->probable);
  CHECK(c->conflict);
  CHECK(c->reason.find("probable match (PDQ distance 4, variant rot90) in set 'q'") != std::string::npos);
}

TEST_CASE("a probable match to a known-good set excludes nothing") {
  const auto c = categorise(abc(), {near("nsrl", "known", "", 0)}, MediaType::image);
  REQUIRE(c);
  CHECK_FALSE(c->known_good);
  CHECK(c->label == "Uncategorised");
}

TEST_CASE("what decided a category is told by its severity, never by its label") {
  // A profile may word its labels as it likes, even as the special rows are worded.
  CategoryProfile p = abc();
  p.categories.push_back({"9", "Known good", 4, "other", ""});
  p.categories.push_back({"8", "Ignored", 5, "other", ""});
  const auto alert = categorise(p, {hit("x", "alert", "9")}, MediaType::image);
  REQUIRE(alert);
  CHECK(alert->label == "Known good");
  CHECK(category_kind(p, *alert) == CategoryKind::profile_category);
  CHECK_FALSE(excluded_kind(category_kind(p, *alert)));
  const auto ignored = categorise(p, {hit("i", "ignore", "")}, MediaType::image);
  REQUIRE(ignored);
  CHECK(category_kind(p, *ignored) == CategoryKind::ignored);
  const auto known = categorise(p, {hit("n", "known", "")}, MediaType::image);
  REQUIRE(known);
  CHECK(category_kind(p, *known) == CategoryKind::known_good);
  const auto none = categorise(p, {}, MediaType::video);
  REQUIRE(none);
  CHECK(category_kind(p, *none) == CategoryKind::uncategorised);
  const auto unknown_code = categorise(p, {hit("x", "alert", "77")}, MediaType::image);
  REQUIRE(unknown_code);
  CHECK(category_kind(p, *unknown_code) == CategoryKind::uncategorised);
  // As case.db gives it back: label, code, severity and the known-good flag only.
  ItemCategory read_back;
  read_back.label = "Known good";
  read_back.code = "9";
  read_back.severity = 4;
  CHECK(category_kind(p, read_back) == CategoryKind::profile_category);
}
