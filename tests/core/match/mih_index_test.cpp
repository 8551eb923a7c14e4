#include "core/match/mih_index.h"

#include "tests/core/match/random_pdq.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <numeric>
#include <random>
#include <string>
#include <thread>
#include <vector>
#include <stdexcept>

using namespace triage::match;

namespace {

// Bit `bit` (0..15, 0 = least significant) of 16-bit chunk `chunk`, as chunk16 reads it.
void flip_chunk_bit(Hash256& hash, int chunk, int bit) {
  hash.w[static_cast<std::size_t>(chunk / 4)] ^= std::uint64_t{1} << (48 - 16 * (chunk % 4) + bit);
}

// `count` distinct bits flipped anywhere in the hash.
Hash256 flip_random_bits(Hash256 hash, int count, std::mt19937_64& rng) {
  std::vector<int> bits(kHashBits);
  std::iota(bits.begin(), bits.end(), 0);
  std::shuffle(bits.begin(), bits.end(), rng);
  for (int i = 0; i < count; ++i) {
    const int bit = bits[static_cast<std::size_t>(i)];
    flip_chunk_bit(hash, bit / kChunkBits, bit % kChunkBits);
  }
  return hash;
}

// `count` bits spread as evenly as possible over the 16 chunks (which chunks get one more is
// random): every chunk then sits right at the pigeonhole bound, the hardest case for the index.
Hash256 flip_spread_bits(Hash256 hash, int count, std::mt19937_64& rng) {
  std::vector<int> chunk_order(kChunkCount);
  std::iota(chunk_order.begin(), chunk_order.end(), 0);
  std::shuffle(chunk_order.begin(), chunk_order.end(), rng);
  for (int position = 0; position < kChunkCount; ++position) {
    const int in_chunk = count / kChunkCount + (position < count % kChunkCount ? 1 : 0);
    std::vector<int> bits(kChunkBits);
    std::iota(bits.begin(), bits.end(), 0);
    std::shuffle(bits.begin(), bits.end(), rng);
    for (int i = 0; i < in_chunk; ++i) {
      flip_chunk_bit(hash, chunk_order[static_cast<std::size_t>(position)], bits[static_cast<std::size_t>(i)]);
    }
  }
  return hash;
}

}  // namespace

TEST_CASE("hex: digit 0 is the top nibble of w[0], chunk k is digits [4k, 4k+4)") {
  const auto top = from_hex("8" + std::string(63, '0'));
  REQUIRE(top.has_value());
  CHECK(top->w[0] == 0x8000000000000000u);
  CHECK(top->w[1] == 0u);
  CHECK(top->w[3] == 0u);
  CHECK(chunk16(*top, 0) == 0x8000u);

  const auto words = from_hex("0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789abcdef");
  REQUIRE(words.has_value());
  for (const std::uint64_t word : words->w) CHECK(word == 0x0123456789abcdefu);
  CHECK(chunk16(*words, 1) == 0x4567u);
  CHECK(chunk16(*words, 7) == 0xcdefu);

  std::mt19937_64 rng(7);
  for (int round = 0; round < 50; ++round) {
    const Hash256 hash = test::random_hash256(rng);
    const std::string hex = to_hex(hash);
    REQUIRE(hex.size() == 64u);
    CHECK(from_hex(hex) == hash);
    for (int k = 0; k < kChunkCount; ++k) {
      const std::string digits = hex.substr(static_cast<std::size_t>(4 * k), 4);
      CHECK(std::stoul(digits, nullptr, 16) == chunk16(hash, k));
    }
  }
  CHECK(to_hex(*words) == "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
}

TEST_CASE("hex: anything but 64 hex digits is rejected") {
  CHECK_FALSE(from_hex("").has_value());
  CHECK_FALSE(from_hex(std::string(63, 'a')).has_value());
  CHECK_FALSE(from_hex(std::string(65, 'a')).has_value());
  CHECK_FALSE(from_hex("0x" + std::string(62, '0')).has_value());
  CHECK_FALSE(from_hex(std::string(63, '0') + "g").has_value());
  CHECK_FALSE(from_hex(" " + std::string(63, '0')).has_value());
  CHECK(from_hex(std::string(64, 'F')).has_value());
}

TEST_CASE("popcount distance counts differing bits") {
  const Hash256 zeros = *from_hex(std::string(64, '0'));
  const Hash256 ones = *from_hex(std::string(64, 'f'));
  CHECK(popcount_distance(zeros, ones) == 256);
  CHECK(popcount_distance(ones, ones) == 0);
  std::mt19937_64 rng(3);
  for (int d = 0; d <= 256; d += 17) CHECK(popcount_distance(zeros, flip_random_bits(zeros, d, rng)) == d);
}

namespace {

// Random hashes plus neighbours planted at 0..40 bits from a few seeds; every threshold 0..63
// (and a few beyond) searched through the index of the given layout, forced and automatic, must
// return exactly what a brute-force scan returns.
void check_layout_against_brute_force(MihLayout layout) {
  CAPTURE(layout.chunks);
  std::mt19937_64 rng(20120616);
  constexpr int kRandomHashes = 10000;
  constexpr int kSeeds = 6;
  constexpr int kMaxPlanted = 40;

  struct Entry {
    Hash256 hash;
    int seed;      // the seed it was planted near, or -1
    int distance;  // its distance to that seed
  };
  std::vector<Entry> entries;
  for (int i = 0; i < kRandomHashes; ++i) entries.push_back({test::random_hash256(rng), -1, 0});
  std::vector<Hash256> seeds;
  for (int s = 0; s < kSeeds; ++s) {
    seeds.push_back(test::random_hash256(rng));
    for (int d = 0; d <= kMaxPlanted; ++d) {
      entries.push_back({flip_random_bits(seeds.back(), d, rng), s, d});
      entries.push_back({flip_spread_bits(seeds.back(), d, rng), s, d});
    }
    entries.push_back({seeds.back(), s, 0});  // the seed itself (the two at d = 0 are copies too)
    const Entry planted = entries[entries.size() - 10];
    entries.push_back(planted);  // a duplicate of a planted neighbour
  }
  std::shuffle(entries.begin(), entries.end(), rng);  // planted ids spread over the whole range
  std::vector<Hash256> database;
  for (const Entry& entry : entries) database.push_back(entry.hash);
  const MihIndex index(database, layout);
  REQUIRE(index.size() == database.size());
  REQUIRE(index.layout().chunks == layout.chunks);

  std::vector<std::vector<std::uint32_t>> planted_near(kSeeds);  // ids of each seed's neighbours
  for (std::size_t id = 0; id < entries.size(); ++id) {
    if (entries[id].seed < 0) continue;
    planted_near[static_cast<std::size_t>(entries[id].seed)].push_back(static_cast<std::uint32_t>(id));
  }

  std::vector<Hash256> queries = seeds;
  for (int i = 0; i < 4; ++i) queries.push_back(test::random_hash256(rng));
  queries.push_back(flip_spread_bits(seeds[0], 20, rng));  // off-centre: planted at 0..60 from it

  for (std::size_t q = 0; q < queries.size(); ++q) {
    std::vector<int> thresholds(64);
    std::iota(thresholds.begin(), thresholds.end(), 0);
    if (q % 4 == 0) thresholds.insert(thresholds.end(), {64, 79, 80});  // radii 4 and 5
    for (const int threshold : thresholds) {
      CAPTURE(q);
      CAPTURE(threshold);
      const std::vector<Match> expected = brute_force_search(database, queries[q], threshold);

      // The reference itself: every neighbour planted near a seed query is in it, at its distance.
      if (q < seeds.size()) {
        for (const std::uint32_t id : planted_near[q]) {
          if (entries[id].distance > threshold) continue;
          CHECK(std::find(expected.begin(), expected.end(), Match{id, entries[id].distance}) != expected.end());
        }
      }

      SearchStats stats;
      CHECK(index.search(queries[q], threshold, SearchMethod::multi_index, &stats) == expected);
      CHECK(stats.method == SearchMethod::multi_index);
      CHECK(index.search(queries[q], threshold) == expected);
    }
    CHECK(index.search(queries[q], 31, SearchMethod::brute_force) ==
          brute_force_search(database, queries[q], 31));
  }
}

}  // namespace

TEST_CASE("multi-index search equals brute force for every threshold 0..63: 16 chunks of 16 bits") {
  check_layout_against_brute_force(MihLayout{16});
}

TEST_CASE("multi-index search equals brute force for every threshold 0..63: wider chunks") {
  // 15 chunks (one of 18 bits, 14 of 17), 13 (20 and 19 bits) and 12 (22 and 21 bits: the
  // layout of ten million hashes), whose chunks straddle the 64-bit words of the hash.
  for (const int chunks : {15, 13, 12}) check_layout_against_brute_force(MihLayout{chunks});
}

TEST_CASE("layout choice: 16 chunks of 16 bits for small databases, wider chunks for large ones") {
  CHECK(MihLayout::for_database(0, 31).chunks == 16);
  CHECK(MihLayout::for_database(10'000, 31).chunks == 16);
  CHECK(MihLayout::for_database(1'000'000, 31).chunks >= 15);
  const MihLayout large = MihLayout::for_database(10'000'000, 31);
  CHECK(large.chunks < 16);
  CHECK(large.chunks >= MihLayout::kMinChunks);
  CHECK_THROWS_AS(MihIndex({}, MihLayout{10}), std::invalid_argument);
  CHECK_THROWS_AS(MihIndex({}, MihLayout{17}), std::invalid_argument);
}

TEST_CASE("thresholds at the edges: negative, 256 and beyond") {
  std::mt19937_64 rng(11);
  std::vector<Hash256> database;
  for (int i = 0; i < 300; ++i) database.push_back(test::random_hash256(rng));
  const MihIndex index(database);
  const Hash256 query = test::random_hash256(rng);
  for (const SearchMethod method : {SearchMethod::automatic, SearchMethod::multi_index, SearchMethod::brute_force}) {
    CHECK(index.search(query, -1, method).empty());
    CHECK(index.search(query, 255, method) == brute_force_search(database, query, 255));
    CHECK(index.search(query, 256, method).size() == database.size());
    CHECK(index.search(query, 1000, method).size() == database.size());
  }
  CHECK(brute_force_search(database, query, -5).empty());
}

TEST_CASE("an empty index finds nothing") {
  const MihIndex index({});
  CHECK(index.size() == 0u);
  const Hash256 query{};
  for (const SearchMethod method : {SearchMethod::automatic, SearchMethod::multi_index, SearchMethod::brute_force}) {
    CHECK(index.search(query, 0, method).empty());
    CHECK(index.search(query, 31, method).empty());
    CHECK(index.search(query, 256, method).empty());
  }
  CHECK(brute_force_search({}, query, 31).empty());
}

TEST_CASE("duplicates are all returned, each once") {
  std::mt19937_64 rng(5);
  const Hash256 original = test::random_hash256(rng);
  const Hash256 near = flip_random_bits(original, 5, rng);
  std::vector<Hash256> database(100, original);
  database.insert(database.end(), 100, near);
  const MihIndex index(database);

  const std::vector<Match> exact = index.search(original, 4, SearchMethod::multi_index);
  REQUIRE(exact.size() == 100u);
  for (std::uint32_t id = 0; id < 100; ++id) CHECK(exact[id] == Match{id, 0});

  const std::vector<Match> both = index.search(original, 5, SearchMethod::multi_index);
  REQUIRE(both.size() == 200u);
  for (std::uint32_t id = 0; id < 200; ++id) CHECK(both[id] == Match{id, id < 100 ? 0 : 5});
  CHECK(index.search(original, 5) == both);
}

TEST_CASE("automatic search falls back to a scan when chunk values are skewed") {
  // 3,000 hashes equal in their first 12 chunks: every one is a candidate in each of those
  // chunks for a query sharing them, far more work than scanning 3,000 hashes.
  std::mt19937_64 rng(13);
  std::vector<Hash256> database;
  for (int i = 0; i < 3000; ++i) database.push_back(Hash256{{0, 0, 0, rng()}});
  const MihIndex index(database);
  const Hash256 query{{0, 0, 0, rng()}};
  for (const int threshold : {20, 31, 40}) {
    SearchStats stats;
    CHECK(index.search(query, threshold, SearchMethod::automatic, &stats) ==
          brute_force_search(database, query, threshold));
    CHECK(stats.method == SearchMethod::brute_force);
    CHECK(index.search(query, threshold, SearchMethod::multi_index) == brute_force_search(database, query, threshold));
  }
}

TEST_CASE("automatic search uses the index where it pays") {
  std::mt19937_64 rng(17);
  std::vector<Hash256> database;
  for (int i = 0; i < 20000; ++i) database.push_back(test::random_hash256(rng));
  const MihIndex index(database);
  SearchStats stats;
  // 20 = 16 x 1 + 4: radius 1 (17 values) in chunks 0..4, radius 0 (the value itself) in 5..15.
  index.search(database[123], 20, SearchMethod::automatic, &stats);
  CHECK(stats.method == SearchMethod::multi_index);
  CHECK(stats.probes == 5u * 17u + 11u);
  // 10 = 16 x 0 + 10: exact lookups in chunks 0..10, none in 11..15.
  index.search(database[123], 10, SearchMethod::automatic, &stats);
  CHECK(stats.method == SearchMethod::multi_index);
  CHECK(stats.probes == 11u);
  index.search(database[123], 256, SearchMethod::automatic, &stats);
  CHECK(stats.method == SearchMethod::brute_force);
}

TEST_CASE("one index searched from several threads at once") {
  std::mt19937_64 rng(19);
  std::vector<Hash256> database;
  for (int i = 0; i < 5000; ++i) database.push_back(test::random_hash256(rng));
  std::vector<Hash256> queries;
  for (int i = 0; i < 40; ++i) queries.push_back(flip_random_bits(database[static_cast<std::size_t>(i) * 97], i, rng));
  const MihIndex index(database);
  std::vector<std::vector<Match>> expected;
  for (const Hash256& query : queries) expected.push_back(brute_force_search(database, query, 40));

  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 5; ++round) {
        for (std::size_t q = 0; q < queries.size(); ++q) {
          const SearchMethod method = (q + static_cast<std::size_t>(t)) % 2 == 0 ? SearchMethod::multi_index
                                                                                 : SearchMethod::automatic;
          if (index.search(queries[q], 40, method) != expected[q]) ++mismatches;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(mismatches.load() == 0);
}
