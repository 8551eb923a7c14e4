#pragma once
// Shared test helpers: temporary folders, file bytes, and the ../shared corpus.
#include <cstddef>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace triage::test {

// A fresh folder under the system temp dir, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Bytes written out in a test: {0xFF, 0xD8, ...}, or the characters of a string (NULs included).
std::vector<std::byte> bytes_of(std::initializer_list<int> values);
std::vector<std::byte> bytes_of(std::string_view text);

std::vector<std::byte> read_bytes(const std::filesystem::path& file);
std::string read_text(const std::filesystem::path& file);
void write_bytes(const std::filesystem::path& file, const std::vector<std::byte>& bytes);
void write_text(const std::filesystem::path& file, const std::string& text);
// The permission bits of `p` (07777 of stat's st_mode), e.g. 0600; FAILs the test if it cannot be stat'ed.
unsigned file_mode(const std::filesystem::path& p);

// Copies `file` into `dir`, decompressing it (gunzip) when its name ends in .gz; returns the
// copy's path (name without .gz). Throws when the copy fails.
std::filesystem::path unpack_into(const std::filesystem::path& file, const std::filesystem::path& dir);

// A 24-bit BMP of width x height pixels whose pattern depends on `seed`: a small, valid,
// benign still image (distinct digests per seed).
std::vector<std::byte> pattern_bmp(unsigned seed, int width, int height);

// The project's source folder (for samples/ and golden files).
std::filesystem::path source_dir();

// ../shared/corpus/<sub> next to the checkout. When it is absent the test must not pass
// silently: under CI (CI=true) this FAILs the current test; elsewhere it prints a loud
// SKIPPED message. Returns nullopt in both cases, and the caller returns.
std::optional<std::filesystem::path> require_corpus(const std::string& sub);

// A file a Debian package installs (test data such as python3-imageio's public photographs, or
// opencv-data's cascades), under the same rule: FAIL under CI, a loud SKIPPED elsewhere.
std::optional<std::filesystem::path> require_package_file(const std::filesystem::path& file,
                                                         const std::string& package);

// Runs `command` with /bin/sh -c under /usr/bin/time and waits: its exit status (128 + signal
// when killed), its peak resident set in KiB (as GNU time reports it) and its wall time.
struct ChildRun {
  int status = -1;
  long max_rss_kib = 0;
  double seconds = 0;
};
ChildRun run_child(const std::string& command);

}  // namespace triage::test
