#include "formats/report/review_html.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "app/case_report.h"
#include "core/digest/digests.h"
#include "formats/casedb/case_store.h"
#include "formats/profile/profile_loader.h"
#include "tests/support/test_support.h"

using namespace triage;

namespace {

// Names from seized media are hostile: markup that would close the data block, a line
// separator, invalid UTF-8.
const std::string kHostile = "evidence/</script><img src=http://192.0.2.1/x>\xe2\x80\xa8\xff.jpg";

std::string review_of_case(const test::TempDir& dir) {
  const CategoryProfile uk = load_profile("uk");
  {
    auto store = CaseStore::create(dir / "case.db");
    SourceInfo src;
    src.path = "evidence";
    src.kind = SourceKind::directory;
    store->begin_run({"2026-01-01T00:00:00Z", "triage scan evidence", R"({"pdq":true})", 1, {}}, {src});
    store->add_profile("uk", profile_source_text("uk"));
    std::uint64_t seq = 0;
    for (const bool good : {false, true, false}) {
      ItemRecord r;
      r.seq = seq++;
      r.path = r.seq == 0 ? kHostile : "evidence/f" + std::to_string(r.seq);
      r.media_type = r.seq == 2 ? MediaType::other : MediaType::image;
      r.digests = {"m" + std::to_string(r.seq), "s" + std::to_string(r.seq), "t" + std::to_string(r.seq)};
      ItemCategory c;
      c.label = good ? uk.known_good_label : uk.uncategorised_label;
      c.known_good = good;
      c.severity = uk.uncategorised_severity() + (good ? 1 : 0);
      r.category = c;
      if (r.seq == 0) {
        r.cluster = std::string(64, 'a');
        r.cluster_size = 2;
      }
      store->add_item(r);
    }
    store->commit();
    store->end_run("completed", "2026-01-01T00:00:01Z");
  }
  std::string page;
  OutputSink sink([&](std::string_view piece) { page += piece; });
  write_review_html(load_case_report(dir / "case.db"), sink);
  return page;
}

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

std::string between(const std::string& text, const std::string& open, const std::string& close) {
  const auto start = text.find(open);
  REQUIRE(start != std::string::npos);
  const auto end = text.find(close, start + open.size());
  REQUIRE(end != std::string::npos);
  return text.substr(start + open.size(), end - start - open.size());
}

}  // namespace

TEST_CASE("review.html: hostile names stay data, the policy allows its own script and style only, same bytes again") {
  test::TempDir dir;
  const std::string page = review_of_case(dir);
  CHECK(count(page, "</script") == 2);  // the data block's end and the script's, no other
  CHECK(count(page, "<img") == 0);
  const auto data = nlohmann::json::parse(
      between(page, "<script type=\"application/json\" id=\"review-data\">", "</script>"));
  REQUIRE(data["items"].size() == 2);  // still images and videos only
  const auto& columns = data["columns"];
  const auto col = [&](const char* name) {
    for (std::size_t i = 0; i < columns.size(); ++i)
      if (columns[i] == name) return i;
    FAIL("no column " << name);
    return std::size_t{0};
  };
  const auto& hostile = data["items"][0];
  // A folder is written once, in the table of folders; the row has its index and the name.
  const std::string path = data["tables"]["dir"][hostile[col("dir")].get<std::size_t>()].get<std::string>() +
                           hostile[col("name")].get<std::string>();
  CHECK(path == "evidence/</script><img src=http://192.0.2.1/x>\xe2\x80\xa8\xef\xbf\xbd.jpg");
  CHECK(data["tables"]["dir"].size() == 2);  // "evidence/" and the hostile name's own folders
  CHECK(data["tables"]["category"][hostile[col("category")].get<std::size_t>()] == "Uncategorised (needs grading)");
  CHECK(hostile[col("needs")] == 1);  // uncategorised
  CHECK(hostile[col("cluster")] == std::string(64, 'a'));
  CHECK(data["items"][1][col("needs")] == 0);  // known good
  CHECK(data["profile"]["not_indecent"] == "7");
  // The policy names the inline script and style by their SHA-256, and nothing may be fetched.
  const std::string script = between(page, "</script>\n<script>", "</script>");
  const std::string style = between(page, "<style>", "</style>");
  const std::string policy = between(page, "http-equiv=\"Content-Security-Policy\" content=\"", "\"");
  CHECK(policy.starts_with("default-src 'none'; "));
  CHECK(policy.find("script-src 'sha256-" + sha256_base64(script) + "'") != std::string::npos);
  CHECK(policy.find("style-src 'sha256-" + sha256_base64(style) + "'") != std::string::npos);
  CHECK(policy.find("img-src 'self'") != std::string::npos);
  CHECK(policy.find("http") == std::string::npos);

  test::TempDir again;
  CHECK(review_of_case(again) == page);
}

TEST_CASE("sha256_base64 gives the CSP hash source of a text") {
  // echo -n 'alert(1)' | openssl dgst -sha256 -binary | base64
  CHECK(sha256_base64("alert(1)") == "bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI=");
  CHECK(sha256_base64("") == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
}
