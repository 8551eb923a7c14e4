// Near-duplicate clusters end to end: generated pictures (FFmpeg's test sources) with planted
// near-duplicates, re-encoded, resized, cropped a little, mirrored, and copied, beside unrelated
// pictures: every planted group is one cluster named by its first member's SHA-256, nothing
// unrelated joins, and the clusters do not depend on --jobs.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <map>
#include <set>

#include "tests/cli/cli_runner.h"
#include "tests/cli/image_tools.h"
#include "tests/support/test_support.h"

namespace triage {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using test::q;
using test::sh;

// Smooth sources: a near-duplicate of one stays within PDQ's 31 bits (measured: 12 to 28).
constexpr const char* kGroups[] = {"mandelbrot", "testsrc2", "smptehdbars"};
// Unrelated sources (high-frequency patterns, and a flat gradient whose PDQ quality is too low to join).
constexpr const char* kUnrelated[] = {"cellauto=rule=110:size=320x240", "life=mold=10:ratio=0.3:size=320x240",
                                     "gradients=seed=3:size=320x240", "rgbtestsrc=size=320x240"};

void picture(const std::string& source, const std::string& filter, const fs::path& file) {
  fs::create_directories(file.parent_path());
  sh("ffmpeg -loglevel error -y -f lavfi -i '" + source + "' -frames:v 1 " + filter + " " + q(file));
}

// The planted groups, by member path below the tree, each group in walk (name) order.
std::vector<std::vector<std::string>> build_cluster_tree(const fs::path& root) {
  std::vector<std::vector<std::string>> groups;
  for (const char* name : kGroups) {
    const std::string g = name, src = g + "=size=320x240";
    picture(src, "", root / g / "a_original.png");
    picture(src, "-q:v 20", root / g / "b_reencoded.jpg");
    picture(src, "-vf scale=240:180", root / g / "c_resized.png");
    picture(src, "-vf crop=iw*0.98:ih*0.98", root / g / "d_cropped.png");
    picture(src, "-vf hflip", root / g / "e_mirrored.png");
    fs::copy_file(root / g / "a_original.png", root / "z_copies" / (g + ".png"));
    groups.push_back({g + "/a_original.png", g + "/b_reencoded.jpg", g + "/c_resized.png", g + "/d_cropped.png",
                      g + "/e_mirrored.png", "z_copies/" + g + ".png"});
  }
  int k = 0;
  for (const char* source : kUnrelated)
    picture(source, "", root / "unrelated" / ("u" + std::to_string(k++) + ".png"));
  return groups;
}

std::map<std::string, json> items_by_path(const std::string& jsonl, const std::string& prefix) {
  std::map<std::string, json> out;
  for (const json& item : test::parse_lines(jsonl)) out[item["path"].get<std::string>().substr(prefix.size())] = item;
  return out;
}

}  // namespace

TEST_CASE("clusters: planted near-duplicates are one cluster each, unrelated pictures none, whatever --jobs") {
  if (!test::require_tools({"ffmpeg"})) return;
  test::TempDir tmp;
  const fs::path tree = tmp / "tree";
  fs::create_directories(tree / "z_copies");
  const auto groups = build_cluster_tree(tree);

  std::map<std::string, json> by_jobs[2];
  for (int jobs : {1, 2}) {
    const fs::path case_dir = tmp / ("case" + std::to_string(jobs));
    const auto scan = test::run_cli({"scan", tree.string(), "--out", case_dir.string(), "--jobs", std::to_string(jobs),
                                     "--format", "jsonl"});
    REQUIRE_MESSAGE(scan.exit_code == 0, scan.err);
    for (const json& line : test::parse_lines(scan.out)) CHECK_FALSE(line.contains("cluster"));  // decided after the walk
    const auto report = test::run_cli({"report", case_dir.string(), "--format", "jsonl"});
    REQUIRE_MESSAGE(report.exit_code == 0, report.err);
    by_jobs[jobs - 1] = items_by_path(report.out, tree.string() + "/");
  }
  const auto& items = by_jobs[0];
  REQUIRE(items.size() == 3 * 6 + 4);

  std::set<std::string> planted_clusters;
  for (const auto& group : groups) {
    const std::string first_sha256 = items.at(group.front())["sha256"];
    for (const std::string& member : group) {
      CAPTURE(member);
      CHECK(items.at(member)["cluster"] == first_sha256);
      CHECK(items.at(member)["cluster_size"] == group.size());
    }
    planted_clusters.insert(first_sha256);
  }
  CHECK(planted_clusters.size() == 3);
  for (const auto& [path, item] : items) {
    if (!path.starts_with("unrelated/")) continue;
    CAPTURE(path);
    CHECK(item["cluster"] == item["sha256"]);  // alone
    CHECK(item["cluster_size"] == 1);
  }
  // --jobs 2 gives the same clusters.
  for (const auto& [path, item] : items) {
    CAPTURE(path);
    CHECK(by_jobs[1].at(path)["cluster"] == item["cluster"]);
    CHECK(by_jobs[1].at(path)["cluster_size"] == item["cluster_size"]);
  }

  // items.csv and case.db carry them; --cluster-distance 0 leaves the exact copies joined, and the
  // exact mirror image (its hash is the original's mirror hash bit for bit).
  const auto rows = test::parse_csv(test::read_text(tmp / "case1" / "items.csv"));
  REQUIRE(rows.size() == items.size() + 1);
  CHECK(rows[0][rows[0].size() - 2] == "cluster");
  CHECK(rows[0].back() == "cluster_size");
  const auto exact = test::run_cli({"scan", tree.string(), "--out", (tmp / "exact").string(), "--cluster-distance", "0"});
  REQUIRE_MESSAGE(exact.exit_code == 0, exact.err);
  const auto exact_items =
      items_by_path(test::run_cli({"report", (tmp / "exact").string(), "--format", "jsonl"}).out, tree.string() + "/");
  CHECK(exact_items.at("mandelbrot/a_original.png")["cluster_size"] == 3);
  CHECK(exact_items.at("z_copies/mandelbrot.png")["cluster"] == exact_items.at("mandelbrot/a_original.png")["sha256"]);
  CHECK(exact_items.at("mandelbrot/e_mirrored.png")["cluster"] == exact_items.at("mandelbrot/a_original.png")["sha256"]);
  CHECK(exact_items.at("mandelbrot/b_reencoded.jpg")["cluster_size"] == 1);
  CHECK(exact_items.at("mandelbrot/c_resized.png")["cluster_size"] == 1);
}

}  // namespace triage
