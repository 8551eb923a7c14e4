// Archives among the evidence: every member an item of its own, compared with what the archive
// tools themselves list and extract (unzip, GNU tar, 7-Zip: implementations independent of
// libarchive), nested archives, encrypted members, damaged archives, phone-shaped extractions.
// The archives are made here from the benign sample files (Python's zipfile/tarfile, 7z, zstd);
// the RAR ones are libarchive's published test archives (tests/fixtures/archives/README.md).
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "core/digest/digests.h"
#include "core/evidence/evidence_path.h"
#include "tests/cli/cli_runner.h"
#include "tests/cli/image_listing.h"
#include "tests/cli/image_tools.h"
#include "tests/support/test_support.h"

using namespace triage;
using nlohmann::json;
namespace fs = std::filesystem;
using test::q;
using test::require_tools;
using test::sample;
using test::sh;

namespace {

struct Member {
  std::uint64_t size = 0;
  std::string md5, sha1, sha256;
};

enum class Tool { unzip, tar, sevenzip };

Member member_of(const std::string& content) {
  const Digests d = digest_buffer(std::as_bytes(std::span(content.data(), content.size())));
  return {content.size(), d.md5, d.sha1, d.sha256};
}

// name -> size and digests of every regular member, as the archive's own tool lists and extracts it.
std::map<std::string, Member> listed_by_tool(const fs::path& archive, Tool tool) {
  std::map<std::string, Member> out;
  std::vector<std::string> names;
  bool ok = false;
  if (tool == Tool::sevenzip) {
    // -slt: one "Path = " per entry, "Folder = +" for a folder; a symbolic link has "Symbolic Link = ".
    std::istringstream lines(test::command_output("7z l -slt " + q(archive), &ok));
    REQUIRE(ok);
    std::string line, path;
    bool folder = false, link = false, entries = false;  // entries follow the "----------" line
    auto flush = [&] {
      if (!path.empty() && !folder && !link) names.push_back(path);
      path.clear();
      folder = link = false;
    };
    while (std::getline(lines, line)) {
      if (line == "----------") entries = true;
      if (!entries) continue;
      if (line.starts_with("Path = ")) {
        flush();
        path = line.substr(7);
      } else if (line == "Folder = +" || line.starts_with("Attributes = D")) {
        folder = true;
      } else if (line.starts_with("Symbolic Link = ") && line.size() > 16) {
        link = true;
      }
    }
    flush();
  } else {
    const std::string list = tool == Tool::unzip ? "unzip -Z1 " + q(archive) : "tar -tf " + q(archive);
    std::istringstream lines(test::command_output(list, &ok));
    REQUIRE(ok);
    for (std::string line; std::getline(lines, line);)
      if (!line.empty() && !line.ends_with('/')) names.push_back(line);
  }
  for (const auto& name : names) {
    const std::string quoted = q(name);
    const std::string extract = tool == Tool::unzip  ? "unzip -p " + q(archive) + " " + quoted
                                : tool == Tool::tar  ? "tar -xOf " + q(archive) + " " + quoted
                                                     : "7z x -so " + q(archive) + " " + quoted + " 2>/dev/null";
    const std::string content = test::command_output(extract, &ok);
    REQUIRE_MESSAGE(ok, extract);
    out[name] = member_of(content);
  }
  return out;
}

// The scan's items whose path is directly inside `archive` (one level), by member name.
std::map<std::string, json> members_in(const std::vector<json>& lines, const std::string& archive) {
  std::map<std::string, json> out;
  const std::string prefix = archive + "!/";
  for (const auto& line : lines) {
    if (line.contains("error")) continue;
    const std::string path = line["path"];
    if (!path.starts_with(prefix)) continue;
    const std::string rest = path.substr(prefix.size());
    if (rest.find("!/") != std::string::npos) continue;  // deeper
    out[unescape_path_name(rest).value()] = line;
  }
  return out;
}


void check_same_members(const std::vector<json>& scanned, const fs::path& archive, Tool tool) {
  CAPTURE(archive.string());
  const auto expected = listed_by_tool(archive, tool);
  const auto got = members_in(scanned, archive.string());
  CHECK(!expected.empty());
  CHECK(got.size() == expected.size());
  for (const auto& [member_name, m] : expected) {
    const std::string& name = member_name;  // CAPTURE's lambda cannot take a structured binding (clang 14)
    CAPTURE(name);
    const auto it = got.find(name);
    REQUIRE_MESSAGE(it != got.end(), "member not reported");
    const json& item = it->second;
    CHECK(item["size"] == m.size);
    CHECK(item["md5"] == m.md5);
    CHECK(item["sha1"] == m.sha1);
    CHECK(item["sha256"] == m.sha256);
    CHECK_FALSE(item.contains("errors"));
  }
}

// The sample files, in archives of every kind Python, 7z and zstd make.
void make_archives(const fs::path& dir) {
  const fs::path script = dir / "make.py";
  test::write_text(script, R"PY(
import gzip, io, sqlite3, sys, tarfile, zipfile
src, out = sys.argv[1], sys.argv[2]
files = {'DCIM/100TEST/IMG_0001.jpg': 'DCIM/100TEST/IMG_0001.jpg', 'Pictures/pattern.png': 'Pictures/pattern.png',
         'Documents/photo.jpg': 'Documents/photo.jpg', 'Pictures/bars.gif': 'Pictures/bars.gif'}
def data(rel): return open(src + '/' + rel, 'rb').read()
with zipfile.ZipFile(out + '/album.zip', 'w', zipfile.ZIP_DEFLATED) as z:
    for name, rel in files.items(): z.writestr(name, data(rel))
    z.writestr(zipfile.ZipInfo('stored/IMG_0002.jpg'), data('DCIM/100TEST/IMG_0002.jpg'))  # stored
    z.writestr('../../etc/passwd', b'only text: a member name is never a path to write to\n')
    z.writestr('odd:name%.txt', b'a name with the stream separator\n')
for mode, ext in (('w:gz', 'tar.gz'), ('w:xz', 'tar.xz'), ('w', 'tar')):
    with tarfile.open(out + '/album.' + ext, mode) as t:
        for name, rel in files.items(): t.add(src + '/' + rel, arcname='album/' + name)
with open(out + '/photo.jpg.gz', 'wb') as f:
    f.write(gzip.compress(data('DCIM/100TEST/IMG_0002.jpg'), mtime=0))
# A ZIP inside a TAR inside a ZIP.
deep = io.BytesIO()
with zipfile.ZipFile(deep, 'w', zipfile.ZIP_DEFLATED) as z: z.writestr('deep/IMG_0002.jpg', data('DCIM/100TEST/IMG_0002.jpg'))
middle = io.BytesIO()
with tarfile.open(fileobj=middle, mode='w') as t:
    info = tarfile.TarInfo('middle/deep.zip'); info.size = len(deep.getvalue()); t.addfile(info, io.BytesIO(deep.getvalue()))
with zipfile.ZipFile(out + '/nested.zip', 'w', zipfile.ZIP_DEFLATED) as z: z.writestr('inner.tar', middle.getvalue())
# Phone extractions: the device's own tree inside (iOS full file system, Android /data/media).
ios = 'filesystem1/private/var/mobile/Media/DCIM/100APPLE/IMG_0001.JPG'
android = 'data/media/0/DCIM/Camera/IMG_20240101_120000.jpg'
with zipfile.ZipFile(out + '/iphone-ffs.zip', 'w', zipfile.ZIP_STORED) as z:
    z.writestr(ios, data('DCIM/100TEST/IMG_0001.jpg'))
    photos = sqlite3.connect(':memory:')  # a Photos.sqlite naming the picture, taken by the front camera
    photos.executescript("CREATE TABLE ZASSET (Z_PK INTEGER PRIMARY KEY, ZDIRECTORY, ZFILENAME);"
                         "CREATE TABLE ZADDITIONALASSETATTRIBUTES (Z_PK INTEGER PRIMARY KEY, ZASSET, ZIMPORTEDBY);"
                         "INSERT INTO ZASSET VALUES (1, 'DCIM/100APPLE', 'IMG_0001.JPG');"
                         "INSERT INTO ZADDITIONALASSETATTRIBUTES VALUES (1, 1, 2);")
    z.writestr('filesystem1/private/var/mobile/Media/PhotoData/Photos.sqlite', photos.serialize())
with tarfile.open(out + '/android-ffs.tar', 'w') as t:
    info = tarfile.TarInfo(android); payload = data('DCIM/100TEST/IMG_0002.jpg'); info.size = len(payload)
    t.addfile(info, io.BytesIO(payload))
)PY");
  sh("python3 " + q(script) + " " + q(sample("")) + " " + q(dir));
  fs::remove(script);
  sh("zstd -q -19 -o " + q(dir / "album.tar.zst") + " " + q(dir / "album.tar"));
  fs::remove(dir / "album.tar");
  sh("cd " + q(sample("")) + " && 7z a -bd " + q(dir / "album.7z") + " DCIM/100TEST/IMG_0001.jpg Pictures/pattern.png");
  sh("cd " + q(dir) + " && 7z a -bd -tzip stored-7z.zip album.7z > /dev/null");  // 7z in a ZIP: two formats nest
}

}  // namespace

TEST_CASE("archives: every member of ZIP, TAR.GZ, TAR.XZ, TAR.ZST and 7z is an item, as unzip, tar and 7z give it") {
  if (!require_tools({"python3", "unzip", "tar", "7z", "zstd"})) return;
  test::TempDir tmp;
  const fs::path evidence = tmp / "evidence";
  fs::create_directories(evidence);
  make_archives(evidence);
  const auto run =
      test::run_cli({"scan", evidence.string(), "--all-files", "--out", (tmp / "case").string(), "--format", "jsonl"});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  const auto lines = test::parse_lines(run.out);
  check_same_members(lines, evidence / "album.zip", Tool::unzip);
  check_same_members(lines, evidence / "album.tar.gz", Tool::tar);
  check_same_members(lines, evidence / "album.tar.xz", Tool::tar);
  check_same_members(lines, evidence / "album.tar.zst", Tool::tar);
  check_same_members(lines, evidence / "album.7z", Tool::sevenzip);
  check_same_members(lines, evidence / "iphone-ffs.zip", Tool::unzip);
  check_same_members(lines, evidence / "android-ffs.tar", Tool::tar);

  const auto zip = members_in(lines, (evidence / "album.zip").string());
  // A member name is only text: the path shows it escaped as any name, nothing is written under it.
  REQUIRE(zip.count("../../etc/passwd") == 1);
  CHECK(zip.at("../../etc/passwd")["path"] == (evidence / "album.zip").string() + "!/../../etc/passwd");
  CHECK(zip.at("odd:name%.txt")["path"] == (evidence / "album.zip").string() + "!/odd%3Aname%25.txt");
  CHECK(zip.at("DCIM/100TEST/IMG_0001.jpg")["media_type"] == "image");
  CHECK(zip.at("DCIM/100TEST/IMG_0001.jpg").contains("pdq"));
  CHECK(zip.at("DCIM/100TEST/IMG_0001.jpg")["exif"].contains("make"));  // EXIF read inside the archive
  CHECK(zip.at("stored/IMG_0002.jpg")["mtime"].is_string());  // the member's stored time
  for (const auto& entry : fs::recursive_directory_iterator(tmp / "case")) {  // the case's own files, thumbs/<sha256>.jpg
    const bool thumbnail = entry.path().parent_path() == tmp / "case" / "thumbs" &&
                           std::regex_match(entry.path().filename().string(), std::regex("[0-9a-f]{64}\\.jpg"));
    CHECK_MESSAGE((entry.path().parent_path() == tmp / "case" || thumbnail), "written under a member name: " << entry.path());
  }

  // The archives themselves are items too, digested (verify checks the members through them).
  const json* archive_item = nullptr;
  for (const auto& line : lines)
    if (line["path"] == (evidence / "album.zip").string()) archive_item = &line;
  REQUIRE(archive_item != nullptr);
  CHECK((*archive_item)["md5"] == test::md5_of(evidence / "album.zip"));

  // A single compressed file: its one member, named without the suffix.
  const auto gz = members_in(lines, (evidence / "photo.jpg.gz").string());
  REQUIRE(gz.count("photo.jpg") == 1);
  CHECK(gz.at("photo.jpg")["md5"] == test::md5_of(sample("DCIM/100TEST/IMG_0002.jpg")));

  // Phone extractions: the paths inside are kept, and each member also gets its path on the device.
  const auto iphone = members_in(lines, (evidence / "iphone-ffs.zip").string());
  REQUIRE(iphone.count("filesystem1/private/var/mobile/Media/DCIM/100APPLE/IMG_0001.JPG") == 1);
  CHECK(iphone.at("filesystem1/private/var/mobile/Media/DCIM/100APPLE/IMG_0001.JPG")["device_path"] ==
        "/private/var/mobile/Media/DCIM/100APPLE/IMG_0001.JPG");
  CHECK(iphone.at("filesystem1/private/var/mobile/Media/PhotoData/Photos.sqlite")["device_path"] ==
        "/private/var/mobile/Media/PhotoData/Photos.sqlite");
  // The extraction's Photos.sqlite (a member after the picture) names it by its path on the device.
  const json& picture = iphone.at("filesystem1/private/var/mobile/Media/DCIM/100APPLE/IMG_0001.JPG");
  const json report = json::parse(test::read_text(tmp / "case" / "report.json"));
  int found = 0;
  for (const json& item : report["items"]) {
    if (item["path"] != picture["path"]) continue;
    ++found;
    CHECK(item["provenance"]["origin"] == "camera");
    CHECK(item["provenance"]["front_camera"] == true);
    const json& signals = item["provenance"]["signals"];
    CHECK(std::find(signals.begin(), signals.end(), "db:Photos.sqlite ZIMPORTEDBY=2 (native front camera)") !=
          signals.end());
  }
  CHECK(found == 1);
  const auto android = members_in(lines, (evidence / "android-ffs.tar").string());
  REQUIRE(android.count("data/media/0/DCIM/Camera/IMG_20240101_120000.jpg") == 1);
  CHECK(android.at("data/media/0/DCIM/Camera/IMG_20240101_120000.jpg")["device_path"] ==
        "/data/media/0/DCIM/Camera/IMG_20240101_120000.jpg");
  CHECK_FALSE(zip.at("DCIM/100TEST/IMG_0001.jpg").contains("device_path"));  // an album is no phone
  std::map<std::string, std::string> layouts;
  for (const auto& row : test::error_rows(lines, "device_extraction")) layouts[row["path"]] = row["message"];
  CHECK(layouts.size() == 2);
  CHECK(layouts[(evidence / "iphone-ffs.zip").string()].starts_with("iOS file system inside, its root at 'filesystem1/'"));
  CHECK(layouts[(evidence / "android-ffs.tar").string()].starts_with("Android file system inside, its root at '/'"));

  // triage verify re-reads the folder: the archives (digested) stand for their members.
  const auto verify = test::run_cli({"verify", (tmp / "case").string()});
  CHECK_MESSAGE(verify.exit_code == 0, verify.out << verify.err);
}

TEST_CASE("archives: a ZIP in a TAR in a ZIP is opened to its depth, and no deeper than --archive-depth") {
  if (!require_tools({"python3", "zstd", "7z"})) return;
  test::TempDir tmp;
  const fs::path evidence = tmp / "evidence";
  fs::create_directories(evidence);
  make_archives(evidence);
  const std::string nested = (evidence / "nested.zip").string();
  const auto run = test::run_cli({"scan", nested, "--out", (tmp / "case").string(), "--format", "jsonl"});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  const auto lines = test::parse_lines(run.out);
  const auto deep = members_in(lines, nested + "!/inner.tar!/middle/deep.zip");
  REQUIRE(deep.count("deep/IMG_0002.jpg") == 1);
  CHECK(deep.at("deep/IMG_0002.jpg")["md5"] == test::md5_of(sample("DCIM/100TEST/IMG_0002.jpg")));

  const auto shallow = test::run_cli(
      {"scan", nested, "--out", (tmp / "case2").string(), "--format", "jsonl", "--archive-depth", "2"});
  CHECK(shallow.exit_code == 1);  // something was not examined
  const auto rows = test::error_rows(test::parse_lines(shallow.out), "archive_depth");
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["path"] == nested + "!/inner.tar!/middle/deep.zip");
  CHECK(members_in(test::parse_lines(shallow.out), nested + "!/inner.tar!/middle/deep.zip").empty());
}

TEST_CASE("archives: images inside are matched against a hash set exactly as the same files in a folder") {
  if (!require_tools({"python3", "zstd", "7z"})) return;
  test::TempDir tmp;
  const fs::path evidence = tmp / "evidence";
  fs::create_directories(evidence);
  make_archives(evidence);
  fs::copy(sample(""), evidence / "plain", fs::copy_options::recursive);
  const auto run = test::run_cli({"scan", evidence.string(), "--out", (tmp / "case").string(), "--format", "jsonl",
                                  "--hashset", (test::source_dir() / "samples/hashsets/sample-uk.vics.json").string()});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  std::map<std::string, json> plain_by_md5;  // the folder copies' categories
  const auto lines = test::parse_lines(run.out);
  for (const auto& line : lines)
    if (!line.contains("error") && line["path"].get<std::string>().starts_with((evidence / "plain").string()) &&
        line["md5"].is_string())
      plain_by_md5[line["md5"]] = line;
  int compared = 0, categorised = 0;
  for (const auto& line : lines) {
    if (line.contains("error") || line["path"].get<std::string>().find("!/") == std::string::npos) continue;
    if (!line["md5"].is_string() || !plain_by_md5.count(line["md5"])) continue;
    const json& plain = plain_by_md5.at(line["md5"]);
    CAPTURE(line["path"]);
    CHECK(line["category"] == plain["category"]);
    CHECK(line["category_code"] == plain["category_code"]);
    CHECK(line["matches"].size() == plain["matches"].size());
    CHECK(line["pdq"] == plain["pdq"]);
    ++compared;
    if (line["category_code"].is_string()) ++categorised;
  }
  CHECK(compared >= 15);
  CHECK(categorised >= 3);  // the sample set grades some of the sample images
}

TEST_CASE("archives: an encrypted ZIP member is an error row without the password, an item with it") {
  if (!require_tools({"7z"})) return;
  test::TempDir tmp;
  const fs::path evidence = tmp / "evidence";
  fs::create_directories(evidence);
  const std::string secret = "s3cret-Pa55";
  sh("cd " + q(sample("DCIM/100TEST")) + " && 7z a -bd -tzip -p" + secret + " " + q(evidence / "zipcrypto.zip") +
     " IMG_0001.jpg > /dev/null");
  sh("cd " + q(sample("DCIM/100TEST")) + " && 7z a -bd -tzip -mem=AES256 -p" + secret + " " + q(evidence / "aes.zip") +
     " IMG_0001.jpg");
  const std::string md5 = test::md5_of(sample("DCIM/100TEST/IMG_0001.jpg"));

  const auto without = test::run_cli({"scan", evidence.string(), "--out", (tmp / "c1").string(), "--format", "jsonl"});
  CHECK(without.exit_code == 1);
  const auto rows = test::error_rows(test::parse_lines(without.out), "encrypted_member");
  REQUIRE(rows.size() == 2);
  CHECK(rows[0]["message"].get<std::string>().find("no --archive-password given") != std::string::npos);

  const auto wrong = test::run_cli(
      {"scan", evidence.string(), "--out", (tmp / "c2").string(), "--format", "jsonl", "--archive-password", "nope"});
  CHECK(wrong.exit_code == 1);
  const auto wrong_rows = test::error_rows(test::parse_lines(wrong.out), "encrypted_member");
  REQUIRE(wrong_rows.size() == 2);
  CHECK(wrong_rows[0]["message"].get<std::string>().find("none of the 1 passwords") != std::string::npos);

  const auto with = test::run_cli({"scan", evidence.string(), "--out", (tmp / "c3").string(), "--format", "jsonl",
                                   "--archive-password", "nope", "--archive-password", secret});
  CHECK_MESSAGE(with.exit_code == 0, with.err);
  const auto lines = test::parse_lines(with.out);
  for (const char* name : {"zipcrypto.zip", "aes.zip"}) {
    const auto members = members_in(lines, (evidence / name).string());
    REQUIRE_MESSAGE(members.count("IMG_0001.jpg") == 1, name);
    CHECK(members.at("IMG_0001.jpg")["md5"] == md5);
  }
  // The password is nowhere in the case: not in case.db's command line or options, not in a report.
  for (const auto& entry : fs::directory_iterator(tmp / "c3")) {
    const std::string bytes = test::read_text(entry.path());
    CHECK_MESSAGE(bytes.find(secret) == std::string::npos, entry.path());
  }
}

TEST_CASE("archives: RAR 4 and RAR 5 (libarchive's test archives) list as 7-Zip lists them, a ZIP inside opened") {
  if (!require_tools({"7z"})) return;
  test::TempDir tmp;
  const fs::path fixtures = test::source_dir() / "tests" / "fixtures" / "archives";
  const auto run = test::run_cli({"scan", fixtures.string(), "--all-files", "--out", (tmp / "case").string(), "--format",
                                  "jsonl"});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  const auto lines = test::parse_lines(run.out);
  check_same_members(lines, fixtures / "libarchive-rar4-unicode.rar", Tool::sevenzip);
  check_same_members(lines, fixtures / "libarchive-rar5-zip-in-rar.rar", Tool::sevenzip);
  const auto inner = members_in(lines, (fixtures / "libarchive-rar5-zip-in-rar.rar").string() + "!/payload/inner.zip");
  CHECK(inner.count("THIS_IS_INSIDE_THE_ZIP.txt") == 1);
}

TEST_CASE("archives: a damaged archive gives the members read and a row saying where it stopped") {
  if (!require_tools({"python3", "zstd", "7z"})) return;
  test::TempDir tmp;
  const fs::path made = tmp / "made";
  fs::create_directories(made);
  make_archives(made);
  const fs::path evidence = tmp / "evidence";
  fs::create_directories(evidence);
  // A TAR.GZ larger than libarchive's 64 KiB decompression window (a stream cut inside its first
  // window yields nothing but the error): every sample file, three times over.
  test::write_text(made / "big.py", R"PY(
import sys, tarfile
with tarfile.open(sys.argv[2], 'w:gz') as t:
    for copy in range(3): t.add(sys.argv[1], arcname='copy%d' % copy)
)PY");
  sh("python3 " + q(made / "big.py") + " " + q(sample("")) + " " + q(made / "album.tar.gz"));
  // Cut short: the TAR.GZ in a later member, the ZIP before its central directory.
  for (const char* name : {"album.tar.gz", "album.zip", "album.7z"}) {
    const auto bytes = test::read_bytes(made / name);
    test::write_bytes(evidence / name, {bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(bytes.size() * 3 / 4)});
  }
  const auto run = test::run_cli({"scan", evidence.string(), "--out", (tmp / "case").string(), "--format", "jsonl"});
  CHECK(run.exit_code == 1);
  const auto lines = test::parse_lines(run.out);
  CHECK(members_in(lines, (evidence / "album.tar.gz").string()).size() >= 1);  // what came before the cut
  std::size_t damaged = 0;
  for (const auto& line : lines) {
    if (line.contains("error") && line["error"] == "archive_damaged") ++damaged;
    if (!line.contains("error") && line.contains("errors")) ++damaged;  // a member cut short
  }
  CHECK(damaged >= 3);
}

namespace {

// Bombs made here: a 42.zip-style nest (16 copies of 16 copies ... of a ZIP holding 1 GiB of
// zeros: 64 TiB when fully expanded), one deflated member of 4 GiB and 4 KiB of zeros with a
// few marked bytes (ZIP64: its sizes only fit the ZIP64 extra field), and 1 GiB of zeros in a
// single gzip stream (no size recorded anywhere). Python also writes the digests of the big
// member as it makes it: the oracle for the ZIP64 read.
void make_bombs(const fs::path& dir) {
  const fs::path script = dir / "bombs.py";
  test::write_text(script, R"PY(
import gzip, hashlib, io, json, sys, zipfile
out = sys.argv[1]
mib = bytes(1 << 20)
leaf = io.BytesIO()
with zipfile.ZipFile(leaf, 'w', zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    with z.open('zeros.bin', 'w', force_zip64=True) as f:
        for _ in range(1024): f.write(mib)
level = leaf.getvalue()
for depth in range(4):
    nest = io.BytesIO()
    with zipfile.ZipFile(nest, 'w', zipfile.ZIP_DEFLATED) as z:
        for copy in range(16): z.writestr('%d/%02d.zip' % (depth, copy), level)
    level = nest.getvalue()
open(out + '/42.zip', 'wb').write(level)
digests = [hashlib.md5(), hashlib.sha1(), hashlib.sha256()]
size = (4 << 30) + 4096
with zipfile.ZipFile(out + '/zip64.zip', 'w', zipfile.ZIP_DEFLATED, compresslevel=1) as z:
    with z.open('sparse/zeros.bin', 'w', force_zip64=True) as f:
        written = 0
        while written < size:
            chunk = bytearray(min(len(mib), size - written))
            for mark in (0, 1 << 32):  # marked bytes, so that a read of zeros from the wrong place differs
                if written <= mark < written + len(chunk): chunk[mark - written] = 0x5A
            f.write(chunk)
            for d in digests: d.update(chunk)
            written += len(chunk)
json.dump({'size': size, 'md5': digests[0].hexdigest(), 'sha1': digests[1].hexdigest(),
           'sha256': digests[2].hexdigest()}, open(out + '/zip64.json', 'w'))
with gzip.GzipFile(out + '/zeros.bin.gz', 'wb', compresslevel=9, mtime=0) as f:
    for _ in range(1024): f.write(mib)
)PY");
  sh("python3 " + q(script) + " " + q(dir));
  fs::remove(script);
}

}  // namespace

TEST_CASE("archives: bombs stop at the limits with error rows; a ZIP64 member over 4 GiB reads whole when allowed") {
  if (!require_tools({"python3", "unzip"})) return;
  test::TempDir tmp;
  const fs::path made = tmp / "made";
  fs::create_directories(made);
  make_bombs(made);
  const fs::path evidence = tmp / "evidence";
  fs::create_directories(evidence);
  fs::rename(made / "42.zip", evidence / "42.zip");
  fs::rename(made / "zeros.bin.gz", evidence / "zeros.bin.gz");
  fs::create_hard_link(made / "zip64.zip", evidence / "zip64.zip");

  // Defaults, --all-files so that every expanded byte is read and digested. A child process,
  // so that its peak RSS is its own; a guard far above the expected seconds catches a hang.
  const fs::path triage = fs::path(TRIAGE_TEST_BINARY_DIR) / "cli" / "triage";
  const fs::path out = tmp / "bombs.jsonl";
  const test::ChildRun run = test::run_child("exec timeout -s KILL 300 " + q(triage) + " scan " + q(evidence) +
                                             " --all-files --format jsonl --out " + q(tmp / "case") + " > " + q(out));
  MESSAGE("bombs: exit " << run.status << ", " << run.seconds << " s, peak RSS " << run.max_rss_kib / 1024 << " MiB");
  CHECK(run.status == 1);  // members not examined
  CHECK(run.seconds < 30);
  CHECK(run.max_rss_kib < 1024 * 1024);
  const auto lines = test::parse_lines(test::read_text(out));
  const auto limits = test::error_rows(lines, "archive_limit");
  std::size_t nest_rows = 0;
  bool zip64_row = false, gzip_row = false;
  for (const auto& row : limits) {
    const std::string path = row["path"];
    if (path.starts_with((evidence / "42.zip").string() + "!/")) ++nest_rows;
    zip64_row = zip64_row || path == (evidence / "zip64.zip").string() + "!/sparse/zeros.bin";
    gzip_row = gzip_row || path == (evidence / "zeros.bin.gz").string() + "!/zeros.bin";
  }
  CHECK(nest_rows >= 1);
  CHECK(nest_rows <= 1000);  // listed up to a bound, then one row for the rest
  CHECK(zip64_row);
  CHECK(gzip_row);
  // Nothing left behind by the spool (the gzip member's size is only known once read).
  for (const auto& entry : fs::directory_iterator(tmp / "case"))
    CHECK_MESSAGE(!entry.path().filename().string().starts_with("member-spool"), entry.path());

  // The ZIP64 member read whole when the ratio allows it: unzip's listing gives its size, the
  // digests Python computed as it wrote it give the rest.
  bool ok = false;
  const std::string listing = test::command_output("unzip -Zl " + q(made / "zip64.zip"), &ok);
  REQUIRE(ok);
  const json expected = json::parse(test::read_text(made / "zip64.json"));
  CHECK(listing.find(std::to_string(expected["size"].get<std::uint64_t>())) != std::string::npos);
  const auto big = test::run_cli({"scan", (evidence / "zip64.zip").string(), "--all-files", "--max-expand-ratio",
                                  "100000", "--out", (tmp / "case64").string(), "--format", "jsonl"});
  REQUIRE_MESSAGE(big.exit_code == 0, big.err);
  const auto members = members_in(test::parse_lines(big.out), (evidence / "zip64.zip").string());
  REQUIRE(members.count("sparse/zeros.bin") == 1);
  const json& item = members.at("sparse/zeros.bin");
  CHECK(item["size"] == expected["size"]);
  CHECK(item["md5"] == expected["md5"]);
  CHECK(item["sha1"] == expected["sha1"]);
  CHECK(item["sha256"] == expected["sha256"]);
}

TEST_CASE("archives: --extraction-root names a phone extraction's root that no layout rule recognises") {
  if (!require_tools({"python3"})) return;
  test::TempDir tmp;
  const fs::path archive = tmp / "export.zip";
  test::write_text(tmp / "make.py", R"PY(
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    z.writestr('case-0042/phone-fs/DCIM/Camera/IMG_0001.jpg', open(sys.argv[2], 'rb').read())
    z.writestr('case-0042/report.txt', b'the tool report, outside the device tree')
)PY");
  sh("python3 " + q(tmp / "make.py") + " " + q(archive) + " " + q(sample("DCIM/100TEST/IMG_0001.jpg")));
  const auto plain = test::run_cli({"scan", archive.string(), "--out", (tmp / "plain").string(), "--format", "jsonl"});
  REQUIRE_MESSAGE(plain.exit_code == 0, plain.err);
  CHECK_FALSE(members_in(test::parse_lines(plain.out), archive.string()).at("case-0042/phone-fs/DCIM/Camera/IMG_0001.jpg")
                  .contains("device_path"));
  const auto given = test::run_cli({"scan", archive.string(), "--all-files", "--extraction-root", "case-0042/phone-fs",
                                    "--out", (tmp / "given").string(), "--format", "jsonl"});
  REQUIRE_MESSAGE(given.exit_code == 0, given.err);
  const auto members = members_in(test::parse_lines(given.out), archive.string());
  CHECK(members.at("case-0042/phone-fs/DCIM/Camera/IMG_0001.jpg")["device_path"] == "/DCIM/Camera/IMG_0001.jpg");
  CHECK_FALSE(members.at("case-0042/report.txt").contains("device_path"));
  // items.csv carries the key after the columns that came before it, the provenance ones after it,
  // and the origin rules read the path on the device.
  const std::string csv = test::read_text(tmp / "given/items.csv");
  CHECK(csv.substr(0, csv.find("\r\n")).find(",overwritten,device_path,provenance_origin,") != std::string::npos);
  CHECK(csv.find(",/DCIM/Camera/IMG_0001.jpg,camera,") != std::string::npos);
}
