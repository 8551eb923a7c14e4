// Encrypted volumes: LUKS1 and LUKS2 volumes made here holding a FAT file system with the sample
// pictures, encrypted by implementations other than triage's: LUKS1 by QEMU's LUKS driver
// (cryptsetup writes the header, qemu-io the data through it), LUKS2 by cryptsetup's offline
// encryption (512- and 4096-byte sectors). With the right key the files equal fls/icat's
// listing of the plain image; without a key, or with a wrong one, the rows say so.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <chrono>

#include "core/digest/digests.h"
#include "tests/cli/cli_runner.h"
#include "tests/cli/image_listing.h"
#include "tests/cli/image_tools.h"
#include "tests/support/test_support.h"

using namespace triage;
using nlohmann::json;
namespace fs = std::filesystem;
using test::q;
using test::sample;
using test::sh;

namespace {

constexpr const char* kSecret = "benign-test-passphrase-7Q";

// plain.raw (512-byte sectors) and plain4k.raw (4096-byte sectors), then luks1.img, luks2.img and
// luks2-4k.img holding them.
void make_volumes(const fs::path& dir) {
  test::write_text(dir / "key.txt", kSecret);
  const auto fat = [&](const char* name, const char* options) {
    sh("cd " + q(dir) + " && truncate -s 24M " + name + " && mkfs.fat " + options + " " + name + " > /dev/null");
    for (const char* rel : {"DCIM/100TEST/IMG_0001.jpg", "DCIM/100TEST/IMG_0002.jpg", "Pictures/pattern.png"})
      sh("mcopy -i " + q(dir / name) + " " + q(sample(rel)) + " ::/");
  };
  fat("plain.raw", "-F 16");
  fat("plain4k.raw", "-S 4096");
  const std::string pbkdf = " --batch-mode --pbkdf pbkdf2 --pbkdf-force-iterations 1000 ";
  sh("cd " + q(dir) + " && truncate -s 28M luks1.img && cryptsetup luksFormat --type luks1" + pbkdf +
     "luks1.img key.txt && qemu-io --object secret,id=k,file=key.txt --image-opts "
     "driver=luks,key-secret=k,file.filename=luks1.img -c \"write -q -s plain.raw 0 $(stat -c %s plain.raw)\"");
  sh("cd " + q(dir) + " && cp plain.raw luks2.img && truncate -s +16M luks2.img && cryptsetup reencrypt --encrypt "
     "--type luks2 --reduce-device-size 16M" + pbkdf + "--key-file key.txt luks2.img");
  sh("cd " + q(dir) + " && cp plain4k.raw luks2-4k.img && truncate -s +16M luks2-4k.img && cryptsetup reencrypt "
     "--encrypt --type luks2 --sector-size 4096 --reduce-device-size 16M" + pbkdf + "--key-file key.txt luks2-4k.img");
}


}  // namespace

TEST_CASE("LUKS1 and LUKS2: with the key the files are the plain image's; without it, or with a wrong one, rows say so") {
  if (!test::require_tools({"cryptsetup", "qemu-io", "mkfs.fat", "mcopy", "fls", "icat"})) return;
  test::TempDir tmp;
  const fs::path dir = tmp / "volumes";
  fs::create_directories(dir);
  make_volumes(dir);
  const auto plain = test::fls_listing((dir / "plain.raw").string(), "0");
  const auto plain4k = test::fls_listing((dir / "plain4k.raw").string(), "0");
  const std::pair<const char*, const std::vector<test::ExpectedFile>*> volumes[] = {
      {"luks1.img", &plain}, {"luks2.img", &plain}, {"luks2-4k.img", &plain4k}};
  for (const auto& [label, listing] : volumes) {
    const std::string name = label;
    CAPTURE(name);
    const fs::path volume = dir / name;
    const fs::path case_dir = tmp / (name + "-case");
    const std::string key = name == "luks1.img" ? "*:key_file:" + (dir / "key.txt").string()
                                                             : std::string("*:password:") + kSecret;
    const auto run = test::run_cli({"scan", volume.string(), "--all-files", "--key", key, "--out", case_dir.string(),
                                    "--format", "jsonl"});
    REQUIRE_MESSAGE(run.exit_code == 0, run.err);
    const auto lines = test::parse_lines(run.out);
    const auto opened = test::error_rows(lines, "decrypted_volume");
    REQUIRE(opened.size() == 1);
    CHECK(opened[0]["message"].get<std::string>().find("opened with a key given by the examiner") != std::string::npos);
    const auto scanned = test::index_scan(volume.string(), run.out);
    CHECK_MESSAGE(scanned.problems.empty(), run.out);
    const test::Tally tally = test::match_listing(scanned, *listing);
    MESSAGE(name << ": " << tally.matched << "/" << tally.expected << " files of the plain image match");
    CHECK(tally.expected >= 3);
    CHECK(tally.matched == tally.expected);
    // The report says the examiner's key opened it; the key itself is nowhere in the case.
    CHECK(test::read_text(case_dir / "report.html").find("opened with a key given by the examiner") != std::string::npos);
    // Extraction reads the volume again: without the key given again nothing inside is found;
    // with it, every picture, by its recorded SHA-256.
    const auto keyless = test::run_cli({"extract", case_dir.string(), "--which", "all-media"});
    CHECK(keyless.exit_code == 1);
    CHECK(keyless.out.find("not found when the source was read again (a key or password not given again?)") !=
          std::string::npos);
    const auto keyed = test::run_cli({"extract", case_dir.string(), "--which", "all-media", "--key", key});
    CHECK_MESSAGE(keyed.exit_code == 0, keyed.out << keyed.err);
    CHECK(keyed.out.find(" chosen items, in ") != std::string::npos);
    for (const auto& entry : fs::directory_iterator(case_dir / "extracted"))
      if (entry.path().filename() != "manifest.csv")
        CHECK(entry.path().filename().string().starts_with(sha256_of_file(entry.path())));
    for (const auto& entry : fs::recursive_directory_iterator(case_dir))
      if (entry.is_regular_file())
        CHECK_MESSAGE(test::read_text(entry.path()).find(kSecret) == std::string::npos, "key in " << entry.path());
  }

  // No key: the volume is named, LUKS and its version, and a key is asked for.
  const fs::path luks2 = dir / "luks2.img";
  const auto none = test::run_cli({"scan", luks2.string(), "--out", (tmp / "none").string(), "--format", "jsonl"});
  CHECK(none.exit_code == 1);
  const auto needed = test::error_rows(test::parse_lines(none.out), "encrypted_volume");
  REQUIRE(needed.size() == 1);
  CHECK(needed[0]["message"].get<std::string>().starts_with("LUKS2 encrypted volume (UUID "));
  CHECK(needed[0]["message"].get<std::string>().find("a key is needed (--key)") != std::string::npos);
  // A key for another volume (selector p9) is not tried on this one.
  const auto other = test::run_cli({"scan", luks2.string(), "--key", std::string("p9:password:") + kSecret, "--out",
                                    (tmp / "other").string(), "--format", "jsonl"});
  CHECK(test::error_rows(test::parse_lines(other.out), "encrypted_volume").size() == 1);

  // A wrong key: a clear row and exit 3, and the other source of the scan is still examined.
  const auto wrong = test::run_cli({"scan", luks2.string(), sample("").string(), "--key", "*:password:not-the-key", "--out",
                                    (tmp / "wrong").string(), "--format", "jsonl"});
  CHECK(wrong.exit_code == 3);
  const auto wrong_lines = test::parse_lines(wrong.out);
  const auto rejected = test::error_rows(wrong_lines, "volume_key_rejected");
  REQUIRE(rejected.size() == 1);
  CHECK(rejected[0]["message"].get<std::string>().find("none of the 1 keys given opens any key slot") != std::string::npos);
  std::size_t from_folder = 0;
  for (const auto& line : wrong_lines)
    if (!line.contains("error") && line["path"].get<std::string>().starts_with(sample("").string())) ++from_folder;
  CHECK(from_folder >= 10);
  // The key by the volume's UUID opens it.
  const std::string message = needed[0]["message"];
  const std::string uuid = message.substr(message.find("(UUID ") + 6, 36);
  const auto by_uuid = test::run_cli({"scan", luks2.string(), "--key", uuid + ":password:" + kSecret, "--out",
                                      (tmp / "uuid").string(), "--format", "jsonl"});
  CHECK_MESSAGE(by_uuid.exit_code == 0, uuid << by_uuid.out);
  // The command line kept in the case withholds the key.
  const json report = json::parse(test::read_text(tmp / "uuid/report.json"));
  CHECK(report.dump().find(kSecret) == std::string::npos);
  CHECK(report.dump().find(uuid + ":password:(withheld)") != std::string::npos);
}

TEST_CASE("LUKS: a key slot asking for an absurd key derivation is not tried, and the row says why") {
  if (!test::require_tools({"cryptsetup", "qemu-io", "mkfs.fat", "mcopy"})) return;
  test::TempDir tmp;
  const fs::path dir = tmp / "volumes";
  fs::create_directories(dir);
  make_volumes(dir);
  // LUKS1 key slot 0 (phdr offset 208): active (4 bytes), then its PBKDF2 iterations, big endian;
  // LUKS1 keeps no checksum over the key slots. 2^32 - 1 iterations: hours per try.
  auto bytes = test::read_bytes(dir / "luks1.img");
  for (std::size_t i = 212; i < 216; ++i) bytes[i] = std::byte{0xFF};
  test::write_bytes(dir / "hostile.img", bytes);
  const auto start = std::chrono::steady_clock::now();
  const auto run = test::run_cli({"scan", (dir / "hostile.img").string(), "--key", std::string("*:password:") + kSecret,
                                  "--out", (tmp / "case").string(), "--format", "jsonl"});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(seconds < 60);  // a guard far above the scan's own seconds: only a slot that was tried reaches it
  CHECK(run.exit_code == 3);
  const auto rows = test::error_rows(test::parse_lines(run.out), "volume_key_rejected");
  REQUIRE(rows.size() == 1);
  CHECK_MESSAGE(rows[0]["message"].get<std::string>().find("slot 0 (pbkdf2 4294967295 iterations") != std::string::npos,
                rows[0]["message"]);
}

