// Virtual-machine disks libtsk does not open itself: QCOW2 through libqcow (dfVFS's test disks
// against the fls/icat listing of their raw conversions; disks made here with qemu-img, an
// overlay on a backing file among them) and differential VHD through libvhdi (a dynamic VHD made
// by qemu-img turned into a differential one holding only the blocks that differ from its
// parent, as the VHD specification lays it out). The oracle is The Sleuth Kit's listing of the
// raw image each disk was made from.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

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

// Scans `disk` with --all-files and checks every regular file of `listing` is reported with
// its size and digests, and nothing else is: what the listing of the raw image holds.
void check_lists_as(const fs::path& disk, const std::vector<test::ExpectedFile>& listing, const fs::path& case_dir) {
  CAPTURE(disk.string());
  const auto run = test::run_cli({"scan", disk.string(), "--all-files", "--out", case_dir.string(), "--format", "jsonl"});
  REQUIRE_MESSAGE((run.exit_code == 0 || run.exit_code == 1), run.err);
  CHECK_MESSAGE(run.err.find("verified - media SHA-256") != std::string::npos, run.err);
  const auto scanned = test::index_scan(disk.string(), run.out);
  CHECK_MESSAGE(scanned.problems.empty(), run.out);
  const test::Tally tally = test::match_listing(scanned, listing);
  MESSAGE(disk.filename().string() << ": " << tally.matched << "/" << tally.expected << " listed files match, "
                                   << tally.extra << " extra");
  CHECK(tally.expected > 0);
  CHECK(tally.matched == tally.expected);
}

// A FAT image holding 1 MiB of random bytes and sample pictures, and a second one: the first with
// more files added (the random file spans clusters that a differential disk leaves to its parent).
void make_fat_pair(const fs::path& dir) {
  const auto fat = [&](const fs::path& image, std::initializer_list<const char*> files) {
    sh("truncate -s 32M " + q(image) + " && mkfs.fat -F 16 " + q(image) + " > /dev/null");
    sh("head -c 1048576 /dev/urandom > " + q(dir / "filler.bin") + " && mcopy -i " + q(image) + " " +
       q(dir / "filler.bin") + " ::/");
    for (const char* rel : files) sh("mcopy -i " + q(image) + " " + q(sample(rel)) + " ::/");
  };
  fat(dir / "base.raw", {"DCIM/100TEST/IMG_0001.jpg", "Pictures/pattern.png"});
  sh("cp " + q(dir / "base.raw") + " " + q(dir / "second.raw"));
  for (const char* rel : {"DCIM/100TEST/IMG_0002.jpg", "Documents/photo.jpg"})
    sh("mcopy -i " + q(dir / "second.raw") + " " + q(sample(rel)) + " ::/");
}

}  // namespace

TEST_CASE("QCOW2: dfVFS's ext2 and NTFS disks list as fls and icat list their raw conversions") {
  const auto corpus = test::require_corpus("containers");
  if (!corpus) return;
  const auto expected = test::read_expected_files(*corpus / "expected/expected-files.tsv");
  test::TempDir tmp;
  for (const char* label : {"dfvfs_ext2.qcow2", "dfvfs_windows_volume.qcow2"}) {
    std::vector<test::ExpectedFile> rows;
    const auto [begin, end] = expected.equal_range(label);
    for (auto it = begin; it != end; ++it) rows.push_back(it->second);
    std::string stored = label;
    stored[stored.find('_')] = '/';
    check_lists_as(*corpus / stored, rows, tmp / label);
  }
}

TEST_CASE("QCOW2: a disk made by qemu-img, and an overlay on it, list as their raw images; a missing backing file is named") {
  if (!require_tools({"qemu-img", "qemu-io", "mkfs.fat", "mcopy", "fls", "icat", "sqlite3", "python3"})) return;
  test::TempDir tmp;
  const fs::path dir = tmp / "disks";
  fs::create_directories(dir);
  make_fat_pair(dir);
  sh("cd " + q(dir) + " && qemu-img convert -f raw -O qcow2 base.raw BASE.qcow2 && "
     "qemu-img convert -f raw -O qcow2 -F qcow2 -B BASE.qcow2 second.raw OVERLAY.qcow2");
  // qemu-img 7.2's convert -B copies every cluster the raw source has, so a second overlay holds
  // only the 64 KiB clusters that differ: made empty on the base (qemu-img create -b), the
  // differing clusters written into it with qemu-io.
  test::write_text(dir / "diff.py", R"PY(
import subprocess, sys
base, second, overlay = (open(sys.argv[1], 'rb').read(), open(sys.argv[2], 'rb').read(), sys.argv[3])
step = 65536
for at in range(0, len(second), step):
    if second[at:at+step] != base[at:at+step]:
        open(overlay + '.chunk', 'wb').write(second[at:at+step])
        subprocess.run(['qemu-io', '-f', 'qcow2', '-c', 'write -q -s %s.chunk %d %d' % (overlay, at, step), overlay], check=True)
)PY");
  sh("cd " + q(dir) + " && qemu-img create -q -f qcow2 -F qcow2 -b BASE.qcow2 DIFF.qcow2 && "
     "python3 diff.py base.raw second.raw DIFF.qcow2 && rm DIFF.qcow2.chunk");
  // qemu-img maps part of DIFF's data to the backing file (depth 1): reads must go through it.
  bool ok = false;
  const std::string map = test::command_output("qemu-img map --output=json " + q(dir / "DIFF.qcow2"), &ok);
  REQUIRE(ok);
  CHECK_MESSAGE(map.find("\"depth\": 1, \"present\": true, \"zero\": false, \"data\": true") != std::string::npos, map);
  const auto second = test::fls_listing((dir / "second.raw").string(), "0");
  check_lists_as(dir / "BASE.qcow2", test::fls_listing((dir / "base.raw").string(), "0"), tmp / "base-case");
  check_lists_as(dir / "OVERLAY.qcow2", second, tmp / "overlay-case");
  check_lists_as(dir / "DIFF.qcow2", second, tmp / "diff-case");

  // Both files are the source's segments in case.db; verify reads the media through both again.
  const std::string segments = test::command_output("sqlite3 " + q(tmp / "diff-case/case.db") + " 'SELECT segments FROM sources'");
  CHECK(segments == "[" + json((dir / "DIFF.qcow2").string()).dump() + "," + json((dir / "BASE.qcow2").string()).dump() + "]\n");
  const auto verify = test::run_cli({"verify", (tmp / "diff-case").string()});
  CHECK_MESSAGE(verify.exit_code == 0, verify.out << verify.err);

  // Alone, the overlay cannot be read: the error names the backing file it needs.
  const fs::path alone = tmp / "alone";
  fs::create_directories(alone);
  fs::copy_file(dir / "DIFF.qcow2", alone / "DIFF.qcow2");
  const auto missing = test::run_cli({"scan", (alone / "DIFF.qcow2").string(), "--out", (tmp / "missing").string()});
  CHECK(missing.exit_code == 3);
  CHECK_MESSAGE(missing.err.find("its parent 'BASE.qcow2' was not found") != std::string::npos, missing.err);
  // ... and --parent gives it from elsewhere.
  const auto given = test::run_cli({"scan", (alone / "DIFF.qcow2").string(), "--parent", (dir / "BASE.qcow2").string(),
                                    "--out", (tmp / "given").string()});
  CHECK_MESSAGE(given.exit_code == 0, given.err);
}

TEST_CASE("VHD: a differential disk reads through its parent; without it, or with the wrong one, the error says which") {
  if (!require_tools({"qemu-img", "mkfs.fat", "mcopy", "fls", "icat", "python3"})) return;
  test::TempDir tmp;
  const fs::path dir = tmp / "disks";
  fs::create_directories(dir);
  make_fat_pair(dir);
  sh("cd " + q(dir) + " && qemu-img convert -f raw -O vpc -o subformat=dynamic base.raw base.vhd && "
     "qemu-img convert -f raw -O vpc -o subformat=dynamic second.raw child.vhd && "
     "qemu-img convert -f raw -O vpc -o subformat=dynamic second.raw other.vhd");
  // The VHD specification (Virtual Hard Disk Image Format Specification 1.0): Hard Disk Footer
  // (at 0 and at the end) Disk Type 4 = differencing, checksum the one's complement of the byte
  // sum; Dynamic Disk Header Parent Unique ID (offset 40) = the parent footer's Unique Id
  // (offset 68), Parent Unicode Name (offset 64, UTF-16 big endian), checksum at 36; a block
  // whose Block Allocation Table entry is 0xFFFFFFFF is read from the parent.
  test::write_text(dir / "differential.py", R"PY(
import struct, sys
child, parent, name = sys.argv[1], sys.argv[2], sys.argv[3]
d = bytearray(open(child, 'rb').read()); p = open(parent, 'rb').read()
def checksum(b, at):
    b[at:at+4] = bytes(4); b[at:at+4] = struct.pack('>I', (~sum(b)) & 0xffffffff)
def retype(off):
    f = d[off:off+512]; f[60:64] = struct.pack('>I', 4); checksum(f, 64); d[off:off+512] = f
retype(0); retype(len(d) - 512)
def layout(b):
    h = struct.unpack('>Q', b[16:24])[0]
    table, entries, block = struct.unpack('>Q', b[h+16:h+24])[0], struct.unpack('>I', b[h+28:h+32])[0], struct.unpack('>I', b[h+32:h+36])[0]
    return h, table, entries, block
h, table, entries, block = layout(d)
_, ptable, _, _ = layout(p)
bitmap = ((block // 512 // 8 + 511) // 512) * 512
def data(b, t, i):
    s = struct.unpack('>I', b[t+4*i:t+4*i+4])[0]
    return bytes(block) if s == 0xffffffff else bytes(b[s*512+bitmap:s*512+bitmap+block])
kept = 0
for i in range(entries):
    if data(d, table, i) == data(p, ptable, i): d[table+4*i:table+4*i+4] = b'\xff\xff\xff\xff'
    elif struct.unpack('>I', d[table+4*i:table+4*i+4])[0] != 0xffffffff: kept += 1
assert kept > 0
hdr = d[h:h+1024]
hdr[40:56] = p[68:84]
u = name.encode('utf-16-be'); hdr[64:576] = u + bytes(512 - len(u))
checksum(hdr, 36); d[h:h+1024] = hdr
open(child, 'wb').write(d)
)PY");
  sh("cd " + q(dir) + " && python3 differential.py child.vhd base.vhd 'C:\\VMs\\base.vhd'");
  check_lists_as(dir / "child.vhd", test::fls_listing((dir / "second.raw").string(), "0"), tmp / "child-case");

  const fs::path alone = tmp / "alone";
  fs::create_directories(alone);
  fs::copy_file(dir / "child.vhd", alone / "child.vhd");
  const auto missing = test::run_cli({"scan", (alone / "child.vhd").string(), "--out", (tmp / "missing").string()});
  CHECK(missing.exit_code == 3);
  CHECK_MESSAGE(missing.err.find("its parent 'C:\\VMs\\base.vhd' was not found") != std::string::npos, missing.err);

  // A file of the parent's name that is another disk: refused by identifier, not read.
  fs::copy_file(dir / "other.vhd", alone / "base.vhd");
  const auto wrong = test::run_cli({"scan", (alone / "child.vhd").string(), "--out", (tmp / "wrong").string()});
  CHECK(wrong.exit_code == 3);
  CHECK_MESSAGE(wrong.err.find("needs the parent disk with identifier") != std::string::npos, wrong.err);
}
