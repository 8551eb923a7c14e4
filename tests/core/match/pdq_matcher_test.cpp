// PdqMatcher: thresholds inclusive, quality gate, the closest dihedral variant named, load order,
// and a really rotated image found through its variant.
#include "core/match/pdq_matcher.h"

#include <doctest/doctest.h>

#include <random>

#include "core/match/hash256.h"
#include "tests/core/match/random_pdq.h"
#include "tests/core/pdq/pdq_test_images.h"

namespace triage {
namespace {

using test::with_flipped_bits;

std::array<PdqHash, 8> only_original(const PdqHash& h, std::mt19937& rng) {
  std::array<PdqHash, 8> v;
  v[0] = h;
  for (std::size_t i = 1; i < 8; ++i) v[i] = test::random_pdq(rng);  // far from everything
  return v;
}

}  // namespace

TEST_CASE("pdq matcher: the index form has the same bits and hex") {
  std::mt19937 rng(7);
  for (int i = 0; i < 20; ++i) {
    const PdqHash h = test::random_pdq(rng);
    CHECK(match::to_hex(to_hash256(h)) == h.to_hex());
  }
}

TEST_CASE("pdq matcher: distance threshold inclusive, quality gate, load order, record fields") {
  std::mt19937 rng(11);
  const PdqHash item = test::random_pdq(rng);
  PdqMatcher m;
  const auto alert = m.add_set({"national", HashSetRole::alert});
  const auto other = m.add_set({"local", HashSetRole::alert});
  CHECK(m.add_record(alert, with_flipped_bits(item, 32).to_hex(), "far", "1"));
  CHECK(m.add_record(other, with_flipped_bits(item, 31).to_hex(), "edge", "2"));
  CHECK(m.add_record(alert, with_flipped_bits(item, 3).to_hex(), "near", "3"));
  CHECK_FALSE(m.add_record(alert, "abc", "bad", "1"));
  CHECK(m.record_count() == 3);
  m.build();

  const auto hits = m.match(only_original(item, rng), 80, PdqMatchOptions{});
  REQUIRE(hits.size() == 2);
  CHECK(hits[0].media_id == "edge");
  CHECK(hits[0].set == "local");
  CHECK(hits[0].distance == 31);
  CHECK(hits[0].hash_type == HashType::pdq);
  CHECK(hits[0].probable());
  CHECK(hits[0].variant == "orig");
  CHECK(hits[0].quality == 80);
  CHECK(hits[1].media_id == "near");
  CHECK(hits[1].category == "3");
  CHECK(hits[1].distance == 3);

  CHECK(m.match(only_original(item, rng), 49, PdqMatchOptions{}).empty());
  CHECK(m.match(only_original(item, rng), 30, PdqMatchOptions{31, 30}).size() == 2);
  CHECK(m.match(only_original(item, rng), 80, PdqMatchOptions{32, 50}).size() == 3);
  CHECK(m.match(only_original(item, rng), 80, PdqMatchOptions{2, 50}).empty());
}

TEST_CASE("pdq matcher: an empty matcher matches nothing") {
  PdqMatcher m;
  m.build();
  std::mt19937 rng(3);
  CHECK(m.empty());
  CHECK(m.match(only_original(test::random_pdq(rng), rng), 100, PdqMatchOptions{}).empty());
}

TEST_CASE("pdq matcher: a known image rotated or mirrored is found, naming the variant") {
  const int rows0 = 240, cols0 = 320;
  const auto seized = test::blobs(rows0, cols0, 5);
  const auto dihedral = pdq_dihedral_from_luma(seized.data(), rows0, cols0);
  std::array<PdqHash, 8> variants;
  for (std::size_t v = 0; v < 8; ++v) variants[v] = dihedral[v].hash;

  for (const auto which : {PdqDihedral::rotate90, PdqDihedral::flip_y, PdqDihedral::rotate180}) {
    // The hash-set holds the hash of the transformed picture; the seized copy is the original.
    int rows = rows0, cols = cols0;
    const auto known = test::transformed(seized, rows, cols, which);
    PdqMatcher m;
    const auto set = m.add_set({"national", HashSetRole::alert});
    m.add_record(set, pdq_from_luma(known.data(), rows, cols).hash.to_hex(), "k", "1");
    m.build();
    const auto hits = m.match(variants, dihedral[0].quality, PdqMatchOptions{});
    REQUIRE(hits.size() == 1);
    CHECK(hits[0].variant == kPdqDihedralNames[static_cast<std::size_t>(which)]);
    CHECK(*hits[0].distance <= 32);
  }
}

}  // namespace triage
