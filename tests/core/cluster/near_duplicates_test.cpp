// Near-duplicate clusters (core/cluster): the connected components of "same SHA-1" and "PDQ hashes
// within the distance", checked against a brute-force component search on random cases.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>

#include "core/cluster/near_duplicates.h"
#include "tests/core/match/random_pdq.h"

namespace triage {
namespace {

using match::Hash256;


// `h` with `bits` distinct bits flipped.
Hash256 flipped(Hash256 h, int bits, std::mt19937_64& rng) {
  std::vector<int> positions(256);
  for (int i = 0; i < 256; ++i) positions[static_cast<std::size_t>(i)] = i;
  std::shuffle(positions.begin(), positions.end(), rng);
  for (int i = 0; i < bits; ++i) {
    const int p = positions[static_cast<std::size_t>(i)];
    h.w[static_cast<std::size_t>(p / 64)] ^= std::uint64_t{1} << (p % 64);
  }
  return h;
}

// The same components by the definition: repeated passes over every pair until nothing changes.
std::vector<std::uint32_t> by_brute_force(const std::vector<ClusterItem>& items, int distance) {
  std::vector<std::uint32_t> root(items.size());
  for (std::uint32_t i = 0; i < root.size(); ++i) root[i] = i;
  auto near = [&](const ClusterItem& a, const ClusterItem& b) {
    if (!a.sha1.empty() && a.sha1 == b.sha1) return true;
    auto any_near = [&](const std::vector<Hash256>& xs, const std::vector<Hash256>& ys) {
      for (const auto& x : xs)
        for (const auto& y : ys)
          if (match::popcount_distance(x, y) <= distance) return true;
      return false;
    };
    return any_near(a.hashes, b.hashes) || any_near(a.mirrors, b.hashes) || any_near(a.hashes, b.mirrors);
  };
  for (bool changed = true; changed;) {
    changed = false;
    for (std::size_t i = 0; i < items.size(); ++i)
      for (std::size_t j = i + 1; j < items.size(); ++j)
        if (root[i] != root[j] && near(items[i], items[j])) {
          const auto low = std::min(root[i], root[j]), high = std::max(root[i], root[j]);
          for (auto& r : root)
            if (r == high) r = low;
          changed = true;
        }
  }
  return root;
}

}  // namespace

TEST_CASE("clusters: copies, near hashes, chains and a video's frames join; the first member names the cluster") {
  std::mt19937_64 rng(7);
  const Hash256 a = test::random_hash256(rng), b = test::random_hash256(rng);
  std::vector<ClusterItem> items{
      {"s0", {a}, {}},                            // 0
      {"s1", {test::random_hash256(rng)}, {}},             // 1: alone
      {"s2", {flipped(a, 20, rng)}, {}},          // 2: near 0
      {"s0", {}, {}},                             // 3: a copy of 0 whose picture did not decode
      {"s4", {b}, {}},                            // 4
      {"s5", {test::random_hash256(rng), flipped(b, 31, rng)}, {}},  // 5: a video, one frame near 4
      {"", {}, {}},                               // 6: nothing to compare
      {"s7", {flipped(b, 32, rng)}, {}},          // 7: 32 bits from 4, but maybe near 5's frame
      {"s8", {test::random_hash256(rng)}, {flipped(a, 10, rng)}},  // 8: its mirror image is near 0
      {"s9", {test::random_hash256(rng)}, {flipped(a, 12, rng)}},  // 9: so is its, but mirrors never meet mirrors
  };
  const auto out = cluster_near_duplicates(items);
  CHECK(out == by_brute_force(items, 31));
  CHECK(out[0] == 0);
  CHECK(out[2] == 0);
  CHECK(out[3] == 0);
  CHECK(out[1] == 1);
  CHECK(out[4] == 4);
  CHECK(out[5] == 4);
  CHECK(out[6] == 6);
  CHECK(out[8] == 0);
  CHECK(out[9] == 0);  // through 0, not through 8's mirror
  std::vector<ClusterItem> mirrors_only{{"m0", {}, {a}}, {"m1", {}, {a}}};
  CHECK(cluster_near_duplicates(mirrors_only) == std::vector<std::uint32_t>{0, 1});
  CHECK(cluster_near_duplicates(items, {.max_distance = 0})[2] == 2);  // distance 0: identical hashes only
  CHECK(cluster_near_duplicates(items, {.max_distance = 0})[3] == 0);  // copies still join
  CHECK(cluster_near_duplicates({}).empty());
}

TEST_CASE("clusters: random cases equal the brute-force components, on one thread or four") {
  std::mt19937_64 rng(11);
  for (int round = 0; round < 20; ++round) {
    std::vector<ClusterItem> items;
    std::vector<Hash256> seeds;
    for (int i = 0; i < 6; ++i) seeds.push_back(test::random_hash256(rng));
    for (int i = 0; i < 120; ++i) {
      ClusterItem item;
      item.sha1 = rng() % 10 == 0 ? "copy" + std::to_string(rng() % 3) : "u" + std::to_string(i);
      const int frames = static_cast<int>(rng() % 3);
      for (int f = 0; f < frames; ++f)
        item.hashes.push_back(rng() % 2 ? flipped(seeds[rng() % seeds.size()], static_cast<int>(rng() % 40), rng)
                                        : test::random_hash256(rng));
      if (rng() % 4 == 0) item.mirrors.push_back(flipped(seeds[rng() % seeds.size()], static_cast<int>(rng() % 40), rng));
      items.push_back(std::move(item));
    }
    CAPTURE(round);
    const auto expected = by_brute_force(items, 31);
    CHECK(cluster_near_duplicates(items, {.max_distance = 31, .threads = 1}) == expected);
    CHECK(cluster_near_duplicates(items, {.max_distance = 31, .threads = 4}) == expected);
  }
}

}  // namespace triage
