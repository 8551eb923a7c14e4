#include "app/case_report.h"
#include "formats/casedb/case_store.h"
#include "formats/report/report_model.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "formats/profile/profile_loader.h"
#include "formats/report/report_json.h"
#include "tests/support/test_support.h"

using namespace triage;

namespace {

ItemRecord media(std::uint64_t seq, std::uint32_t source, const std::string& sha1, MediaType type,
                 std::optional<ItemCategory> category) {
  ItemRecord r;
  r.seq = seq;
  r.source_index = source;
  r.path = "src" + std::to_string(source) + "/f" + std::to_string(seq);
  r.size = 10;
  r.media_type = type;
  r.mime = type == MediaType::video ? "video/mp4" : "image/jpeg";
  r.digests = {"md5-" + sha1, sha1, "sha256-" + sha1};
  r.fs.mtime = 1'714'556'430'000'000'000;  // 2024-05-01 UTC
  r.category = std::move(category);
  return r;
}

ItemCategory category(const std::string& label, const std::string& code, int severity, bool probable = false,
                      bool known_good = false) {
  ItemCategory c;
  c.label = label;
  c.code = code;
  c.severity = severity;
  c.probable = probable;
  c.known_good = known_good;
  c.reason = "test";
  return c;
}

}  // namespace

TEST_CASE("the report model counts unique and instances per category, kind and source, severity first") {
  test::TempDir dir;
  const CategoryProfile uk = load_profile("uk");
  {
    auto store = CaseStore::create(dir / "case.db");
    SourceInfo src_a, src_b;
    src_a.path = "a";
    src_a.kind = SourceKind::directory;
    src_b.index = 1;
    src_b.path = "b";
    src_b.kind = SourceKind::directory;
    store->begin_run({"2026-01-01T00:00:00Z", "triage scan a b", R"({"pdq":true,"pdq_max_distance":20,"pdq_min_quality":60})", 2, {}},
                     {src_a, src_b});
    store->add_profile("uk", profile_source_text("uk"));
    store->set_case_details({"OP-1", "", "", "", ""});
    const auto c = category("Category C", "3", 3);
    const auto a = category("Category A", "1", 1);
    store->add_item(media(0, 0, "c1", MediaType::image, c));
    store->add_item(media(1, 0, "c1", MediaType::image, c));  // a copy: 2 instances, 1 unique
    store->add_item(media(2, 1, "c1", MediaType::image, c));  // and one more in source 1
    store->add_item(media(3, 1, "a1", MediaType::image, category("Category A", "1", 1, true)));  // probable
    store->add_item(media(4, 1, "a2", MediaType::video, a));
    store->add_item(media(5, 0, "k1", MediaType::image, category(uk.known_good_label, "", 9, false, true)));
    auto unc = media(6, 0, "u1", MediaType::image, category(uk.uncategorised_label, "", 8));
    unc.exif.datetime_original = "2023:12:24 18:00:00";
    store->add_item(unc);
    WalkProblem p;
    p.seq = 7;
    p.path = "a/fifo";
    p.kind = "special_file";
    p.message = "named pipe not examined";
    store->add_problem(p);
    store->end_run("completed", "2026-01-01T00:00:01Z");
  }
  const CaseReport r = load_case_report(dir / "case.db");
  CHECK(r.details.case_ref == "OP-1");
  CHECK(r.sources.size() == 2);
  CHECK(r.thresholds.pdq_max_distance == 20);
  CHECK(r.thresholds.pdq_min_quality == 60);
  CHECK(r.stills == 6);
  CHECK(r.videos == 1);
  CHECK(r.error_count == 1);

  // Every profile category, then uncategorised, then known good; the probable A after exact A.
  REQUIRE(r.categories.size() == uk.categories.size() + 3);
  CHECK(r.categories[0].label == "Category A");
  CHECK_FALSE(r.categories[0].probable);
  CHECK(r.categories[1].label == "Category A");
  CHECK(r.categories[1].probable);
  CHECK(r.categories.back().excluded);

  const CategoryRow* c = r.row("Category C", false);
  REQUIRE(c);
  CHECK(c->all[kStill].instances == 3);
  CHECK(c->all[kStill].unique == 1);
  CHECK(c->by_source.at(0)[kStill].instances == 2);
  CHECK(c->by_source.at(0)[kStill].unique == 1);
  CHECK(c->by_source.at(1)[kStill].instances == 1);
  CHECK(r.row("Category A", false)->all[kMoving].instances == 1);
  CHECK(r.row("Category A", false)->all[kStill].instances == 0);
  CHECK(r.row("Category A", true)->all[kStill].unique == 1);
  CHECK(r.row(uk.known_good_label, false)->all[kStill].instances == 1);
  CHECK(r.row(uk.uncategorised_label, false)->uncategorised);

  // Findings: severity order, exact before probable, known good left out.
  CHECK(r.findings == std::vector<std::uint64_t>{4, 3, 0, 1, 2, 6});
  CHECK(r.item_count == 7);

  // Timeline: one EXIF date (2023-12), five by mtime (2024-05), known good left out.
  CHECK(r.timeline.exif_dated == 1);
  CHECK(r.timeline.mtime_dated == 5);
  REQUIRE(r.timeline.bins.size() == 6);
  CHECK(r.timeline.bins.front().period == "2023-12");
  CHECK(r.timeline.bins.front().exif == 1);
  CHECK(r.timeline.bins.back().period == "2024-05");
  CHECK(r.timeline.bins.back().mtime == 5);

  const std::string text = render_report_json(r);
  CHECK(text == render_report_json(load_case_report(dir / "case.db")));  // deterministic
  const auto j = nlohmann::json::parse(text);
  CHECK(j["schema"] == "triage-report/2");
  CHECK(j["case"]["case_ref"] == "OP-1");
  CHECK(j["case"]["examiner"].is_null());
  CHECK(j["items"][1]["seq"] == 1);
  CHECK(j["items"][1]["sha1"] == "c1");
  CHECK(j["findings"] == nlohmann::json::array({4, 3, 0, 1, 2, 6}));
  CHECK(j["summary"]["categories"][0]["all_sources"]["moving"]["instances"] == 1);
  CHECK(j["errors"][0]["stage"] == "special_file");
  CHECK_THROWS(load_case_report(dir / "missing.db"));
}

TEST_CASE("the report counts real SHA-1 digests once each and streams its items from case.db in pieces") {
  test::TempDir dir;
  const std::string x(40, 'a'), y = std::string(39, 'a') + "b";  // two SHA-1 digests, one byte apart
  {
    auto store = CaseStore::create(dir / "case.db");
    SourceInfo src;
    src.path = "a";
    src.kind = SourceKind::directory;
    store->begin_run({"2026-01-01T00:00:00Z", "triage scan a", "{}", 1, {}}, {src});
    store->add_profile("uk", profile_source_text("uk"));
    const auto c = category("Category C", "3", 3);
    store->add_item(media(0, 0, x, MediaType::image, c));
    store->add_item(media(1, 0, y, MediaType::image, c));
    store->add_item(media(2, 0, x, MediaType::image, c));
    store->add_item(media(3, 0, "", MediaType::image, c));  // not digested: unique by itself
    store->add_item(media(4, 0, "", MediaType::image, c));
    store->end_run("completed", "2026-01-01T00:00:01Z");
  }
  const CaseReport r = load_case_report(dir / "case.db");
  const CategoryRow* row = r.row("Category C", false);
  REQUIRE(row);
  CHECK(row->all[kStill].instances == 5);
  CHECK(row->all[kStill].unique == 4);

  std::vector<std::uint64_t> seen;
  r.for_each_item_of({2, 0}, [&](const ItemRecord& item) { seen.push_back(item.seq); });
  CHECK(seen == std::vector<std::uint64_t>{2, 0});
  CHECK_THROWS(r.for_each_item_of({9}, [](const ItemRecord&) {}));

  // Pieces of about 64 bytes reach the consumer while the items are rendered, in order.
  std::vector<std::string> pieces;
  OutputSink sink([&](std::string_view piece) { pieces.emplace_back(piece); }, 64);
  write_report_json(r, sink);
  CHECK(pieces.size() > 5);
  std::string joined;
  for (const auto& p : pieces) joined += p;
  CHECK(joined == render_report_json(r));
}
