#include "core/digest/digests.h"

#include <doctest/doctest.h>

#include <fstream>
#include <stdexcept>

#include "tests/support/test_support.h"

using namespace triage;

TEST_CASE("sha256_of_file digests the whole file and fails loudly rather than digest part of one") {
  test::TempDir dir;
  {
    std::ofstream out(dir / "abc", std::ios::binary);
    out << "abc";
  }
  CHECK(sha256_of_file(dir / "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");  // FIPS 180-2 example
  CHECK_THROWS_WITH_AS(sha256_of_file(dir / "missing"), doctest::Contains("cannot be read"), std::runtime_error);
  CHECK_THROWS_WITH_AS(sha256_of_file(dir.path()), doctest::Contains("read error"), std::runtime_error);  // EISDIR on read
}
