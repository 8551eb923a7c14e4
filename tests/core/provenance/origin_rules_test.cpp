#include "core/provenance/origin_rules.h"

#include <doctest/doctest.h>

#include <stdexcept>

#include "core/provenance/path_glob.h"

namespace triage {
namespace {

OriginRule rule(std::string id, std::string path, std::string name, Origin origin) {
  OriginRule r;
  r.id = std::move(id);
  r.path = std::move(path);
  r.name = std::move(name);
  r.origin = origin;
  return r;
}

bool glob(std::string_view pattern, std::string_view path) {
  std::string error;
  const auto g = PathGlob::compile(pattern, &error);
  REQUIRE_MESSAGE(g, error);
  return g->matches(path);
}

}  // namespace

TEST_CASE("path globs: '*' and '?' stay within a component, '**' spans any number, case folds ASCII only") {
  CHECK(glob("**/DCIM/Camera", "DCIM/Camera"));
  CHECK(glob("**/DCIM/Camera", "data/media/0/DCIM/Camera"));
  CHECK(glob("**/DCIM/Camera", "/sdcard/dcim/CAMERA"));  // a leading '/' is ignored
  CHECK_FALSE(glob("**/DCIM/Camera", "DCIM/Camera/sub"));
  CHECK_FALSE(glob("**/DCIM/Camera", "XDCIM/Camera"));
  CHECK(glob("**/DCIM/Camera/**", "DCIM/Camera"));
  CHECK(glob("**/DCIM/Camera/**", "a/DCIM/Camera/b/c"));
  CHECK(glob("**/Media/DCIM/1??APPLE", "private/var/mobile/Media/DCIM/100APPLE"));
  CHECK_FALSE(glob("**/Media/DCIM/1??APPLE", "private/var/mobile/Media/DCIM/1000APPLE"));
  CHECK(glob("**/Users/*/Pictures", "C/Users/alice/Pictures"));
  CHECK_FALSE(glob("**/Users/*/Pictures", "Users/a/b/Pictures"));  // '*' never crosses '/'
  CHECK(glob("a/**/b/**/c", "a/b/c"));
  CHECK(glob("a/**/b/**/c", "a/x/y/b/z/c"));
  CHECK_FALSE(glob("a/**/b/**/c", "a/x/c"));
  CHECK(glob("**/caf\xc3\xa9", "x/caf\xc3\xa9"));
  CHECK_FALSE(glob("**/CAF\xc3\x89", "x/caf\xc3\xa9"));  // bytes beyond ASCII match themselves only
  CHECK(glob_component_matches("thumbcache_*.db", "thumbcache_256.db"));
  CHECK(glob_component_matches("Screenshot *.png", "SCREENSHOT 2024-01-01 at 12.00.00.PNG"));
  CHECK_FALSE(glob_component_matches("Screenshot *.png", "Screenshot.png"));
  CHECK(glob_component_matches("*a*b*", "xxaxxbxx"));
  CHECK_FALSE(glob_component_matches("*a*b", "xxaxxbxxc"));

  std::string error;
  CHECK_FALSE(PathGlob::compile("/abs/path", &error));
  CHECK(error.find("must not start with '/'") != std::string::npos);
  CHECK_FALSE(PathGlob::compile("a/b**/c", &error));
  CHECK_FALSE(PathGlob::compile("", &error));
}

TEST_CASE("origin rules: the most specific match wins, ties go to the rule listed first") {
  const OriginRuleSet rules({
      rule("any.images", "**/WhatsApp Images/**", "", Origin::messaging_received),
      rule("any.images.sent", "**/WhatsApp Images/Sent", "", Origin::messaging_sent),
      rule("first.tie", "**/Tie/*", "", Origin::download),
      rule("second.tie", "**/*/Tie", "", Origin::web_cache),
      rule("desktop.screenshot", "**/Desktop", "Screenshot *.png", Origin::screenshot),
      rule("desktop", "**/Desktop", "", Origin::unknown),
  });
  auto id_of = [&](std::string_view path) {
    const OriginRule* r = rules.match(path);
    return r == nullptr ? std::string("none") : r->id;
  };
  CHECK(id_of("sdcard/WhatsApp/Media/WhatsApp Images/IMG-1.jpg") == "any.images");
  CHECK(id_of("sdcard/WhatsApp/Media/WhatsApp Images/Sent/IMG-1.jpg") == "any.images.sent");
  CHECK(id_of("sdcard/WhatsApp/Media/WhatsApp Images/Sent/deeper/IMG-1.jpg") == "any.images");
  CHECK(rules.specificity(2) == rules.specificity(3));
  CHECK(id_of("x/Tie/Tie/a.jpg") == "first.tie");  // both match with equal literals
  CHECK(id_of("Users/a/Desktop/Screenshot 2024.png") == "desktop.screenshot");
  CHECK(id_of("Users/a/Desktop/holiday.png") == "desktop");
  CHECK(id_of("Users/a/Documents/holiday.png") == "none");
  CHECK(id_of("holiday.png") == "none");
}

TEST_CASE("origin rules: a regex is anchored and case-insensitive; bad rules are refused by id") {
  OriginRule r;
  r.id = "regex.rule";
  r.regex = R"(.*/cache2/entries/[0-9A-F]{40})";
  r.origin = Origin::web_cache;
  const OriginRuleSet rules({r});
  CHECK(rules.match("p/cache2/entries/0123456789abcdef0123456789ABCDEF01234567") != nullptr);
  CHECK(rules.match("p/cache2/entries/0123456789abcdef0123456789ABCDEF01234567.jpg") == nullptr);  // anchored
  CHECK(rules.specificity(0) == 19);  // "cache2" "entries" "09AF" "40": letters and digits not escaped

  OriginRule broken = r;
  broken.regex = "(";
  CHECK_THROWS_WITH_AS(OriginRuleSet({broken}), doctest::Contains("regex.rule"), std::invalid_argument);
  OriginRule both = r;
  both.path = "**/x";
  CHECK_THROWS_AS(OriginRuleSet({both}), std::invalid_argument);
  CHECK_THROWS_WITH_AS(OriginRuleSet({rule("twice", "a", "", Origin::camera), rule("twice", "b", "", Origin::camera)}),
                       doctest::Contains("appears twice"), std::invalid_argument);
  CHECK_THROWS_AS(OriginRuleSet({rule("no.path", "", "", Origin::camera)}), std::invalid_argument);
}

}  // namespace triage
