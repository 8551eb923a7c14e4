// Conformance against the shared corpus (needs ../shared/corpus: exif-samples, libexif-testdata).
// Oracles: expected-hashes.tsv (sha256sum & co.) and ExifTool 12.57's expected-exif.json.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "tests/cli/cli_runner.h"
#include "tests/support/test_support.h"

using namespace triage;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct ExpectedHashes {
  std::string md5, sha1, sha256;
};

// expected-hashes.tsv: filename, size, md5, sha1, sha256 (header line first).
std::map<std::string, ExpectedHashes> read_expected_hashes(const fs::path& file) {
  std::map<std::string, ExpectedHashes> out;
  std::istringstream in(test::read_text(file));
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::istringstream cells(line);
    std::string name, size, md5, sha1, sha256;
    std::getline(cells, name, '\t');
    std::getline(cells, size, '\t');
    std::getline(cells, md5, '\t');
    std::getline(cells, sha1, '\t');
    std::getline(cells, sha256, '\t');
    out[name] = {md5, sha1, sha256};
  }
  return out;
}

// triage scan --format jsonl over the folder, keyed by path relative to it.
// libexif's maker-note test files are JPEG headers with EXIF and no image data (no SOS
// segment): their decode error is the truth, and the only error allowed.
std::map<std::string, json> scan_folder(const fs::path& folder, bool only_decode_errors_allowed) {
  test::TempDir tmp;
  auto run = test::run_cli({"scan", folder.string(), "--out", (tmp / "case").string(), "--all-files", "--format", "jsonl"});
  CHECK_MESSAGE(run.exit_code == (only_decode_errors_allowed ? 1 : 0), run.err);
  std::map<std::string, json> items;
  std::istringstream in(run.out);
  std::string line;
  while (std::getline(in, line)) {
    json item = json::parse(line);
    if (item.contains("errors")) {
      CAPTURE(line);
      CHECK(only_decode_errors_allowed);
      for (const auto& e : item["errors"]) CHECK(e["stage"] == "decode");
    }
    const std::string path = item["path"].get<std::string>();
    items[path.substr(folder.string().size() + 1)] = std::move(item);
  }
  return items;
}

struct FieldTally {
  int files = 0, fields = 0;
};

void compare_folder(const std::string& sub, FieldTally& hashes, FieldTally& exif) {
  auto folder = test::require_corpus(sub);
  if (!folder) return;
  const auto items = scan_folder(*folder, sub == "libexif-testdata");

  for (const auto& entry : read_expected_hashes(*folder / "expected-hashes.tsv")) {
    const auto& name = entry.first;
    const auto& expected = entry.second;
    CAPTURE(name);
    const auto it = items.find(name);
    REQUIRE(it != items.end());
    CHECK(it->second["md5"] == expected.md5);
    CHECK(it->second["sha1"] == expected.sha1);
    CHECK(it->second["sha256"] == expected.sha256);
    ++hashes.files;
    hashes.fields += 3;
  }

  // ExifTool -n -G: EXIF:* strings as stored, Composite:GPS* signed decimal degrees.
  const json expected = json::parse(test::read_text(*folder / "expected-exif.json"));
  const std::pair<const char*, const char*> text_fields[] = {
      {"make", "EXIF:Make"}, {"model", "EXIF:Model"}, {"datetime_original", "EXIF:DateTimeOriginal"}};
  for (const auto& file : expected) {
    const std::string name = file["SourceFile"].get<std::string>().substr(2);  // "./x" -> "x"
    CAPTURE(name);
    const auto it = items.find(name);
    REQUIRE(it != items.end());
    const json& ours = it->second["exif"];
    ++exif.files;
    for (const auto& [key, tool_key] : text_fields) {
      const std::string field = key;
      CAPTURE(field);
      if (!file.contains(tool_key)) {
        CHECK_FALSE(ours.contains(key));
        continue;
      }
      std::string theirs = file[tool_key].is_string() ? file[tool_key].get<std::string>() : file[tool_key].dump();
      REQUIRE(ours.contains(key));
      CHECK(ours[key].get<std::string>() == theirs);
      ++exif.fields;
    }
    for (const auto& [key, tool_key] : {std::pair{"gps_lat", "Composite:GPSLatitude"}, std::pair{"gps_lon", "Composite:GPSLongitude"}}) {
      const std::string field = key;
      CAPTURE(field);
      if (!file.contains(tool_key)) {
        CHECK_FALSE(ours.contains(key));
        continue;
      }
      REQUIRE(ours.contains(key));
      CHECK(std::fabs(ours[key].get<double>() - file[tool_key].get<double>()) <= 1e-6);
      ++exif.fields;
    }
    if (file.contains("EXIF:Orientation")) {
      REQUIRE(ours.contains("orientation"));
      CHECK(ours["orientation"].get<int>() == file["EXIF:Orientation"].get<int>());
      ++exif.fields;
    } else {
      CHECK_FALSE(ours.contains("orientation"));
    }
  }
}

}  // namespace

TEST_CASE("corpus: digests equal expected-hashes.tsv and EXIF equals ExifTool's") {
  FieldTally hashes, exif;
  compare_folder("exif-samples", hashes, exif);
  compare_folder("libexif-testdata", hashes, exif);
  MESSAGE("compared digests of " << hashes.files << " files (" << hashes.fields << " values) and EXIF of "
          << exif.files << " files (" << exif.fields << " fields present in ExifTool's output)");
}
