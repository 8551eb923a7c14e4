#include "formats/report/html_text.h"

#include <doctest/doctest.h>

using namespace triage;

TEST_CASE("HTML text escapes markup and quotes") {
  CHECK(html_text("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;");
  CHECK(html_text("\"><img src=x onerror=alert(1)>") == "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
  CHECK(html_text("a&b 'c'") == "a&amp;b &#39;c&#39;");
  CHECK(html_text("caf\xC3\xA9 \xE6\x97\xA5") == "caf\xC3\xA9 \xE6\x97\xA5");  // valid UTF-8 kept
}

TEST_CASE("invalid UTF-8 becomes U+FFFD; controls and bidi overrides become visible markers") {
  CHECK(html_text("bad\xFF.jpg") == "bad\xEF\xBF\xBD.jpg");
  CHECK(html_text("a\nb") == "a<span class=\"ctl\">U+000A</span>b");
  const std::string rlo = html_text("photo\xE2\x80\xAEgpj.exe");
  CHECK(rlo == "photo<span class=\"ctl\">U+202E</span>gpj.exe");
  for (const char* bidi : {"\xE2\x80\xAA", "\xE2\x80\xAB", "\xE2\x80\xAC", "\xE2\x80\xAD", "\xE2\x81\xA6",
                           "\xE2\x81\xA7", "\xE2\x81\xA8", "\xE2\x81\xA9", "\xE2\x80\x8E", "\xE2\x80\x8F",
                           "\xD8\x9C"}) {
    CAPTURE(bidi);
    const std::string out = html_text(std::string("x") + bidi + "y");
    CHECK(out.find(bidi) == std::string::npos);
    CHECK(out.find("class=\"ctl\"") != std::string::npos);
  }
}

TEST_CASE("CSS strings hex-escape everything but letters, digits and space") {
  CHECK(css_string("OP 42") == "\"OP 42\"");
  CHECK(css_string("a\"b") == "\"a\\22 b\"");
  const std::string hostile = css_string("x\";}</style><script>");
  CHECK(hostile.find('<') == std::string::npos);
  CHECK(hostile.find('"', 1) == hostile.size() - 1);
  CHECK(css_string("\xE2\x80\xAE") == "\" U+202E \"");
}
