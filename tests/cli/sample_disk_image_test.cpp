// samples/disk/sample-fat12.img (samples/generate-disk-image.sh): the planted truth is
// samples/evidence, copied in, plus IMG_0002.jpg copied as DCIM/holiday.jpg and then deleted, plus
// a generated JPEG written into free clusters at byte 786432 (only carving finds it).
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <map>

#include "core/digest/digests.h"
#include "tests/cli/cli_runner.h"
#include "tests/support/test_support.h"

using namespace triage;
using nlohmann::json;
namespace fs = std::filesystem;

TEST_CASE("the bundled FAT12 sample image: every planted file, and the deleted JPEG recovered") {
  const fs::path samples = test::source_dir() / "samples";
  const fs::path image = samples / "disk" / "sample-fat12.img";
  test::TempDir tmp;
  auto run = test::run_cli({"scan", image.string(), "--out", (tmp / "case").string(), "--format", "jsonl"});
  CHECK_MESSAGE(run.exit_code == 0, run.err);
  std::map<std::string, json> items;  // by path inside the file system
  std::map<std::string, json> carved;  // by "unalloc@<offset>"
  for (auto& line : test::parse_lines(run.out)) {
    if (line.contains("error")) continue;  // notices
    const std::string path = line["path"];
    if (path.starts_with(image.string() + "/unalloc@")) {
      carved[path.substr(image.string().size() + 1)] = line;
      continue;
    }
    REQUIRE(path.starts_with(image.string() + ":/"));
    items[path.substr(image.string().size() + 2)] = line;
  }
  // Every planted media file is there, allocated, with the digests of the original.
  int planted = 0;
  for (const auto& entry : fs::recursive_directory_iterator(samples / "evidence")) {
    if (!entry.is_regular_file()) continue;
    const std::string rel = fs::relative(entry.path(), samples / "evidence").generic_string();
    CAPTURE(rel);
    const auto it = items.find(rel);
    REQUIRE(it != items.end());
    CHECK(it->second["deleted"] == false);
    if (it->second["media_type"] != "other") {
      ++planted;
      CHECK(it->second["md5"] == digest_buffer(test::read_bytes(entry.path())).md5);
    }
  }
  CHECK(planted >= 8);
  // The deleted JPEG: FAT overwrote the first letter of its short name; the content is intact.
  const auto deleted = items.find("DCIM/_oliday.jpg");
  REQUIRE(deleted != items.end());
  CHECK(deleted->second["deleted"] == true);
  CHECK(deleted->second["media_type"] == "image");
  CHECK(deleted->second["md5"] ==
        digest_buffer(test::read_bytes(samples / "evidence/DCIM/100TEST/IMG_0002.jpg")).md5);
  CHECK(run.err.find("verified - media SHA-256") != std::string::npos);
  // Carving: the planted picture, and the deleted one again from its free clusters.
  const auto only_carved = carved.find("unalloc@786432");
  REQUIRE(only_carved != carved.end());
  CHECK(only_carved->second["media_type"] == "image");
  CHECK(only_carved->second["mime"] == "image/jpeg");
  CHECK(only_carved->second["extension_mismatch"] == false);
  CHECK(only_carved->second.contains("pdq"));
  bool deleted_again = false;
  for (const auto& [path, item] : carved) deleted_again = deleted_again || item["md5"] == deleted->second["md5"];
  CHECK(deleted_again);
}
