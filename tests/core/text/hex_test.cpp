#include "core/text/hex.h"

#include <doctest/doctest.h>

#include <array>
#include <random>
#include <string>

using triage::parse_hex;
using triage::parse_hex_into;

namespace {

// The obvious definition, one character at a time, as the oracle for the vectorised parser.
bool reference_parse(const std::string& hex, std::vector<std::uint8_t>& out) {
  const auto value = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  out.assign(hex.size() / 2, 0);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = value(hex[2 * i]), lo = value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return true;
}

}  // namespace

TEST_CASE("hex: digests of every length decode in either case") {
  const auto md5 = parse_hex("d41d8cd98f00b204e9800998ecf8427E");
  REQUIRE(md5);
  CHECK(md5->size() == 16);
  CHECK((*md5)[0] == 0xd4);
  CHECK((*md5)[15] == 0x7e);
  CHECK_FALSE(parse_hex("abc"));   // odd length
  CHECK(parse_hex("")->empty());
  std::array<std::uint8_t, 4> four{};
  CHECK_FALSE(parse_hex_into("0011223", four));  // wrong length for the span
  CHECK(parse_hex_into("00112233", four));
  CHECK(four[3] == 0x33);
}

TEST_CASE("hex: every byte value in every position agrees with the one-character definition") {
  // Each of the 256 byte values at each position of a 64-character (SHA-256) string, whose
  // first 48 characters go through the 16-at-a-time path and the last 16 too, and of a
  // 40-character (SHA-1) string whose tail goes through the scalar loop.
  for (const std::size_t length : {std::size_t{64}, std::size_t{40}, std::size_t{32}}) {
    const std::string base(length, 'a');
    for (std::size_t pos = 0; pos < length; ++pos)
      for (int b = 0; b < 256; ++b) {
        std::string hex = base;
        hex[pos] = static_cast<char>(b);
        std::vector<std::uint8_t> want;
        const bool ok = reference_parse(hex, want);
        std::vector<std::uint8_t> got(length / 2, 0);
        const bool parsed = parse_hex_into(hex, got);
        REQUIRE(parsed == ok);
        if (ok) REQUIRE(got == want);
      }
  }
}

TEST_CASE("hex: random mixed-case strings decode exactly") {
  std::mt19937 rng(7);
  const std::string digits = "0123456789abcdefABCDEF";
  for (int round = 0; round < 2000; ++round) {
    std::string hex(2 * (1 + rng() % 40), '0');
    for (auto& c : hex) c = digits[rng() % digits.size()];
    std::vector<std::uint8_t> want;
    REQUIRE(reference_parse(hex, want));
    const auto got = parse_hex(hex);
    REQUIRE(got);
    CHECK(*got == want);
  }
}
