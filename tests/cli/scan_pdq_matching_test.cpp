// Perceptual (PDQ) matching in a scan, end to end, on the reference project's public test photos
// (../shared/corpus/pdq-threatexchange): edited and rotated copies of a known picture are
// probable matches naming the variant, flat images are not matched, exact matches still decide.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/digest/digests.h"
#include "core/media/sniff.h"
#include "core/pdq/pdq.h"
#include "formats/image/image_pdq.h"
#include "tests/cli/cli_runner.h"
#include "tests/cli/image_tools.h"
#include "tests/support/test_support.h"

using namespace triage;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::vector<std::vector<std::string>> read_tsv(const fs::path& file) {
  std::vector<std::vector<std::string>> rows;
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::istringstream cols(line);
    std::string cell;
    while (std::getline(cols, cell, '\t')) cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

int distance(const std::string& a, const std::string& b) {
  return hamming_distance(*PdqHash::from_hex(a), *PdqHash::from_hex(b));
}

}  // namespace

TEST_CASE("scan: edited, rotated and mirrored copies of a known picture are probable PDQ matches") {
  const auto corpus = test::require_corpus("pdq-threatexchange");
  if (!corpus) return;
  test::TempDir tmp;
  const fs::path src = tmp / "src";
  fs::create_directories(src);
  for (const char* sub : {"dih", "bridge-mods"})
    for (const auto& e : fs::directory_iterator(*corpus / "images" / sub))
      fs::copy_file(e.path(), src / (std::string(sub) + "-" + e.path().filename().string()));
  fs::copy_file(*corpus / "images/labelme-subset/q0003.jpg", src / "flat.jpg");     // quality 3
  fs::copy_file(*corpus / "images/labelme-subset/q0291.jpg", src / "other.jpg");    // unrelated
  fs::copy_file(*corpus / "images/labelme-subset/q0122.jpg", src / "exact.jpg");

  // The known set: the original bridge (category 1), the flat picture (2) and, to show that
  // an exact match decides, q0122's PDQ as category 1 while its SHA-1 is category 3 elsewhere.
  std::map<std::string, std::string> expected_pdq;
  for (const auto& row : read_tsv(*corpus / "expected-pdq.tsv")) expected_pdq[row[0]] = row[1];
  const std::string bridge = expected_pdq.at("images/dih/bridge-1-original.jpg");
  test::write_text(tmp / "known.pdq", bridge + " 1\n" + expected_pdq.at("images/labelme-subset/q0003.jpg") + " 2\n" +
                                          expected_pdq.at("images/labelme-subset/q0122.jpg") + " 1\n");
  const auto exact = digest_buffer(test::read_bytes(src / "exact.jpg"));
  test::write_text(tmp / "exact.sha1", exact.sha1 + "  exact.jpg\n");
  // A hashdeep-style list carries no category: give the exact set one through a VICS file.
  json vics;
  vics["@odata.context"] = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/UK/$metadata#Media";
  vics["value"] = json::array({{{"MediaID", 9}, {"Category", 3}, {"SHA1", exact.sha1}}});
  test::write_text(tmp / "exact.json", vics.dump());

  auto run = test::run_cli({"scan", src.string(), "--out", (tmp / "case").string(), "--format", "jsonl", "--hashset",
                            (tmp / "known.pdq").string(), "--hashset", (tmp / "exact.json").string()});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  std::map<std::string, json> items;
  for (const auto& j : test::parse_lines(run.out))
    if (j.contains("size")) items[fs::path(j["path"].get<std::string>()).filename().string()] = j;
  REQUIRE(items.size() == 23);

  // Which variant of each rotated copy comes back to the original, by the reference's own
  // dihedral hashes (expected-pdq-dihedral.tsv, full-resolution rows).
  const std::vector<std::string> names = {"orig", "rot90", "rot180", "rot270", "flipx", "flipy", "flipplus1", "flipminus1"};
  std::map<std::string, std::string> expected_variant;
  for (const auto& row : read_tsv(*corpus / "expected-pdq-dihedral.tsv")) {
    if (row[1] != "fullres" || row[0].find("images/dih/") != 0) continue;
    std::size_t best = 0;
    for (std::size_t v = 1; v < 8; ++v)
      if (distance(row[3 + v], bridge) < distance(row[3 + best], bridge)) best = v;
    expected_variant["dih-" + fs::path(row[0]).filename().string()] = names[best];
  }
  REQUIRE(expected_variant.size() == 8);

  int probable = 0;
  for (auto& entry : items) {  // no structured binding: CAPTURE's lambda takes it (clang 14)
    const auto& name = entry.first;
    auto& item = entry.second;
    CAPTURE(name);
    if (name.rfind("dih-", 0) != 0 && name.rfind("bridge-mods-", 0) != 0) continue;
    REQUIRE(item["matches"].size() == 1);
    const json& m = item["matches"][0];
    CHECK(m["hash_type"] == "pdq");
    CHECK(m["probable"] == true);
    CHECK(m["category"] == "1");
    CHECK(m["distance"].get<int>() <= 31);
    CHECK(m["quality"] == item["pdq_quality"]);
    if (name.rfind("dih-", 0) == 0) {
      CHECK(m["variant"] == expected_variant.at(name));
    } else {
      CHECK(m["variant"] == "orig");
      CHECK(m["distance"].get<int>() == distance(item["pdq"].get<std::string>(), bridge));
    }
    CHECK(item["category"] == "Category A");
    CHECK(item["category_probable"] == true);
    CHECK(item["category_reason"].get<std::string>().find("probable match (PDQ distance") == 0);
    ++probable;
  }
  CHECK(probable == 20);

  CHECK(items["flat.jpg"]["pdq_quality"].get<int>() < 50);
  CHECK(items["flat.jpg"]["matches"].empty());
  CHECK(items["other.jpg"]["matches"].empty());
  CHECK(items["other.jpg"]["category_probable"] == false);

  // exact.jpg: a probable category A and an exact category C; the exact one decides.
  const json& e = items["exact.jpg"];
  REQUIRE(e["matches"].size() == 2);
  CHECK(e["matches"][0]["hash_type"] == "sha1");
  CHECK(e["matches"][0]["probable"] == false);
  CHECK_FALSE(e["matches"][0].contains("distance"));
  CHECK(e["matches"][1]["hash_type"] == "pdq");
  CHECK(e["category"] == "Category C");
  CHECK(e["category_probable"] == false);

  // The case database and items.csv say the same.
  const std::string csv = test::read_text(tmp / "case" / "items.csv");
  CHECK(csv.find("known:alert:pdq::1:") != std::string::npos);
  // The thresholds in force are recorded with the run.
  auto again = test::run_cli({"scan", src.string(), "--out", (tmp / "case2").string(), "--format", "jsonl",
                              "--hashset", (tmp / "known.pdq").string(), "--pdq-distance", "0"});
  REQUIRE(again.exit_code == 0);
  int exact_pdq = 0;
  for (const auto& j : test::parse_lines(again.out))
    if (j.contains("size") && !j["matches"].empty()) {
      CHECK(j["matches"][0]["distance"] == 0);
      ++exact_pdq;
    }
  MESSAGE("at distance 0: " << exact_pdq << " probable matches");
  CHECK(exact_pdq >= 1);  // the original itself at least
}

TEST_CASE("scan pdq: a still image over 16 MiB (a 100-megapixel photo's size) is read whole and gets its PDQ hash") {
  if (!test::require_tools({"ffmpeg"})) return;
  test::TempDir tmp;
  fs::create_directories(tmp / "src");
  const auto big = tmp / "src" / "noise.png";  // noise does not compress: about 20 MB
  test::sh("ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi -i 'color=c=gray:s=3000x2500,noise=alls=100:allf=t' "
           "-frames:v 1 " + test::q(big));
  REQUIRE(fs::file_size(big) > (16u << 20));
  const auto bytes = test::read_bytes(big);
  const auto expected = image_pdq(sniff_media(bytes), bytes, 64'000'000);
  REQUIRE(expected);
  auto run = test::run_cli({"scan", (tmp / "src").string(), "--out", (tmp / "case").string(), "--format", "jsonl"});
  CHECK_MESSAGE(run.exit_code == 0, run.err);
  const auto lines = test::parse_lines(run.out);
  REQUIRE(lines.size() == 1);
  CHECK_FALSE(lines[0].contains("errors"));
  CHECK(lines[0]["pdq"] == expected->hash.to_hex());
  CHECK(lines[0]["pdq_quality"] == expected->quality);
  CHECK(lines[0]["sha256"] == digest_buffer(bytes).sha256);
}
