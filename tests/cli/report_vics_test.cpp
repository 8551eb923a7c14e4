// export.vics.json: the VICS 2.0 #Cases export of a case, re-imported by `triage hashset import`.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <set>

#include "core/digest/digests.h"
#include "tests/cli/cli_runner.h"
#include "tests/cli/sample_case.h"
#include "tests/support/test_support.h"

using namespace triage;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// What report.json says one exported medium must carry.
struct Expected {
  std::string md5, sha1, sha256, pdq, category;
  std::size_t instances = 0;
};

// Still images and videos of report.json that are not excluded, by SHA-1; the category is the
// exact match's code, else "0" (not graded), as man/triage.1 (VICS EXPORT) states.
std::map<std::string, Expected> expected_media(const json& report) {
  std::set<std::string> excluded_labels;
  for (const auto& row : report["summary"]["categories"])
    if (row["excluded"].get<bool>()) excluded_labels.insert(row["label"].get<std::string>());
  std::map<std::string, Expected> media;
  for (const auto& item : report["items"]) {
    if (item["media_type"] == "other" || item["sha1"].is_null()) continue;
    if (item.contains("category") && excluded_labels.count(item["category"].get<std::string>())) continue;
    Expected& e = media[item["sha1"].get<std::string>()];
    e.md5 = item["md5"];
    e.sha1 = item["sha1"];
    e.sha256 = item["sha256"];
    e.pdq = item.value("pdq", "");
    const bool graded = item.contains("category_code") && !item["category_code"].is_null() &&
                        !item["category_probable"].get<bool>();
    e.category = graded ? item["category_code"].get<std::string>() : "0";
    ++e.instances;
  }
  return media;
}

}  // namespace

TEST_CASE("export.vics.json is a VICS 2.0 #Cases export that re-imports with identical hashes and categories") {
  test::TempDir tmp;
  const fs::path case_dir = tmp / "case";
  const auto run = test::scan_sample(case_dir);
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  const json report = json::parse(test::read_text(case_dir / "report.json"));
  const auto expected = expected_media(report);
  // The sample has graded, uncategorised and probable (PDQ-only) media, and known-good files.
  std::set<std::string> categories;
  for (const auto& [sha1, e] : expected) categories.insert(e.category);
  CHECK(categories.size() >= 3);
  CHECK(categories.count("0") == 1);

  const json vics = json::parse(test::read_text(case_dir / "export.vics.json"));
  CHECK(vics["@odata.context"].get<std::string>().ends_with("/2.0.xml/CUSTOM/$metadata#Cases"));
  REQUIRE(vics["value"].size() == 1);
  const json& c = vics["value"][0];
  CHECK(c["CaseID"] == "OP-42/2026");
  CHECK(c["ExhibitRef"] == "JB/1");
  CHECK(c["Sources"].size() == 1);
  REQUIRE(c["Media"].size() == expected.size());
  std::size_t files = 0, with_camera = 0;
  std::uint64_t id = 0;
  std::map<std::string, json> item_exif;  // by evidence path, from report.json
  for (const auto& item : report["items"]) item_exif[item["path"].get<std::string>()] = item["exif"];
  for (const auto& m : c["Media"]) {
    CHECK(m["MediaID"] == ++id);
    const std::string sha1 = lower(m["SHA1"].get<std::string>());
    REQUIRE_MESSAGE(expected.count(sha1), sha1);
    const Expected& e = expected.at(sha1);
    CHECK(lower(m["MD5"].get<std::string>()) == e.md5);
    CHECK(m["Category"].dump() == e.category);  // a number in the JSON
    CHECK(m["IsPrecategorized"] == (e.category != "0"));
    CHECK(m["MediaFiles"].size() == e.instances);
    files += m["MediaFiles"].size();
    for (const auto& f : m["MediaFiles"]) {
      CHECK(f["FilePath"].get<std::string>().ends_with("/" + f["FileName"].get<std::string>()));
      CHECK(f["IsDeleted"] == false);
      CHECK(f["Unallocated"] == false);
      CHECK(f.contains("Written"));
      // The camera exactly as the file's EXIF has it, or no key at all.
      const json& exif = item_exif.at(f["FilePath"].get<std::string>());
      for (const auto& [vics_key, exif_key] : {std::pair{"Make", "make"}, {"Model", "model"}, {"SerialNumber", "serial"}})
        CHECK((f.contains(vics_key) ? f[vics_key] : json()) == (exif.contains(exif_key) ? exif[exif_key] : json()));
      if (f.contains("Make")) ++with_camera;
    }
  }
  CHECK(files >= expected.size());
  CHECK(with_camera > 0);

  // Re-import through the tool's own importer, then look every SHA-1 up.
  const fs::path store = tmp / "reimport.db";
  const auto import = test::run_cli({"hashset", "import", (case_dir / "export.vics.json").string(), "--into",
                                     store.string()});
  REQUIRE_MESSAGE(import.exit_code == 0, import.err);
  const auto info = test::run_cli({"hashset", "info", store.string(), "--format", "jsonl"});
  REQUIRE(info.exit_code == 0);
  const auto sets = test::parse_lines(info.out);
  REQUIRE(sets.size() == 1);
  CHECK(sets[0]["record_count"] == expected.size());
  CHECK(sets[0]["rejected_records"] == 0);
  std::vector<std::string> args = {"hashset", "lookup", store.string()};
  for (const auto& [sha1, e] : expected) args.push_back(sha1);
  const auto lookup = test::run_cli(args);
  REQUIRE_MESSAGE(lookup.exit_code == 0, lookup.err);
  std::size_t pdq_records = 0;
  for (const auto& line : test::parse_lines(lookup.out)) {
    const Expected& e = expected.at(line["hash"].get<std::string>());
    REQUIRE(line["matches"].size() == 1);
    const json& r = line["matches"][0];
    CAPTURE(e.sha1);
    CHECK(r["category"] == e.category);
    CHECK(r["md5"] == e.md5);
    CHECK(r["sha1"] == e.sha1);
    CHECK(r["sha256"] == e.sha256);
    if (e.pdq.empty()) {
      CHECK(r["pdq"].is_null());
    } else {
      CHECK(r["pdq"] == e.pdq);
      ++pdq_records;
    }
  }
  CHECK(pdq_records > 0);

  // A regeneration gives the same bytes.
  const auto regen = test::run_cli({"report", case_dir.string(), "--format", "vics"});
  CHECK(regen.exit_code == 0);
  CHECK(regen.out == test::read_text(case_dir / "export.vics.json"));
}

TEST_CASE("a disk image case: the report shows the media digests before and after; the VICS export flags deleted and "
          "carved files") {
  const fs::path image = test::source_dir() / "samples" / "disk" / "sample-fat12.img";
  test::TempDir tmp;
  const fs::path case_dir = tmp / "case";
  const auto run = test::run_cli({"scan", image.string(), "--out", case_dir.string(), "--hashset",
                                  (test::sample_hash_sets() / "sample-uk.vics.json").string()});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  const std::string sha256 = digest_buffer(test::read_bytes(image)).sha256;

  const json report = json::parse(test::read_text(case_dir / "report.json"));
  REQUIRE(report["sources"].size() == 1);
  const json& source = report["sources"][0];
  CHECK(source["kind"] == "disk_image");
  CHECK(source["integrity"] == "verified");
  CHECK(source["digests_before"]["sha256"] == sha256);
  CHECK(source["digests_after"]["sha256"] == sha256);
  const std::string html = test::read_text(case_dir / "report.html");
  const auto section = html.find("6. Evidence integrity");
  REQUIRE(section != std::string::npos);
  CHECK(html.find(sha256, section) < html.find("7. Findings"));
  CHECK(html.find(">verified<", section) != std::string::npos);

  const json vics = json::parse(test::read_text(case_dir / "export.vics.json"));
  bool deleted = false, carved = false;
  for (const auto& m : vics["value"][0]["Media"])
    for (const auto& f : m["MediaFiles"]) {
      const std::string path = f["FilePath"];
      if (path.ends_with("DCIM/_oliday.jpg")) deleted = f["IsDeleted"] == true && f["Unallocated"] == false;
      if (path.ends_with("/unalloc@786432")) carved = f["Unallocated"] == true;  // and deleted, as the carver says
    }
  CHECK(deleted);
  CHECK(carved);
}
