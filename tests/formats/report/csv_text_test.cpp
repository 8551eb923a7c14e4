#include "formats/report/csv_text.h"

#include <doctest/doctest.h>

using namespace triage;

namespace {
std::string text_cell(std::string_view v) {
  std::string out;
  append_csv_text(out, v);
  return out;
}
}  // namespace

TEST_CASE("RFC 4180 quoting doubles quotes and wraps cells with separators or line breaks") {
  CHECK(text_cell("plain") == "plain");
  CHECK(text_cell("a,b") == "\"a,b\"");
  CHECK(text_cell("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(text_cell("line\nbreak") == "\"line\nbreak\"");
}

TEST_CASE("cells a spreadsheet would run as formulas are neutralised") {
  CHECK(text_cell("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0");
  CHECK(text_cell("+1") == "'+1");
  CHECK(text_cell("-2") == "'-2");
  CHECK(text_cell("@SUM(A1)") == "'@SUM(A1)");
  CHECK(text_cell("\tx") == "'\tx");
  std::string plain;
  append_csv_plain(plain, "-12.5");
  CHECK(plain == "-12.5");  // our own numbers are left alone
}
