#include "tests/support/test_support.h"

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <stdexcept>

namespace triage::test {
namespace fs = std::filesystem;

TempDir::TempDir() {
  std::random_device rd;
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto candidate = fs::temp_directory_path() / ("triage-test-" + std::to_string(rd()));
    std::error_code ec;
    if (fs::create_directory(candidate, ec)) {
      path_ = candidate;
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary directory");
}

TempDir::~TempDir() {
  std::error_code ec;
  // Tests may leave read-only folders behind; make them writable before removal.
  for (auto it = fs::recursive_directory_iterator(path_, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec))
      fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
  }
  fs::remove_all(path_, ec);
}

std::vector<std::byte> bytes_of(std::initializer_list<int> values) {
  std::vector<std::byte> out;
  for (int v : values) out.push_back(static_cast<std::byte>(v));
  return out;
}

std::vector<std::byte> bytes_of(std::string_view text) {
  std::vector<std::byte> out;
  for (char c : text) out.push_back(static_cast<std::byte>(c));
  return out;
}

std::vector<std::byte> read_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> bytes(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) bytes[i] = static_cast<std::byte>(text[i]);
  return bytes;
}

unsigned file_mode(const fs::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_bytes(const fs::path& file, const std::vector<std::byte>& bytes) {
  std::ofstream out(file, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

void write_text(const fs::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

fs::path unpack_into(const fs::path& file, const fs::path& dir) {
  if (file.extension() != ".gz") {
    const fs::path out = dir / file.filename();
    fs::copy_file(file, out, fs::copy_options::overwrite_existing);
    return out;
  }
  const fs::path out = dir / file.stem();
  const std::string command = "gunzip -c '" + file.string() + "' > '" + out.string() + "'";
  if (std::system(command.c_str()) != 0) throw std::runtime_error("cannot gunzip " + file.string());
  return out;
}

fs::path source_dir() { return fs::path(TRIAGE_SOURCE_DIR); }

namespace {

// What a test does when data it needs is absent: never a silent pass.
void missing(const std::string& what, const std::string& hint) {
  const char* ci = std::getenv("CI");
  if (ci && std::string(ci) == "true") {
    FAIL(what << " missing under CI");
  } else {
    MESSAGE("SKIPPED (loudly): " << what << " not found; " << hint);
  }
}

}  // namespace

std::optional<fs::path> require_corpus(const std::string& sub) {
  const char* env = std::getenv("TRIAGE_SHARED_DIR");
  fs::path shared = env ? fs::path(env) : source_dir().parent_path() / "shared";
  fs::path dir = shared / "corpus" / sub;
  if (fs::is_directory(dir)) return dir;
  missing("shared corpus " + dir.string(), "this test needs ../shared/corpus/" + sub);
  return std::nullopt;
}

std::optional<fs::path> require_package_file(const fs::path& file, const std::string& package) {
  if (fs::is_regular_file(file)) return file;
  missing(file.string(), "it comes with the Debian package " + package + " (tools/setup.sh --test installs it)");
  return std::nullopt;
}

std::vector<std::byte> pattern_bmp(unsigned seed, int width, int height) {
  // BITMAPFILEHEADER + BITMAPINFOHEADER (54 bytes), bottom-up BGR rows padded to 4 bytes.
  const int row = (width * 3 + 3) & ~3;
  const auto pixels = static_cast<std::uint32_t>(row * height);
  std::vector<std::byte> b(54 + pixels);
  auto put32 = [&](std::size_t at, std::uint32_t v) {
    for (std::size_t i = 0; i < 4; ++i) b[at + i] = static_cast<std::byte>((v >> (8 * i)) & 0xFF);
  };
  b[0] = std::byte{'B'};
  b[1] = std::byte{'M'};
  put32(2, 54 + pixels);
  put32(10, 54);
  put32(14, 40);
  put32(18, static_cast<std::uint32_t>(width));
  put32(22, static_cast<std::uint32_t>(height));
  b[26] = std::byte{1};   // planes
  b[28] = std::byte{24};  // bits per pixel
  put32(34, pixels);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      const auto at = static_cast<std::size_t>(54 + y * row + x * 3);
      b[at] = static_cast<std::byte>((static_cast<unsigned>(x) * (seed % 7 + 1) + seed) & 0xFF);
      b[at + 1] = static_cast<std::byte>((static_cast<unsigned>(y) * (seed % 5 + 2)) & 0xFF);
      b[at + 2] = static_cast<std::byte>((static_cast<unsigned>(x ^ y) * 8 + seed / 3) & 0xFF);
    }
  return b;
}

ChildRun run_child(const std::string& command) {
  // The peak RSS comes from GNU time, which reports its own child's: the rusage of a child forked
  // from this (possibly large) test process would start from this process's high-water mark,
  // which Linux carries over fork and exec.
  const fs::path rss_file = fs::temp_directory_path() / ("triage-test-rss-" + std::to_string(::getpid()));
  const auto quote = [](const std::string& text) {
    std::string out = "'";
    for (const char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
  };
  const std::string wrapped = "exec /usr/bin/time -f %M -o " + quote(rss_file.string()) + " /bin/sh -c " + quote(command);
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::execl("/bin/sh", "sh", "-c", wrapped.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  ChildRun run;
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);  // time: 128 + signal too
  std::ifstream in(rss_file);
  std::string line, last;
  while (std::getline(in, line)) last = line;  // "Command terminated by signal 9" may come first
  REQUIRE_MESSAGE(!last.empty(), "/usr/bin/time (Debian package time) wrote no peak RSS");
  run.max_rss_kib = std::stol(last);
  fs::remove(rss_file);
  return run;
}

}  // namespace triage::test
