#include "core/match/digest_matcher.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
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
  const auto alert = m.add_set({"national", HashSetRole::alert});
  const auto known = m.add_set({"nsrl", HashSetRole::known});
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
  CHECK(matches[0].hash_type == HashType::sha1);
  CHECK(matches[0].media_id == "M-1");
  CHECK(matches[0].category == "2");
  CHECK(matches[1].role == HashSetRole::known);
  CHECK(matches[1].hash_type == HashType::sha256);
  CHECK(m.match({"d41d8cd98f00b204e9800998ecf8427e", "", ""}).empty());
  CHECK(m.match({}).empty());
}

namespace {

// A stored set's records for the matcher, from memory.
class FakeRecords : public MatchRecordSource {
 public:
  void describe(std::uint32_t ordinal, std::string& media_id, std::string& category) const override {
    media_id = "S-" + std::to_string(ordinal);
    category = std::to_string(ordinal % 4);
  }
};

// Entries in the store's block layout: digest bytes, then the ordinal little-endian.
std::vector<std::uint8_t> block(const std::vector<std::pair<std::string, std::uint32_t>>& rows) {
  std::vector<std::uint8_t> out;
  for (const auto& [hex, ordinal] : rows) {
    const auto bytes = *parse_hex(hex);
    out.insert(out.end(), bytes.begin(), bytes.end());
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(ordinal >> (8 * i)));
  }
  return out;
}

}  // namespace

TEST_CASE("digest matcher loads stored sets from sorted blocks and describes hits lazily") {
  DigestMatcher m;
  FakeRecords records;
  const auto small = m.add_set({"local", HashSetRole::alert});
  const std::string md5_a = "00000000000000000000000000000001";
  const std::string md5_b = "7fffffffffffffffffffffffffffffff";
  const std::string md5_c = "ffffffffffffffffffffffffffffffff";
  CHECK(m.add_record(small, md5_b, "", "", "L-1", "9"));
  const auto stored = m.add_stored_set({"national", HashSetRole::alert}, 3, records);
  CHECK(m.add_stored_digests(stored, DigestKind::md5, block({{md5_a, 2}, {md5_b, 0}, {md5_b, 1}})));
  CHECK_FALSE(m.add_stored_digests(stored, DigestKind::md5, block({{md5_c, 3}})));  // ordinal out of range
  CHECK_FALSE(m.add_stored_digests(stored, DigestKind::sha1, std::vector<std::uint8_t>(23)));  // not whole entries
  CHECK_FALSE(m.add_stored_digests(small, DigestKind::md5, block({{md5_c, 0}})));  // not a stored set
  const auto known = m.add_stored_set({"nsrl", HashSetRole::known}, 2, records);
  CHECK(m.add_stored_digests(known, DigestKind::md5, block({{md5_b, 1}, {md5_c, 0}})));
  CHECK(m.record_count() == 6);
  m.build();
  const auto hits = m.match({md5_b, "", ""});
  REQUIRE(hits.size() == 4);  // load order: the local record, then national 0 and 1, then nsrl 1
  CHECK(hits[0].media_id == "L-1");
  CHECK(hits[1].set == "national");
  CHECK(hits[1].media_id == "S-0");
  CHECK(hits[2].media_id == "S-1");
  CHECK(hits[2].category == "1");
  CHECK(hits[3].set == "nsrl");
  CHECK(hits[3].role == HashSetRole::known);
  CHECK(hits[3].hash_type == HashType::md5);
  CHECK(m.match({md5_a, "", ""}).size() == 1);
  CHECK(m.match({md5_c, "", ""}).at(0).media_id == "S-0");
  CHECK(m.match({"00000000000000000000000000000002", "", ""}).empty());
}

TEST_CASE("exact index merges unsorted and sorted runs into one order") {
  ExactIndex index;
  std::mt19937_64 rng(11);
  std::vector<std::vector<std::uint8_t>> added;
  for (std::uint32_t run = 0; run < 5; ++run) {
    std::vector<std::vector<std::uint8_t>> digests(2000, std::vector<std::uint8_t>(20));
    for (auto& d : digests)
      for (auto& b : d) b = static_cast<std::uint8_t>(rng());
    std::sort(digests.begin(), digests.end());
    std::vector<std::uint8_t> bytes;
    for (std::uint32_t i = 0; i < digests.size(); ++i) {
      bytes.insert(bytes.end(), digests[i].begin(), digests[i].end());
      for (int k = 0; k < 4; ++k) bytes.push_back(static_cast<std::uint8_t>(i >> (8 * k)));
    }
    REQUIRE(index.add_entries(DigestKind::sha1, bytes, run * 2000, 2000));
    added.insert(added.end(), digests.begin(), digests.end());
  }
  index.build();
  CHECK(index.size() == 10000);
  for (std::uint32_t i = 0; i < added.size(); i += 7) CHECK(index.find(DigestKind::sha1, added[i]) == std::vector<std::uint32_t>{i});
}

TEST_CASE("exact index stays exact when digests are not uniform (one overfull bucket)") {
  ExactIndex index;
  std::vector<std::vector<std::uint8_t>> added;
  for (std::uint32_t i = 0; i < 3000; ++i) {
    std::vector<std::uint8_t> d(32, 0);  // one bucket, same first 8 bytes: only the tail differs
    d[31] = static_cast<std::uint8_t>(i * 7);
    d[30] = static_cast<std::uint8_t>(i / 37);
    if (i % 5 == 0) d[0] = 0xFF;  // a second, far bucket
    REQUIRE(index.add(DigestKind::sha256, d, i));
    added.push_back(d);
  }
  index.build();
  for (std::uint32_t i = 0; i < added.size(); ++i) {
    const auto refs = index.find(DigestKind::sha256, added[i]);
    CHECK(std::find(refs.begin(), refs.end(), i) != refs.end());
    for (auto ref : refs) CHECK(added[ref] == added[i]);
  }
  std::vector<std::uint8_t> absent(32, 0);
  absent[29] = 1;
  CHECK(index.find(DigestKind::sha256, absent).empty());
}

TEST_CASE("exact index equals brute force around its bucket lines (full buckets, fingerprint collisions)") {
  ExactIndex index;
  std::mt19937_64 rng(23);
  std::map<std::vector<std::uint8_t>, std::vector<std::uint32_t>> truth;
  std::uint32_t ref = 0;
  auto add = [&](const std::vector<std::uint8_t>& d) {
    REQUIRE(index.add(DigestKind::md5, d, ref));
    truth[d].push_back(ref++);
  };
  auto random_digest = [&] {
    std::vector<std::uint8_t> d(16);
    for (auto& b : d) b = static_cast<std::uint8_t>(rng());
    return d;
  };
  for (int i = 0; i < 30'000; ++i) add(random_digest());
  for (int i = 0; i < 300; ++i) {  // one bucket far beyond its line's 28 slots
    auto d = random_digest();
    d[0] = 0x5A, d[1] = 0x5A, d[2] = 0x5A, d[3] = 0x5A;
    add(d);
  }
  for (int i = 0; i < 60; ++i) {  // same bucket and same fingerprint: only the tail differs
    auto d = random_digest();
    std::fill(d.begin(), d.begin() + 8, std::uint8_t{0xC3});
    add(d);
  }
  const auto repeated = random_digest();  // 40 records of one digest: straddles slot 28
  for (int i = 0; i < 40; ++i) add(repeated);
  index.build();
  for (const auto& [digest, refs] : truth) {
    CHECK(index.find(DigestKind::md5, digest) == refs);
    auto near = digest;  // a miss in the same bucket, usually with the same fingerprint
    near[15] ^= 0x01;
    const auto it = truth.find(near);
    CHECK(index.find(DigestKind::md5, near) == (it == truth.end() ? std::vector<std::uint32_t>{} : it->second));
  }
}
