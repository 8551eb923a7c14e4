// A hostile corpus made here (truncated and bit-flipped media, decompression bombs by their
// headers, EXIF with looping IFD offsets and huge counts, a 5,000-level directory tree) scanned
// by the `triage` executable: no crash, every file accounted for (an item, with its problems, or
// an error entry with a reason), peak RSS far below 1 GB.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "tests/cli/cli_runner.h"
#include "tests/support/test_support.h"

namespace fs = std::filesystem;
using namespace triage;
using nlohmann::json;

namespace {

using Bytes = std::vector<std::byte>;

using test::bytes_of;
void append(Bytes& out, const Bytes& more) { out.insert(out.end(), more.begin(), more.end()); }
void put_be16(Bytes& b, std::size_t at, unsigned v) {
  b[at] = static_cast<std::byte>(v >> 8);
  b[at + 1] = static_cast<std::byte>(v & 0xFF);
}

// A JPEG whose SOF claims width x height (the rest of the file as it was).
Bytes with_jpeg_size(Bytes jpeg, unsigned width, unsigned height) {
  for (std::size_t i = 2; i + 9 < jpeg.size(); ++i)
    if (jpeg[i] == std::byte{0xFF} && (jpeg[i + 1] == std::byte{0xC0} || jpeg[i + 1] == std::byte{0xC2})) {
      put_be16(jpeg, i + 5, height);
      put_be16(jpeg, i + 7, width);
      break;
    }
  return jpeg;
}

// A minimal JPEG made of SOI, one APP1 Exif segment holding `tiff`, then a truncated stream.
Bytes jpeg_with_exif(const Bytes& tiff) {
  Bytes out = bytes_of({0xFF, 0xD8, 0xFF, 0xE1});
  const std::size_t length = 2 + 6 + tiff.size();
  out.push_back(static_cast<std::byte>(length >> 8));
  out.push_back(static_cast<std::byte>(length & 0xFF));
  append(out, bytes_of({'E', 'x', 'i', 'f', 0, 0}));
  append(out, tiff);
  append(out, bytes_of({0xFF, 0xD9}));
  return out;
}

// Little-endian TIFF header then IFD0 at offset 8 with the given 12-byte entries and next-IFD link.
Bytes tiff_with_ifd(const std::vector<Bytes>& entries, unsigned next_ifd) {
  Bytes t = bytes_of({'I', 'I', 42, 0, 8, 0, 0, 0});
  t.push_back(static_cast<std::byte>(entries.size()));
  t.push_back(std::byte{0});
  for (const auto& e : entries) append(t, e);
  for (int i = 0; i < 4; ++i) t.push_back(static_cast<std::byte>((next_ifd >> (8 * i)) & 0xFF));
  return t;
}
Bytes entry(unsigned tag, unsigned type, unsigned count, unsigned value) {
  Bytes e;
  for (unsigned v : {tag & 0xFF, tag >> 8, type & 0xFF, type >> 8}) e.push_back(static_cast<std::byte>(v));
  for (int i = 0; i < 4; ++i) e.push_back(static_cast<std::byte>((count >> (8 * i)) & 0xFF));
  for (int i = 0; i < 4; ++i) e.push_back(static_cast<std::byte>((value >> (8 * i)) & 0xFF));
  return e;
}


}  // namespace

TEST_CASE("hostile corpus: no crash, every file accounted for, bounded memory") {
  test::TempDir tmp;
  const fs::path src = tmp / "hostile";
  fs::create_directories(src / "mutated");
  const fs::path samples = test::source_dir() / "samples" / "evidence";
  std::size_t files = 0;
  const auto write = [&](const fs::path& rel, const Bytes& b) {
    fs::create_directories((src / rel).parent_path());
    test::write_bytes(src / rel, b);
    ++files;
  };

  // Truncated and bit-flipped copies of every kind of sample media.
  std::mt19937 rng(8);
  for (const char* rel : {"DCIM/100TEST/IMG_0001.jpg", "DCIM/100TEST/IMG_0002.jpg", "Pictures/pattern.png",
                          "Pictures/bars.gif", "Pictures/grid.tif", "Pictures/pattern.webp", "Pictures/grid.bmp",
                          "Videos/clip.mp4"}) {
    const Bytes original = test::read_bytes(samples / rel);
    const std::string stem = fs::path(rel).stem().string(), ext = fs::path(rel).extension().string();
    for (const std::size_t percent : {std::size_t{1}, std::size_t{10}, std::size_t{50}, std::size_t{90}, std::size_t{99}})
      write(fs::path("mutated") / (stem + "-cut" + std::to_string(percent) + ext),
            Bytes(original.begin(), original.begin() + static_cast<std::ptrdiff_t>(original.size() * percent / 100)));
    for (int k = 0; k < 6; ++k) {
      Bytes flipped = original;
      const int flips = 1 + k * 4;
      for (int f = 0; f < flips; ++f) flipped[rng() % flipped.size()] ^= static_cast<std::byte>(1u << (rng() % 8));
      write(fs::path("mutated") / (stem + "-flip" + std::to_string(k) + ext), flipped);
    }
  }
  if (auto heic = test::require_corpus("exif-samples/heic")) {
    for (const auto& e : fs::directory_iterator(*heic)) {
      const Bytes original = test::read_bytes(e.path());
      write(fs::path("mutated") / ("heic-cut50-" + e.path().filename().string()),
            Bytes(original.begin(), original.begin() + static_cast<std::ptrdiff_t>(original.size() / 2)));
      Bytes flipped = original;
      for (int f = 0; f < 16; ++f) flipped[rng() % flipped.size()] ^= std::byte{0x10};
      write(fs::path("mutated") / ("heic-flip-" + e.path().filename().string()), flipped);
      break;  // one is enough
    }
  }

  // Bombs by their headers: refused before any pixel buffer is allocated.
  const Bytes jpeg = test::read_bytes(samples / "DCIM/100TEST/IMG_0001.jpg");
  write("bombs/jpeg-65000x65000.jpg", with_jpeg_size(jpeg, 65000, 65000));
  Bytes png = bytes_of({0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 'I', 'H', 'D', 'R',
                        0x00, 0x01, 0x86, 0xA0, 0x00, 0x01, 0x86, 0xA0, 8, 2, 0, 0, 0, 0, 0, 0, 0});
  append(png, bytes_of({0, 0, 0, 10, 'I', 'D', 'A', 'T', 0x78, 0x9C, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  write("bombs/png-100000x100000.png", png);
  write("bombs/gif-65535x65535.gif", bytes_of({'G', 'I', 'F', '8', '9', 'a', 0xFF, 0xFF, 0xFF, 0xFF, 0xF7, 0, 0}));

  // EXIF: IFD0 linking to itself, an entry with a huge count, an Exif IFD pointing back at IFD0.
  write("exif/loop.jpg", jpeg_with_exif(tiff_with_ifd({entry(0x010F, 2, 4, 0x0000414141)}, 8)));
  write("exif/huge-count.jpg", jpeg_with_exif(tiff_with_ifd({entry(0x010F, 2, 0xFFFFFFFF, 8)}, 0)));
  write("exif/exififd-loop.jpg", jpeg_with_exif(tiff_with_ifd({entry(0x8769, 4, 1, 8)}, 0)));
  write("exif/gps-huge.jpg", jpeg_with_exif(tiff_with_ifd({entry(0x8825, 4, 1, 8), entry(0x0002, 5, 0x10000000, 8)}, 0)));

  // A 5,000-level tree of one-letter folders (deeper than PATH_MAX allows to name), a file at the
  // bottom; made with mkdirat relative to the parent's descriptor.
  {
    int fd = ::open(src.c_str(), O_RDONLY | O_DIRECTORY);
    REQUIRE(fd >= 0);
    for (int depth = 0; depth < 5000; ++depth) {
      REQUIRE(::mkdirat(fd, "d", 0755) == 0);
      const int next = ::openat(fd, "d", O_RDONLY | O_DIRECTORY);
      ::close(fd);
      REQUIRE(next >= 0);
      fd = next;
    }
    const int file = ::openat(fd, "deep.txt", O_WRONLY | O_CREAT, 0644);
    REQUIRE(file >= 0);
    REQUIRE(::write(file, "x", 1) == 1);
    ::close(file);
    ::close(fd);
  }

  const fs::path triage = fs::path(TRIAGE_TEST_BINARY_DIR) / "cli" / "triage";
  const fs::path out = tmp / "items.jsonl";
  const test::ChildRun run = test::run_child("'" + triage.string() + "' scan '" + src.string() + "' --all-files --format jsonl --out '" +
                                   (tmp / "case").string() + "' > '" + out.string() + "' 2> '" +
                                   (tmp / "err.txt").string() + "'");
  const int status = run.status;
  const long max_rss_kib = run.max_rss_kib;
  CHECK_MESSAGE((status == 0 || status == 1), "exit status " << status << ": " << test::read_text(tmp / "err.txt"));

  std::size_t items = 0, with_problems = 0, errors = 0;
  bool deep_accounted = false;
  for (const auto& j : test::parse_lines(test::read_text(out))) {
    const std::string path = j.value("path", "");
    if (j.contains("size")) {
      ++items;
      if (j.contains("errors")) {
        ++with_problems;
        for (const auto& p : j["errors"]) CHECK_FALSE(p["message"].get<std::string>().empty());
      }
      if (path.find("deep.txt") != std::string::npos) deep_accounted = true;
    } else {
      ++errors;
      CHECK_FALSE(j["message"].get<std::string>().empty());
      if (path.find("/d/d/d/d") != std::string::npos) deep_accounted = true;
    }
  }
  MESSAGE((files + 1) << " files made; " << items << " items (" << with_problems << " with problems), " << errors
                    << " error entries; peak RSS " << max_rss_kib / 1024 << " MiB");
  CHECK(deep_accounted);
  CHECK(items + errors >= files + 1);  // every file made, plus an entry for the tree or its file
  CHECK(items >= files);
  CHECK(with_problems >= 10);
  CHECK(max_rss_kib < 1024 * 1024);
}
