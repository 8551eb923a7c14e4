#include "tests/support/test_support.h"

#include <doctest/doctest.h>

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

std::vector<std::byte> read_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> bytes(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) bytes[i] = static_cast<std::byte>(text[i]);
  return bytes;
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

std::optional<fs::path> require_corpus(const std::string& sub) {
  const char* env = std::getenv("TRIAGE_SHARED_DIR");
  fs::path shared = env ? fs::path(env) : source_dir().parent_path() / "shared";
  fs::path dir = shared / "corpus" / sub;
  if (fs::is_directory(dir)) return dir;
  const char* ci = std::getenv("CI");
  if (ci && std::string(ci) == "true") {
    FAIL("shared corpus missing under CI: " << dir.string());
  } else {
    MESSAGE("SKIPPED (loudly): shared corpus not found at " << dir.string()
            << "; this test needs ../shared/corpus/" << sub);
  }
  return std::nullopt;
}

}  // namespace triage::test
