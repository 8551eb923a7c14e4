#include "formats/source/directory_source.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "tests/support/test_support.h"

using namespace triage;
namespace fs = std::filesystem;

namespace {

class RecordingSink final : public WalkSink {
 public:
  void item(WalkedItem&& w) override { entries.push_back("item " + w.record.path); items.push_back(std::move(w)); }
  void problem(WalkProblem&& p) override { entries.push_back(p.kind + " " + p.path); }
  bool stopping() const override { return false; }
  std::vector<std::string> entries;
  std::vector<WalkedItem> items;
};

}  // namespace

TEST_CASE("a folder is walked in byte order of names, never following links") {
  test::TempDir tmp;
  const fs::path root = tmp / "root";
  fs::create_directories(root / "b" / "c");
  test::write_text(root / "b" / "c" / "z.txt", "z");
  test::write_text(root / "a.txt", "a");
  test::write_text(root / "B.txt", "B");
  fs::create_directory_symlink(root, root / "b" / "loop");
  REQUIRE(::mkfifo((root / "fifo").c_str(), 0600) == 0);

  DirectorySource source(root.string() + "/", ContentPolicy{});
  RecordingSink sink;
  source.walk(sink);
  const std::string r = root.string();
  const std::vector<std::string> expected = {
      "item " + r + "/B.txt", "item " + r + "/a.txt", "item " + r + "/b/c/z.txt",
      "symlink_not_followed " + r + "/b/loop", "special_file " + r + "/fifo"};
  CHECK(sink.entries == expected);
  REQUIRE(sink.items.size() == 3);
  CHECK(sink.items[0].record.size == 1);
  CHECK(sink.items[0].record.fs.inode.has_value());
  CHECK(sink.items[0].record.fs.mtime.has_value());
}

TEST_CASE("an entry the walker cannot reach is an error row, not silence") {
  // Names nested past PATH_MAX cannot be opened by path: made with mkdirat, one level at a time.
  test::TempDir tmp;
  fs::create_directory(tmp / "root");
  int dir = ::open((tmp / "root").c_str(), O_RDONLY | O_DIRECTORY);
  REQUIRE(dir >= 0);
  const std::string name(250, 'd');
  for (int depth = 0; depth < 20; ++depth) {
    REQUIRE(::mkdirat(dir, name.c_str(), 0700) == 0);
    const int next = ::openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY);
    ::close(dir);
    REQUIRE(next >= 0);
    dir = next;
  }
  ::close(dir);
  DirectorySource source((tmp / "root").string(), ContentPolicy{});
  RecordingSink sink;
  source.walk(sink);
  REQUIRE(sink.entries.size() == 1);
  CHECK(sink.entries[0].starts_with("unreadable "));
}

TEST_CASE("the walker reads media whole and leaves non-media at its head") {
  test::TempDir tmp;
  fs::create_directory(tmp / "root");
  std::string text(200'000, 't');
  test::write_text(tmp / "root" / "big.txt", text);
  std::string png("\x89PNG\r\n\x1a\n", 8);
  png += std::string(100'000, '\0');
  test::write_text(tmp / "root" / "img.png", png);
  DirectorySource source((tmp / "root").string(), ContentPolicy{});
  RecordingSink sink;
  source.walk(sink);
  REQUIRE(sink.items.size() == 2);
  CHECK_FALSE(sink.items[0].content.complete);
  CHECK(sink.items[0].content.bytes.size() == ContentPolicy{}.head_size);
  CHECK(sink.items[1].content.complete);
  CHECK(sink.items[1].content.bytes.size() == png.size());
  CHECK(sink.items[1].record.media_type == MediaType::image);
}
