#include "core/text/hex.h"
#include "core/text/utf8.h"

#include <doctest/doctest.h>

using namespace triage;

TEST_CASE("UTF-8 validation follows RFC 3629") {
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("plain ascii"));
  CHECK(is_valid_utf8("\xC3\xADmynd.dd"));          // í
  CHECK(is_valid_utf8("\xF0\x9F\x93\xB7"));         // U+1F4F7
  CHECK_FALSE(is_valid_utf8("\xFF"));
  CHECK_FALSE(is_valid_utf8("\xC0\xAF"));           // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));       // surrogate
  CHECK_FALSE(is_valid_utf8("\xE2\x82"));           // truncated
  CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));   // above U+10FFFF
}

TEST_CASE("lossy conversion replaces each bad byte and keeps the rest") {
  CHECK(to_utf8_lossy("a\xFF" "b") == "a\xEF\xBF\xBD" "b");
  CHECK(to_utf8_lossy("\xC3\xAD") == "\xC3\xAD");
  CHECK(to_hex("a\xFF") == "61ff");
}
