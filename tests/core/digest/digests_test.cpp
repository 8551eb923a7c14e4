#include "core/digest/digests.h"

#include <doctest/doctest.h>

#include <random>
#include <string_view>
#include <vector>

using namespace triage;

namespace {
std::span<const std::byte> bytes_of(std::string_view s) { return std::as_bytes(std::span(s.data(), s.size())); }
}  // namespace

TEST_CASE("digests of 'abc' match the FIPS 180 and RFC 1321 test vectors") {
  const Digests d = digest_buffer(bytes_of("abc"));
  CHECK(d.md5 == "900150983cd24fb0d6963f7d28e17f72");
  CHECK(d.sha1 == "a9993e364706816aba3e25717850c26c9cd0d89d");
  CHECK(d.sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("digests of the empty input") {
  const Digests d = digest_buffer({});
  CHECK(d.md5 == "d41d8cd98f00b204e9800998ecf8427e");
  CHECK(d.sha1 == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  CHECK(d.sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("streaming and two-thread digests equal the one-buffer digest whatever the chunking") {
  std::mt19937 rng(42);
  std::vector<std::byte> data(3'000'017);
  for (auto& b : data) b = static_cast<std::byte>(rng());
  const Digests whole = digest_buffer(data);
  for (std::size_t chunk : {1u, 7u, 4096u, 65'537u, 1u << 20}) {
    CAPTURE(chunk);
    DigestSubset streaming;
    ParallelMultiDigest parallel;
    for (std::size_t off = 0; off < data.size(); off += chunk) {
      const auto piece = std::span(data).subspan(off, std::min(chunk, data.size() - off));
      streaming.update(piece);
      if (chunk >= 4096) parallel.update(piece);
    }
    const Digests s = streaming.finish();
    CHECK(s.md5 == whole.md5);
    CHECK(s.sha1 == whole.sha1);
    CHECK(s.sha256 == whole.sha256);
    if (chunk >= 4096) {
      const Digests p = parallel.finish();
      CHECK(p.md5 == whole.md5);
      CHECK(p.sha1 == whole.sha1);
      CHECK(p.sha256 == whole.sha256);
    }
  }
}

TEST_CASE("a two-thread digester starts over after finish and serves the next file") {
  ParallelMultiDigest digest;
  digest.update(bytes_of("abc"));
  CHECK(digest.finish().sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  digest.update(bytes_of("ab"));
  digest.update(bytes_of("c"));
  const Digests again = digest.finish();
  CHECK(again.md5 == "900150983cd24fb0d6963f7d28e17f72");
  CHECK(again.sha1 == "a9993e364706816aba3e25717850c26c9cd0d89d");
  CHECK(digest.finish().md5 == "d41d8cd98f00b204e9800998ecf8427e");
}

TEST_CASE("a SHA-256-only digest subset equals the full digest's SHA-256 whatever the chunking, and computes nothing else") {
  std::mt19937 rng(7);
  std::vector<std::byte> data(1'000'003);
  for (auto& b : data) b = static_cast<std::byte>(rng());
  const Digests whole = digest_buffer(data);
  for (std::size_t chunk : {1u, 4096u, 65'537u}) {
    CAPTURE(chunk);
    DigestSubset digest(false, false, true);
    for (std::size_t off = 0; off < data.size(); off += chunk)
      digest.update(std::span(data).subspan(off, std::min(chunk, data.size() - off)));
    const Digests d = digest.finish();
    CHECK(d.sha256 == whole.sha256);
    CHECK(d.md5.empty());
    CHECK(d.sha1.empty());
  }
  DigestSubset abc(false, false, true);
  abc.update(bytes_of("abc"));
  CHECK(abc.finish().sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("a digest subset computes exactly the chosen algorithms, each equal to the full digest's") {
  std::mt19937 rng(11);
  std::vector<std::byte> data(300'007);
  for (auto& b : data) b = static_cast<std::byte>(rng());
  const Digests whole = digest_buffer(data);
  for (int mask = 0; mask < 8; ++mask) {
    CAPTURE(mask);
    DigestSubset digest((mask & 1) != 0, (mask & 2) != 0, (mask & 4) != 0);
    digest.update(std::span(data).first(1000));
    digest.update(std::span(data).subspan(1000));
    const Digests d = digest.finish();
    CHECK(d.md5 == ((mask & 1) != 0 ? whole.md5 : ""));
    CHECK(d.sha1 == ((mask & 2) != 0 ? whole.sha1 : ""));
    CHECK(d.sha256 == ((mask & 4) != 0 ? whole.sha256 : ""));
  }
}
