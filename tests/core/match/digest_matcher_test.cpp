#include "core/match/digest_matcher.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>

#include "core/text/hex.h"

using namespace triage;

TEST_CASE("exact index finds every added digest and nothing else") {
  ExactIndex index;
  std::mt19937_64 rng(7);
  std::vector<std::vector<std::uint8_t>> added;
  for (std::uint32_t i = 0; i < 50'000; ++i) {
    std::vector<std::uint8_t> d(16);
    for (auto& b : d) b = static_cast<std::uint8_t>(rng());
    if (i % 1000 == 0) d = added.empty() ? d : added.back();  // duplicates keep both refs
    REQUIRE(index.add(DigestKind::md5, d, i));
    added.push_back(d);
  }
  CHECK_FALSE(index.add(DigestKind::sha1, added[0], 0));  // wrong length
  index.build();
  for (std::uint32_t i = 0; i < added.size(); i += 97) {
    const auto refs = index.find(DigestKind::md5, added[i]);
    CHECK(std::find(refs.begin(), refs.end(), i) != refs.end());
  }
  const auto dup = index.find(DigestKind::md5, added[1000]);
  CHECK(dup == std::vector<std::uint32_t>{999, 1000});
  std::vector<std::uint8_t> absent(16, 0xAB);
  CHECK(index.find(DigestKind::md5, absent).empty());
  CHECK(index.find(DigestKind::sha256, added[5]).empty());
}

TEST_CASE("digest matcher reports one match per record with its strongest digest") {
  DigestMatcher m;
  const auto alert = m.add_set({"national", "alert"});
  const auto known = m.add_set({"nsrl", "known"});
  const std::string md5 = "900150983cd24fb0d6963f7d28e17f72";
  const std::string sha1 = "a9993e364706816aba3e25717850c26c9cd0d89d";
  const std::string sha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  CHECK(m.add_record(alert, md5, sha1, "", "M-1", "2"));
  CHECK(m.add_record(known, "", "", sha256, "", ""));
  CHECK_FALSE(m.add_record(alert, "xyz", "", "", "bad", "1"));
  CHECK_FALSE(m.add_record(alert, "ABCD", "", "", "short", "1"));
  m.build();
  const auto matches = m.match({md5, sha1, sha256});
  REQUIRE(matches.size() == 2);
  CHECK(matches[0].set == "national");
  CHECK(matches[0].hash_type == "sha1");
  CHECK(matches[0].media_id == "M-1");
  CHECK(matches[0].category == "2");
  CHECK(matches[1].role == "known");
  CHECK(matches[1].hash_type == "sha256");
  CHECK(m.match({"d41d8cd98f00b204e9800998ecf8427e", "", ""}).empty());
  CHECK(m.match({}).empty());
}
