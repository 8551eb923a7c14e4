// Scan-time hash-set matching and categorisation, end to end (synthetic sets over benign files).
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <sstream>

#include "core/digest/digests.h"
#include "tests/cli/cli_runner.h"
#include "tests/support/test_support.h"

using namespace triage;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

Digests digests_of(const fs::path& file) { return digest_buffer(test::read_bytes(file)); }

// A VICS 2.0 export (UK shape) with one Media record per (file, category).
std::string vics(const std::vector<std::pair<fs::path, int>>& media) {
  json doc;
  doc["@odata.context"] = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/UK/$metadata#Media";
  doc["value"] = json::array();
  int id = 1;
  for (const auto& [file, category] : media) {
    const auto d = digests_of(file);
    doc["value"].push_back({{"MediaID", id++}, {"Category", category}, {"MD5", d.md5}, {"SHA1", d.sha1}});
  }
  return doc.dump(1);
}

std::map<std::string, json> items_by_name(const std::string& jsonl) {
  std::map<std::string, json> out;
  std::istringstream in(jsonl);
  std::string line;
  while (std::getline(in, line)) {
    json j = json::parse(line);
    if (!j.contains("size")) continue;
    out[fs::path(j["path"].get<std::string>()).filename().string()] = j;
  }
  return out;
}

}  // namespace

TEST_CASE("planted matches give the expected category per item, known-good exclusion and a conflict") {
  test::TempDir tmp;
  const fs::path ev = test::source_dir() / "samples" / "evidence";
  const fs::path src = tmp / "src";
  fs::create_directory(src);
  fs::copy_file(ev / "DCIM/100TEST/IMG_0001.jpg", src / "a.jpg");
  fs::copy_file(ev / "Pictures/pattern.png", src / "b.png");
  fs::copy_file(ev / "Pictures/bars.gif", src / "c.gif");
  fs::copy_file(ev / "Pictures/grid.bmp", src / "d.bmp");
  fs::copy_file(ev / "Documents/notes.txt", src / "e.txt");
  test::write_text(tmp / "national.json", vics({{src / "a.jpg", 1}, {src / "b.png", 3}}));
  test::write_text(tmp / "regional.json", vics({{src / "b.png", 2}}));
  test::write_text(tmp / "known.md5", digests_of(src / "c.gif").md5 + "  c.gif\n");

  auto run = test::run_cli({"scan", src.string(), "--out", (tmp / "case").string(), "--format", "jsonl", "--hashset",
                            (tmp / "national.json").string(), "--hashset", (tmp / "regional.json").string(),
                            "--known-good", (tmp / "known.md5").string()});
  CHECK_MESSAGE(run.exit_code == 0, run.err);
  auto items = items_by_name(run.out);
  REQUIRE(items.size() == 5);

  CHECK(items["a.jpg"]["category"] == "Category A");
  CHECK(items["a.jpg"]["category_code"] == "1");
  REQUIRE(items["a.jpg"]["matches"].size() == 1);
  CHECK(items["a.jpg"]["matches"][0]["set"] == "national");
  CHECK(items["a.jpg"]["matches"][0]["role"] == "alert");
  CHECK(items["a.jpg"]["matches"][0]["hash_type"] == "sha1");
  CHECK(items["a.jpg"]["matches"][0]["media_id"] == "1");

  CHECK(items["b.png"]["category"] == "Category B");  // 3 from one set, 2 from another: most severe
  CHECK(items["b.png"]["category_conflict"] == true);
  CHECK(items["b.png"]["matches"].size() == 2);

  CHECK(items["c.gif"]["category"] == "Known good (excluded)");
  CHECK(items["c.gif"]["known_good"] == true);
  CHECK(items["c.gif"]["matches"][0]["role"] == "known");
  CHECK(items["c.gif"]["matches"][0]["hash_type"] == "md5");

  CHECK(items["d.bmp"]["category"] == "Uncategorised (needs grading)");
  CHECK(items["d.bmp"]["matches"].empty());
  CHECK_FALSE(items["e.txt"].contains("category"));  // not media, matched nothing

  // The summary counts stills per category, known-good apart.
  auto summary = test::run_cli({"scan", src.string(), "--out", (tmp / "case2").string(), "--hashset",
                                (tmp / "national.json").string(), "--known-good", (tmp / "known.md5").string()});
  CHECK(summary.out.find("Category A") != std::string::npos);
  CHECK(summary.out.find("Known good (excluded)") != std::string::npos);
  CHECK(summary.out.find("hash-set matches    3 items") != std::string::npos);
  // The imported sets are part of the case and covered by its checksums.
  const std::string sums = test::read_text(tmp / "case2" / "SHA256SUMS");
  CHECK(sums.find("  hashsets.db\n") != std::string::npos);
  CHECK(sums.find("  case.db\n") != std::string::npos);
}

TEST_CASE("an unusable hash set stops the scan before anything is examined") {
  test::TempDir tmp;
  fs::create_directory(tmp / "src");
  test::write_text(tmp / "broken.json", R"({"@odata.context": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/UK/$metadata#Media", "value": [{"MD5": )");
  auto run = test::run_cli({"scan", (tmp / "src").string(), "--out", (tmp / "case").string(), "--hashset",
                            (tmp / "broken.json").string()});
  CHECK(run.exit_code == 3);
  CHECK(run.err.find("broken.json") != std::string::npos);
  CHECK_FALSE(fs::exists(tmp / "case" / "case.db"));
  CHECK(test::run_cli({"scan", (tmp / "src").string(), "--out", (tmp / "c2").string(), "--profile", "nope"}).exit_code == 2);
}
