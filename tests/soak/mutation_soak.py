#!/usr/bin/env python3
"""Mutation soak: damaged disk images scanned by `triage scan` with default options.

Every disk image of ../shared/corpus/disk-images and images this script builds with the file
systems' own tools (FAT32 and ext4 holding the sample evidence, the NTFS fixture with deleted
files, the bundled sample FAT12 image) is mutated many times, each mutation from its own seed:

  flip1       bit flips in 1 % of the bytes
  flip001     bit flips in 0.01 % of the bytes (at least one)
  field       a boot-sector or superblock field (1, 2, 4 or 8 bytes) set to 0, 1, the maximum or 2^k
  truncate    cut at a random length
  zero_meta   a FAT, the MFT or an inode table (as fsstat places them) zeroed, else 64 KiB of metadata

and each is scanned under a wall limit. A hang (the limit reached), a crash (a signal, or an exit
status other than 0, 1, 3 and 6) or a peak RSS over the limit is a failure: the input is kept in
tests/fuzz/regressions/soak/ under a name that gives the seed, and the script exits 1.

  tests/soak/mutation_soak.py --triage build/ci/cli/triage --scans 120      short form (CI)
  tests/soak/mutation_soak.py --triage build/release/cli/triage --scans 5000  long form

Without the corpus (../shared/corpus) the built images are used alone, said loudly; under CI
(CI=true) a missing corpus is a failure. Needs dosfstools, mtools, e2fsprogs and sleuthkit.
"""
import argparse
import concurrent.futures
import gzip
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
KINDS = ["flip1", "flip001", "field", "truncate", "zero_meta"]


def run(cmd, **kw):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)


def corpus_images(corpus, work):
    """The corpus's disk images, gunzipped into `work`: (name, path) pairs. Split raw by its first segment."""
    out = []
    base = os.path.join(corpus, "disk-images")
    for folder in sorted(os.listdir(base)):
        d = os.path.join(base, folder)
        if folder == "expected" or not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            src = os.path.join(d, name)
            plain = name[:-3] if name.endswith(".gz") else name
            dst = os.path.join(work, folder + "_" + plain)
            if name.endswith(".gz"):
                with gzip.open(src, "rb") as i, open(dst, "wb") as o:
                    shutil.copyfileobj(i, o)
            else:
                shutil.copyfile(src, dst)
            if re.search(r"splitraw\.00[1-9]$", plain):
                continue  # a later segment of a split raw set: it comes along with the first, unchanged
            out.append((folder + "/" + plain, dst))
    return out


def built_images(work):
    """Images made here with the file systems' tools, holding the bundled sample evidence."""
    evidence = os.path.join(ROOT, "samples", "evidence")
    out = []
    fat32 = os.path.join(work, "built_fat32.img")
    run(["mkfs.fat", "-F", "32", "-C", fat32, "40000"])
    run(["mcopy", "-i", fat32, "-s"] + [os.path.join(evidence, e) for e in sorted(os.listdir(evidence))] + ["::/"])
    out.append(("built/fat32", fat32))
    ext4 = os.path.join(work, "built_ext4.img")
    run(["mke2fs", "-q", "-t", "ext4", "-d", evidence, ext4, "16M"])
    out.append(("built/ext4", ext4))
    ntfs = os.path.join(work, "built_ntfs-deleted.img")
    with gzip.open(os.path.join(ROOT, "tests", "fixtures", "ntfs-deleted.img.gz"), "rb") as i, open(ntfs, "wb") as o:
        shutil.copyfileobj(i, o)
    out.append(("built/ntfs-deleted", ntfs))
    fat12 = os.path.join(work, "built_sample-fat12.img")
    shutil.copyfile(os.path.join(ROOT, "samples", "disk", "sample-fat12.img"), fat12)
    out.append(("built/sample-fat12", fat12))
    return out


SIGNATURES = [(3, b"NTFS    "), (3, b"EXFAT   "), (82, b"FAT32   "), (54, b"FAT1"), (1024 + 56, b"\x53\xef"),
              (1024, b"H+"), (1024, b"HX"), (32, b"NXSB"), (32769, b"CD001")]


def header_regions(data):
    """Offsets of boot sectors and superblocks: the image's start and every volume start found in
    its first 64 MiB (a 512-byte-aligned position where a file system's signature sits)."""
    starts = {0}
    limit = min(len(data), 64 << 20)
    for sector in range(0, limit, 512):
        for off, sig in SIGNATURES:
            at = sector + off
            if data[at:at + len(sig)] == sig:
                starts.add(sector)
    return sorted(starts)


def metadata_regions(path):
    """(offset, length) of FATs, the MFT and inode tables as fsstat gives them, in bytes."""
    regions = []
    try:
        text = subprocess.run(["fsstat", path], capture_output=True, text=True, timeout=20).stdout
    except (subprocess.TimeoutExpired, OSError):
        return regions
    sector = 512
    block = None
    for line in text.splitlines():
        m = re.search(r"(Sector|Block|Cluster) Size: (\d+)", line)
        if m and m.group(1) == "Sector":
            sector = int(m.group(2))
        if m and m.group(1) in ("Block", "Cluster") and block is None:
            block = int(m.group(2))
        m = re.match(r"\* FAT \d+: (\d+) - (\d+)", line.strip())
        if m:
            regions.append((int(m.group(1)) * sector, (int(m.group(2)) - int(m.group(1)) + 1) * sector))
        m = re.match(r"Inode Table: (\d+) - (\d+)", line.strip())
        if m and block:
            regions.append((int(m.group(1)) * block, (int(m.group(2)) - int(m.group(1)) + 1) * block))
        m = re.match(r"First Cluster of MFT: (\d+)", line.strip())
        if m and block:
            regions.append((int(m.group(1)) * block, 64 * 1024))
    return regions


def mutate(data, kind, rng, meta):
    b = bytearray(data)
    n = len(b)
    if n == 0:
        return b, "empty"
    if kind in ("flip1", "flip001"):
        share = 0.01 if kind == "flip1" else 0.0001
        count = max(1, int(n * share))
        for _ in range(count):
            b[rng.randrange(n)] ^= 1 << rng.randrange(8)
        return b, f"{count} bit flips"
    if kind == "field":
        start = rng.choice(header_regions(data))
        width = rng.choice([1, 2, 4, 8])
        span = 2048 if start == 0 else 1536
        at = start + rng.randrange(0, span // width) * width
        if at + width > n:
            at = max(0, n - width)
        value = rng.choice([0, 1, (1 << (8 * width)) - 1, 1 << rng.randrange(8 * width)])
        b[at:at + width] = value.to_bytes(width, "little")
        return b, f"{width}-byte field at {at} set to {value}"
    if kind == "truncate":
        cut = rng.randrange(n)
        return b[:cut], f"truncated to {cut} bytes"
    regions = meta or []
    if regions:
        off, length = rng.choice(regions)
    else:
        off, length = rng.randrange(0, max(1, n // 10)), 64 * 1024
    off = min(off, n)
    length = min(length, n - off)
    b[off:off + length] = bytes(length)
    return b, f"{length} bytes of metadata zeroed at {off}"


def scan(triage, image, case_dir, wall):
    """Runs the scan; returns (status, seconds, peak RSS in KiB)."""
    start = time.monotonic()
    proc = subprocess.Popen([triage, "scan", image, "--out", case_dir], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = start + wall
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid != 0:
            break
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = -9
            return "hang", time.monotonic() - start, usage.ru_maxrss
        time.sleep(0.02)
    seconds = time.monotonic() - start
    if os.WIFSIGNALED(status):
        return f"crash (signal {os.WTERMSIG(status)})", seconds, usage.ru_maxrss
    code = os.WEXITSTATUS(status)
    if code not in (0, 1, 3, 6):  # 6: a damaged E01 no longer matches its acquisition MD5
        return f"crash (exit {code})", seconds, usage.ru_maxrss
    return f"ok (exit {code})", seconds, usage.ru_maxrss


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--triage", required=True, help="the triage binary to soak")
    ap.add_argument("--scans", type=int, default=120)
    ap.add_argument("--seed", type=int, default=1, help="first seed; scan i uses seed + i")
    ap.add_argument("--wall", type=float, default=60.0, help="seconds a scan may take")
    ap.add_argument("--rss-mb", type=int, default=1024)
    ap.add_argument("--jobs", type=int, default=max(1, os.cpu_count() or 1))
    ap.add_argument("--corpus", default=os.path.join(ROOT, "..", "shared", "corpus"))
    ap.add_argument("--keep", default=os.path.join(ROOT, "tests", "fuzz", "regressions", "soak"))
    args = ap.parse_args()
    triage = os.path.abspath(args.triage)

    work = tempfile.mkdtemp(prefix="triage-soak-")
    try:
        images = built_images(work)
        if os.path.isdir(os.path.join(args.corpus, "disk-images")):
            images += corpus_images(args.corpus, work)
        elif os.environ.get("CI") == "true":
            print(f"soak: FAIL: the corpus is missing ({args.corpus}) under CI", file=sys.stderr)
            return 1
        else:
            print(f"soak: WARNING: no corpus at {args.corpus}: SKIPPING the corpus images, built images only",
                  file=sys.stderr)
        originals = {name: open(path, "rb").read() for name, path in images}
        metas = {name: metadata_regions(path) for name, path in images}
        names = [name for name, _ in images]

        def one(i):
            seed = args.seed + i
            rng = random.Random(seed)
            name = names[i % len(names)]
            kind = KINDS[(i // len(names)) % len(KINDS)]
            data, what = mutate(originals[name], kind, rng, metas[name])
            path = dict(images)[name]
            suffix = re.sub(r"^.*?((\.E01|\.vhd|\.vmdk|\.000)?)$", r"\1", path)
            mutated = os.path.join(work, f"m{seed}{suffix}")
            with open(mutated, "wb") as f:
                f.write(data)
            if path.endswith(".000"):  # split raw: the second segment comes along unchanged
                shutil.copyfile(path[:-4] + ".001", mutated[:-4] + ".001")
            case_dir = os.path.join(work, f"case{seed}")
            status, seconds, rss = scan(triage, mutated, case_dir, args.wall)
            failed = not status.startswith("ok") or rss > args.rss_mb * 1024
            if failed:
                os.makedirs(args.keep, exist_ok=True)
                kept = os.path.join(args.keep, f"{status.split()[0]}-seed{seed}-{name.replace('/', '_')}")
                shutil.copyfile(mutated, kept)
            for p in (mutated, mutated[:-4] + ".001" if path.endswith(".000") else None):
                if p and os.path.exists(p):
                    os.remove(p)
            shutil.rmtree(case_dir, ignore_errors=True)
            return seed, name, kind, what, status, seconds, rss, failed

        results = []
        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            for r in pool.map(one, range(args.scans)):
                results.append(r)
                seed, name, kind, what, status, seconds, rss, failed = r
                if failed:
                    print(f"soak: FAIL seed {seed} {name} {kind} ({what}): {status}, {seconds:.1f} s, "
                          f"{rss // 1024} MB", file=sys.stderr)
        failures = [r for r in results if r[7]]
        slowest = max(results, key=lambda r: r[5])
        largest = max(results, key=lambda r: r[6])
        by_status = {}
        for r in results:
            by_status[r[4]] = by_status.get(r[4], 0) + 1
        print(f"soak: {len(results)} mutated scans of {len(names)} images in {time.monotonic() - started:.0f} s "
              f"({args.jobs} at a time): {len(failures)} failures (hangs over {args.wall:.0f} s, crashes, "
              f"RSS over {args.rss_mb} MB)")
        print("soak: outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(by_status.items())))
        print(f"soak: slowest {slowest[5]:.2f} s (seed {slowest[0]}, {slowest[1]}, {slowest[2]}: {slowest[3]})")
        print(f"soak: largest RSS {largest[6] // 1024} MB (seed {largest[0]}, {largest[1]}, {largest[2]})")
        return 1 if failures else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
