#include "formats/report/report_html.h"

#include <doctest/doctest.h>

#include "formats/profile/profile_loader.h"
#include "app/case_report.h"
#include "formats/casedb/case_store.h"
#include "formats/report/report_model.h"
#include "tests/support/test_support.h"

using namespace triage;

namespace {

// A case of `copies` uncategorised images of `size` bytes, `copies` known-good ones and
// `copies` walk errors, as HTML.
std::string html_of_case(const test::TempDir& dir, int copies, std::uint64_t size,
                         const std::string& options_json = R"({"pdq":true})") {
  const CategoryProfile uk = load_profile("uk");
  {
    auto store = CaseStore::create(dir / "case.db");
    SourceInfo src;
    src.path = "evidence";
    src.kind = SourceKind::directory;
    store->begin_run({"2026-01-01T00:00:00Z", "triage scan evidence", options_json, 1, {}}, {src});
    store->add_profile("uk", profile_source_text("uk"));
    std::uint64_t seq = 0;
    for (int i = 0; i < copies; ++i) {
      for (const bool good : {false, true}) {
        ItemRecord r;
        r.seq = seq++;
        r.path = "evidence/f" + std::to_string(r.seq);
        r.size = size;
        r.media_type = MediaType::image;
        r.mime = "image/jpeg";
        r.digests = {"m" + std::to_string(good), "s" + std::to_string(good), "t" + std::to_string(good)};
        ItemCategory c;
        c.label = good ? uk.known_good_label : uk.uncategorised_label;
        c.known_good = good;
        c.reason = "test";
        r.category = c;
        store->add_item(r);
      }
      WalkProblem p;
      p.seq = seq++;
      p.path = "evidence/pipe" + std::to_string(i);
      p.kind = "special_file";
      p.message = "named pipe not examined";
      store->add_problem(p);
    }
    store->commit();
    store->end_run("completed", "2026-01-01T00:00:01Z");
  }
  return render_report_html(load_case_report(dir / "case.db"));
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("report.html puts counted nouns in the singular for one, the plural otherwise") {
  test::TempDir one_dir, two_dir;
  const std::string one = html_of_case(one_dir, 1, 1);
  CHECK(has(one, ">1 instance (1 unique)<"));  // uncategorised, and known good
  CHECK(has(one, "<p>1 item, most severe first"));
  CHECK(has(one, "<p>1 entry could not be examined"));
  CHECK(has(one, ">1 byte<"));
  for (const char* wrong : {"1 instances", "1 items", "1 entries", "1 bytes"}) {
    CAPTURE(wrong);
    CHECK_FALSE(has(one, std::string(" ") + wrong));
    CHECK_FALSE(has(one, std::string(">") + wrong));
  }

  const std::string two = html_of_case(two_dir, 2, 2);
  CHECK(has(two, ">2 instances (1 unique)<"));
  CHECK(has(two, "<p>2 items, most severe first"));
  CHECK(has(two, "<p>2 entries could not be examined"));
  CHECK(has(two, ">2 bytes<"));
}

TEST_CASE("report.html states how videos were examined, as the run's options say") {
  test::TempDir plain_dir, sampled_dir, key_dir;
  const std::string plain = html_of_case(plain_dir, 1, 1);
  CHECK(has(plain, "not decoded (no --video-fps): videos are matched by exact digest only"));
  CHECK_FALSE(has(plain, "Video frame coverage"));
  const std::string sampled =
      html_of_case(sampled_dir, 1, 1, R"({"pdq":true,"video_fps":2.5,"video_match_percent":75,"pdq_min_quality":60})");
  CHECK(has(sampled, "PDQ of the frames decoded: 2.5 per second"));
  CHECK(has(sampled, "at least 75% of the known video&#39;s distinct frames"));
  CHECK(has(sampled, "of quality at least 60"));
  const std::string keys = html_of_case(key_dir, 1, 1, R"({"pdq":true,"video_fps":1,"video_keyframes":true})");
  CHECK(has(keys, "key frames only (--video-keyframes)"));
  CHECK(has(keys, "at least 80%"));
}

TEST_CASE("report.html gives a decoded video's facts in its finding") {
  test::TempDir dir;
  {
    auto store = CaseStore::create(dir / "case.db");
    SourceInfo src;
    src.path = "evidence";
    src.kind = SourceKind::directory;
    store->begin_run({"2026-01-01T00:00:00Z", "triage scan evidence --video-fps 1", R"({"pdq":true,"video_fps":1})", 1, {}},
                     {src});
    store->add_profile("uk", profile_source_text("uk"));
    const CategoryProfile uk = load_profile("uk");
    ItemRecord r;
    r.path = "evidence/clip.mp4";
    r.size = 479065;
    r.media_type = MediaType::video;
    r.mime = "video/mp4";
    r.digests = {"m", "s", "t"};
    ItemCategory c;
    c.label = uk.uncategorised_label;
    c.reason = "test";
    r.category = c;
    VideoFacts v;
    v.info = {"mov,mp4,m4a,3gp,3g2,mj2", "h264", 1280, 720, 30, 4.331, 120, "2025-06-01T10:00:00.000000Z", 90};
    v.decoded_frames = 120;
    v.sample_fps = 1;
    v.hashed_frames = 4;
    r.video = v;
    r.frames.resize(4);  // the frames table's rows, which give the count read back
    store->add_item(r);
    store->end_run("completed", "2026-01-01T00:00:01Z");
  }
  const std::string html = render_report_html(load_case_report(dir / "case.db"));
  CHECK(has(html, "<th>Video</th><td>h264, 1280 x 720 pixels, 30 frames per second, 4.331 s (container "
                  "mov,mp4,m4a,3gp,3g2,mj2); 120 frames decoded, 4 hashed; shown turned 90 degrees clockwise; "
                  "creation_time tag 2025-06-01T10:00:00.000000Z</td>"));
}
