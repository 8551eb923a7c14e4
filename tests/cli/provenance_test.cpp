// Provenance end to end: a phone-like tree of generated pictures whose EXIF exiftool writes, as a
// folder and inside FAT32 and ext4 images the test makes; every item's origin, app, own_camera,
// front_camera, stripped and indicator must equal the truth planted here.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <optional>

#include "tests/cli/cli_runner.h"
#include "tests/cli/image_tools.h"
#include "tests/support/test_support.h"

namespace triage {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using test::make_picture;
using test::q;
using test::sh;

struct Planted {
  const char* path;     // below the tree's root
  const char* exif;     // exiftool arguments; "" keeps ffmpeg's JPEG (no EXIF at all)
  const char* origin;
  const char* app;      // "" for null
  std::optional<bool> own_camera, front_camera;
  bool stripped;
  const char* indicator;
};

constexpr const char* kFront = "-Make=Apple '-Model=iPhone 12' '-LensModel=iPhone 12 front camera 2.71mm f/2.2'";
constexpr const char* kBack = "-Make=Apple '-Model=iPhone 12' '-LensModel=iPhone 12 back dual wide camera 4.2mm f/1.6'";

const std::vector<Planted>& planted() {
  static const std::vector<Planted> truth{
      {"DCIM/Camera/IMG_20240101_120000.jpg", kFront, "camera", "", true, true, false, "captured_on_device_front_camera"},
      {"DCIM/Camera/IMG_20240102_120000.jpg", kBack, "camera", "", true, false, false, "captured_on_device"},
      {"DCIM/Camera/IMG_20240103_120000.jpg", kBack, "camera", "", true, false, false, "captured_on_device"},
      {"WhatsApp/Media/WhatsApp Images/IMG-20240104-WA0001.jpg", "", "messaging_received", "whatsapp", std::nullopt,
       std::nullopt, true, "received"},
      {"WhatsApp/Media/WhatsApp Images/Sent/IMG-20240105-WA0002.jpg", "", "messaging_sent", "whatsapp", std::nullopt,
       std::nullopt, true, "unknown"},
      // The own camera's picture in a messaging folder is still the device's own.
      {"Telegram/Telegram Images/5_1234567890.jpg", kBack, "messaging", "telegram", true, false, false,
       "captured_on_device"},
      {"Pictures/Screenshots/Screenshot_20240106-120000.png", nullptr, "screenshot", "", std::nullopt, std::nullopt,
       false, "unknown"},
      {"data/data/com.android.chrome/cache/Cache/0123abcd4567ef89_0", "", "web_cache", "chrome", std::nullopt,
       std::nullopt, true, "received"},
      {"Download/PXL_20240107_120000.jpg", "-Make=Google '-Model=Pixel 7'", "download", "", false, std::nullopt, false,
       "captured_on_other_device"},
      {"Documents/Old/unlisted.jpg", "", "unknown", "", std::nullopt, std::nullopt, true, "unknown"},
  };
  return truth;
}

void build_phone_tree(const fs::path& root) {
  int hue = 0;
  for (const Planted& p : planted()) make_picture(root / p.path, hue += 30, p.exif);
}

std::map<std::string, json> provenance_by_path(const json& items, const std::string& prefix) {
  std::map<std::string, json> out;
  for (const json& item : items) {
    const std::string path = item["path"];
    if (item.contains("provenance") && path.starts_with(prefix)) out[path.substr(prefix.size())] = item["provenance"];
  }
  return out;
}

json flag(const std::optional<bool>& v) { return v ? json(*v) : json(); }

void check_planted(const std::map<std::string, json>& found) {
  CHECK(found.size() == planted().size());
  for (const Planted& p : planted()) {
    CAPTURE(p.path);
    const auto it = found.find(p.path);
    REQUIRE(it != found.end());
    const json& got = it->second;
    CHECK(got["origin"] == p.origin);
    CHECK(got["app"] == (*p.app ? json(p.app) : json()));
    CHECK(got["own_camera"] == flag(p.own_camera));
    CHECK(got["front_camera"] == flag(p.front_camera));
    CHECK(got["stripped"] == p.stripped);
    CHECK(got["indicator"] == p.indicator);
    CHECK(!got["signals"].empty() == (std::string(p.origin) != "unknown" || p.stripped || p.own_camera.has_value()));
  }
}

json report_items(const fs::path& case_dir) {
  return json::parse(test::read_text(case_dir / "report.json"))["items"];
}

// What the device databases (tests/fixtures/device_media/) plant for the files they describe.
struct DatabaseTruth {
  const char* path;
  const char* exif;
  const char* origin;
  const char* app;  // "" for null
  std::optional<bool> front_camera;
  const char* signal;  // one of the item's signals
};

const std::vector<DatabaseTruth>& database_truth() {
  static const std::vector<DatabaseTruth> truth{
      {"private/var/mobile/Media/DCIM/100APPLE/IMG_0001.JPG", "-Make=Apple '-Model=iPhone 12'", "camera", "", true,
       "db:Photos.sqlite ZIMPORTEDBY=2 (native front camera)"},
      {"private/var/mobile/Media/DCIM/100APPLE/IMG_0002.JPG", "-Make=Apple '-Model=iPhone 12'", "camera", "", false,
       "db:Photos.sqlite ZIMPORTEDBY=1 (native back camera)"},
      {"private/var/mobile/Media/DCIM/100APPLE/IMG_0003.JPG", "", "unknown", "net.whatsapp.WhatsApp", std::nullopt,
       "db:Photos.sqlite ZCREATORBUNDLEID=net.whatsapp.WhatsApp"},
      {"data/media/0/Pictures/Edited/b.jpg", "", "camera", "", std::nullopt,
       "db:external.db owner_package_name=com.sec.android.app.camera"},
      {"data/media/0/Pictures/Shared/c.jpg", "", "unknown", "com.whatsapp", std::nullopt,
       "db:external.db owner_package_name=com.whatsapp"},
      {"data/media/0/Download/d.jpg", "", "download", "", std::nullopt, "db:external.db owner_package_name=null"},
  };
  return truth;
}

void build_database_tree(const fs::path& root) {
  int hue = 0;
  for (const DatabaseTruth& t : database_truth()) make_picture(root / t.path, hue += 45, t.exif);
  const auto database = [&](const fs::path& file, const char* fixture, bool wal) {
    fs::create_directories(file.parent_path());
    const fs::path sql = test::source_dir() / "tests/fixtures/device_media" / fixture;
    sh("sqlite3 " + q(file) + (wal ? " 'PRAGMA journal_mode=WAL' '.read " : " '.read ") + sql.string() + "' > /dev/null");
  };
  database(root / "private/var/mobile/Media/PhotoData/Photos.sqlite", "photos-ios15.sql", true);
  database(root / "data/data/com.android.providers.media/databases/external.db", "external-android10.sql", false);
}

void check_database_truth(const std::map<std::string, json>& found) {
  for (const DatabaseTruth& t : database_truth()) {
    CAPTURE(t.path);
    const auto it = found.find(t.path);
    REQUIRE(it != found.end());
    const json& got = it->second;
    CHECK(got["origin"] == t.origin);
    CHECK(got["app"] == (*t.app ? json(t.app) : json()));
    CHECK(got["front_camera"] == flag(t.front_camera));
    CHECK(std::find(got["signals"].begin(), got["signals"].end(), t.signal) != got["signals"].end());
  }
  // The iPhone's own camera (two pictures in its camera roll) and the front camera the database names.
  CHECK(found.at(database_truth()[0].path)["indicator"] == "captured_on_device_front_camera");
  CHECK(found.at(database_truth()[1].path)["indicator"] == "captured_on_device");
}

}  // namespace

TEST_CASE("provenance: Photos.sqlite and MediaStore's external.db decide origin, front camera and app, in a folder "
          "and inside an ext4 image") {
  if (!test::require_tools({"ffmpeg", "exiftool", "sqlite3", "mke2fs"})) return;
  test::TempDir tmp;
  const fs::path tree = tmp / "phone";
  build_database_tree(tree);
  const auto photos_digest = test::read_bytes(tree / "private/var/mobile/Media/PhotoData/Photos.sqlite");
  const auto run = test::run_cli({"scan", tree.string(), "--out", (tmp / "case").string()});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  check_database_truth(provenance_by_path(report_items(tmp / "case"), tree.string() + "/"));
  // Read, never written: the database file is as it was.
  CHECK(test::read_bytes(tree / "private/var/mobile/Media/PhotoData/Photos.sqlite") == photos_digest);

  const fs::path ext4 = tmp / "ext4.img";
  sh("mke2fs -q -t ext4 -d " + q(tree) + " " + q(ext4) + " 8192");
  const auto image = test::run_cli({"scan", ext4.string(), "--out", (tmp / "case-ext4").string()});
  REQUIRE_MESSAGE(image.exit_code == 0, image.err);
  check_database_truth(provenance_by_path(report_items(tmp / "case-ext4"), ext4.string() + ":/"));

  // Without the databases the same pictures have only their locations and EXIF to go on.
  fs::remove(tree / "private/var/mobile/Media/PhotoData/Photos.sqlite");
  fs::remove(tree / "data/data/com.android.providers.media/databases/external.db");
  const auto bare = test::run_cli({"scan", tree.string(), "--out", (tmp / "bare").string()});
  REQUIRE_MESSAGE(bare.exit_code == 0, bare.err);
  const auto without = provenance_by_path(report_items(tmp / "bare"), tree.string() + "/");
  CHECK(without.at(database_truth()[0].path)["front_camera"].is_null());
  CHECK(without.at(database_truth()[2].path)["origin"] == "camera");  // the camera roll's location alone
  CHECK(without.at(database_truth()[3].path)["origin"] == "unknown");
}

TEST_CASE("provenance: a phone-like folder gives every planted origin, camera and indicator") {
  if (!test::require_tools({"ffmpeg", "exiftool"})) return;
  test::TempDir tmp;
  const fs::path tree = tmp / "phone";
  build_phone_tree(tree);
  const auto run = test::run_cli({"scan", tree.string(), "--out", (tmp / "case").string(), "--format", "jsonl"});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  check_planted(provenance_by_path(report_items(tmp / "case"), tree.string() + "/"));

  // items.csv carries the same, flattened.
  const auto rows = test::parse_csv(test::read_text(tmp / "case" / "items.csv"));
  REQUIRE(rows.size() > 1);
  std::map<std::string, std::size_t> column;
  for (std::size_t i = 0; i < rows[0].size(); ++i) column[rows[0][i]] = i;
  const auto in_report = provenance_by_path(report_items(tmp / "case"), "");
  int compared = 0;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto it = in_report.find(rows[r][column.at("path")]);
    if (it == in_report.end()) continue;
    const json& p = it->second;
    auto cell = [&](const char* name) { return rows[r][column.at(name)]; };
    auto text = [](const json& v) { return v.is_null() ? std::string() : v.is_boolean() ? std::string(v.get<bool>() ? "true" : "false") : v.get<std::string>(); };
    CHECK(cell("provenance_origin") == text(p["origin"]));
    CHECK(cell("provenance_app") == text(p["app"]));
    CHECK(cell("provenance_rule") == text(p["rule"]));
    CHECK(cell("provenance_camera_id") == text(p["camera_id"]));
    CHECK(cell("provenance_own_camera") == text(p["own_camera"]));
    CHECK(cell("provenance_front_camera") == text(p["front_camera"]));
    CHECK(cell("provenance_stripped") == text(p["stripped"]));
    CHECK(cell("provenance_indicator") == text(p["indicator"]));
    ++compared;
  }
  CHECK(compared == static_cast<int>(planted().size()));

  // The stream is written as items are found: the camera roll's majority is known only at the end,
  // so own_camera is null there unless the examiner names the camera, and then equals the case's.
  for (const json& line : test::parse_lines(run.out))
    if (line.contains("provenance")) CHECK(line["provenance"]["own_camera"].is_null());
  const auto named = test::run_cli({"scan", tree.string(), "--out", (tmp / "named").string(), "--format", "jsonl",
                                    "--own-camera", "Apple|iPhone 12"});
  REQUIRE_MESSAGE(named.exit_code == 0, named.err);
  std::map<std::string, json> streamed;
  for (const json& line : test::parse_lines(named.out))
    if (line.contains("provenance")) streamed[line["path"].get<std::string>().substr(tree.string().size() + 1)] = line["provenance"];
  check_planted(streamed);
  check_planted(provenance_by_path(report_items(tmp / "named"), tree.string() + "/"));  // the case agrees
}

TEST_CASE("provenance: the same tree inside FAT32 and ext4 images made here") {
  if (!test::require_tools({"ffmpeg", "exiftool", "mkfs.fat", "mcopy", "mke2fs"})) return;
  test::TempDir tmp;
  const fs::path tree = tmp / "phone";
  build_phone_tree(tree);
  const fs::path fat = tmp / "fat32.img";
  sh("mkfs.fat -C -F 32 -s 1 " + q(fat) + " 40960");
  sh("cd " + q(tree) + " && mcopy -s -i " + q(fat) + " DCIM WhatsApp Telegram Pictures data Download Documents ::/");
  const fs::path ext4 = tmp / "ext4.img";
  sh("mke2fs -q -t ext4 -d " + q(tree) + " " + q(ext4) + " 8192");
  for (const fs::path& image : {fat, ext4}) {
    CAPTURE(image);
    const fs::path case_dir = tmp / ("case-" + image.stem().string());
    const auto run = test::run_cli({"scan", image.string(), "--out", case_dir.string()});
    REQUIRE_MESSAGE(run.exit_code == 0, run.err);
    check_planted(provenance_by_path(report_items(case_dir), image.string() + ":/"));
  }
}

TEST_CASE("provenance: an examiner's origin rules decide before the built-in ones; a bad file is refused") {
  if (!test::require_tools({"ffmpeg", "exiftool"})) return;
  test::TempDir tmp;
  const fs::path tree = tmp / "phone";
  build_phone_tree(tree);
  test::write_text(tmp / "rules.json", R"({"rules_format": "triage-origin-rules/1", "rules": [
    {"id": "lab.documents.old", "path": "**/Documents/Old", "origin": "cloud_sync", "app": "lab_sync",
     "source": "https://example.org/lab-note"}]})");
  const auto run = test::run_cli({"scan", tree.string(), "--out", (tmp / "case").string(), "--origin-rules",
                                  (tmp / "rules.json").string()});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  const auto found = provenance_by_path(report_items(tmp / "case"), tree.string() + "/");
  CHECK(found.at("Documents/Old/unlisted.jpg")["rule"] == "lab.documents.old");
  CHECK(found.at("Documents/Old/unlisted.jpg")["origin"] == "cloud_sync");
  CHECK(found.at("DCIM/Camera/IMG_20240101_120000.jpg")["rule"] == "android.camera.dcim");

  test::write_text(tmp / "bad.json", R"({"rules_format": "triage-origin-rules/1", "rules": [
    {"id": "lab.bad", "path": "**/x", "origin": "selfie", "source": "s"}]})");
  const auto bad = test::run_cli({"scan", tree.string(), "--out", (tmp / "bad-case").string(), "--origin-rules",
                                  (tmp / "bad.json").string()});
  CHECK(bad.exit_code == 3);  // an input that cannot be used, as a bad hash set
  CHECK(bad.err.find("unknown origin 'selfie'") != std::string::npos);
  CHECK_FALSE(fs::exists(tmp / "bad-case" / "case.db"));
}

TEST_CASE("provenance: --faces counts faces as a signal and changes no indicator") {
  if (!test::require_tools({"ffmpeg", "exiftool"})) return;
  // A public photograph with one face (python3-imageio's astronaut.png, NASA, public domain).
  const auto astronaut =
      test::require_package_file("/usr/lib/python3/dist-packages/imageio/resources/images/astronaut.png", "python3-imageio");
  if (!astronaut || !test::require_package_file("/usr/share/opencv4/haarcascades/haarcascade_frontalface_alt2.xml",
                                                "opencv-data"))
    return;
  test::TempDir tmp;
  const fs::path tree = tmp / "phone";
  build_phone_tree(tree);
  fs::copy_file(*astronaut, tree / "WhatsApp/Media/WhatsApp Images/IMG-20240108-WA0003.png");
  fs::copy_file(*astronaut, tree / "Documents/Old/astronaut.png");
  const auto plain = test::run_cli({"scan", tree.string(), "--out", (tmp / "plain").string()});
  REQUIRE_MESSAGE(plain.exit_code == 0, plain.err);
  const auto faces = test::run_cli({"scan", tree.string(), "--out", (tmp / "faces").string(), "--faces"});
  REQUIRE_MESSAGE(faces.exit_code == 0, faces.err);
  const auto without = provenance_by_path(report_items(tmp / "plain"), tree.string() + "/");
  const auto with = provenance_by_path(report_items(tmp / "faces"), tree.string() + "/");
  REQUIRE(with.size() == planted().size() + 2);
  REQUIRE(without.size() == with.size());
  for (const auto& [path, p] : with) {
    CAPTURE(path);
    const bool photo = path.ends_with("astronaut.png") || path.ends_with("WA0003.png");
    CHECK(p["faces"] == (photo ? 1 : 0));
    CHECK(p.contains("largest_face") == photo);  // absent without a face
    if (photo) CHECK(p["largest_face"].get<double>() > 0.02);
    CHECK_FALSE(without.at(path).contains("faces"));
    json same = p;
    same.erase("faces");
    same.erase("largest_face");
    CHECK(same == without.at(path));  // faces alone never change the indicator or anything else
  }
  // case.db and items.csv carry the counts; the run records the cascade and its SHA-256.
  const auto rows = test::parse_csv(test::read_text(tmp / "faces" / "items.csv"));
  std::map<std::string, std::size_t> column;
  for (std::size_t i = 0; i < rows[0].size(); ++i) column[rows[0][i]] = i;
  int with_face = 0;
  for (std::size_t r = 1; r < rows.size(); ++r) with_face += rows[r][column.at("provenance_faces")] == "1";
  CHECK(with_face == 2);
  const std::string report = test::read_text(tmp / "faces" / "report.html");
  CHECK(report.find("haarcascade_frontalface_alt2.xml (SHA-256 ") != std::string::npos);
  // report.json with the counts still validates against its schema.
  const std::string validate = "python3 " + q(test::source_dir() / "tests/support/validate_json_schema.py") + " " +
                               q(test::source_dir() / "formats/report/report.schema.json") + " " +
                               q(tmp / "faces" / "report.json") + " > " + q(tmp / "schema.txt") + " 2>&1";
  CHECK_MESSAGE(std::system(validate.c_str()) == 0, test::read_text(tmp / "schema.txt"));

  // A model that is not a cascade, or --faces without provenance, is refused before anything runs.
  test::write_text(tmp / "model.xml", "<opencv_storage></opencv_storage>");
  const auto bad = test::run_cli({"scan", tree.string(), "--out", (tmp / "bad").string(), "--faces", "--face-model",
                                  (tmp / "model.xml").string()});
  CHECK(bad.exit_code == 3);
  CHECK(bad.err.find("not an OpenCV cascade") != std::string::npos);
  const auto off = test::run_cli({"scan", tree.string(), "--out", (tmp / "off").string(), "--faces", "--no-provenance"});
  CHECK(off.exit_code == 3);
  CHECK(off.err.find("--no-provenance") != std::string::npos);
  CHECK_FALSE(fs::exists(tmp / "off" / "case.db"));
}

}  // namespace triage
