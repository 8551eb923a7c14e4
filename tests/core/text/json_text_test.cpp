#include "core/text/json_text.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace triage;

TEST_CASE("JSON strings escape quotes, backslashes and control characters") {
  std::string out;
  append_json_string(out, "a\"b\\c\nd\te\x01<script>");
  CHECK(out == R"("a\"b\\c\nd\te\u0001<script>")");
  CHECK(nlohmann::json::parse(out).get<std::string>() == "a\"b\\c\nd\te\x01<script>");
}

TEST_CASE("invalid UTF-8 becomes U+FFFD so every line parses") {
  std::string out;
  append_json_string(out, "bad\xFF\xFEname");
  const auto parsed = nlohmann::json::parse(out).get<std::string>();
  CHECK(parsed == "bad\xEF\xBF\xBD\xEF\xBF\xBDname");
}

TEST_CASE("objects keep key order and omit absent optionals") {
  std::string out;
  {
    const std::optional<std::string> missing;
    JsonObject o(out);
    o.string("a", "x").number("n", std::int64_t{-3}).optional("missing", missing).boolean("b", true);
    o.number("d", 51.5073509).null("z");
  }
  CHECK(out == R"({"a":"x","n":-3,"b":true,"d":51.5073509,"z":null})");
}

TEST_CASE("bidi controls are \\u-escaped; the parsed string is unchanged") {
  const std::string name = "photo\xE2\x80\xAEgpj.exe\xE2\x81\xA6x\xE2\x80\x8F";
  std::string out;
  append_json_string(out, name);
  CHECK(out == R"("photo\u202egpj.exe\u2066x\u200f")");
  CHECK(nlohmann::json::parse(out).get<std::string>() == name);
}
