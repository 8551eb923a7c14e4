#include "core/evidence/evidence_path.h"

#include <doctest/doctest.h>

#include <string>

namespace triage {

TEST_CASE("an evidence path reads as outputs have always shown it") {
  const EvidencePath image("exhibit.E01");
  CHECK(image.file("DCIM/x.jpg").to_string() == "exhibit.E01:/DCIM/x.jpg");
  const EvidencePath ntfs = image.volume("p2", "ntfs", 1048576);
  CHECK(ntfs.to_string() == "exhibit.E01/p2(ntfs@1048576)");
  CHECK(ntfs.file("Users/a/x.jpg").to_string() == "exhibit.E01/p2(ntfs@1048576):/Users/a/x.jpg");
  CHECK(ntfs.file("x.jpg", "Zone.Identifier").to_string() == "exhibit.E01/p2(ntfs@1048576):/x.jpg:Zone.Identifier");
  CHECK(ntfs.file_system_root().to_string() == "exhibit.E01/p2(ntfs@1048576):/");
  CHECK(image.volume("p1", "fat32", 1048576).carved(52461568).to_string() ==
        "exhibit.E01/p1(fat32@1048576)/unalloc@52461568");
  CHECK(image.unpartitioned(0).to_string() == "exhibit.E01/unpartitioned@0");
  CHECK(image.volume("p1", "apfs-container", 20480).volume("v1", "apfs", 24576).file("x.jpg").to_string() ==
        "exhibit.E01/p1(apfs-container@20480)/v1(apfs@24576):/x.jpg");
  CHECK(EvidencePath::in_folder("/cases/phone", "DCIM/a:b%.jpg").to_string() == "/cases/phone/DCIM/a:b%.jpg");
}

TEST_CASE("a name holding the stream separator is not read as a stream") {
  // ext4 allows any byte but '/' and NUL in a name: "a:b" is one file, not stream "b" of "a".
  const EvidencePath fs = EvidencePath("disk.img").volume("p1", "ext4", 1048576);
  const EvidencePath file = fs.file("dir/a:b");
  const std::string text = file.to_string();
  CHECK(text == "disk.img/p1(ext4@1048576):/dir/a%3Ab");
  const auto back = EvidencePath::parse(text, "disk.img", false);
  REQUIRE(back);
  CHECK(back->path_inside() == "dir/a:b");
  CHECK(back->stream().empty());
  CHECK(*back == file);

  const EvidencePath stream = fs.file("a:b", "c:d");
  CHECK(stream.to_string() == "disk.img/p1(ext4@1048576):/a%3Ab:c%3Ad");
  CHECK(EvidencePath::parse(stream.to_string(), "disk.img", false) == stream);
}

TEST_CASE("hostile names survive a round trip") {
  const std::string hostile[] = {
      "",          "%",         "%%3A",          "::",          "a%25b",      "%3A",         "unalloc@12",
      "p1(x@1)",   ":/",        "a/unalloc@5",   "\x01\x7f\xff", "名前.jpg",   "a\nb\tc",     "..",
      "x:/y",      "%zz",       "trailing%",     "/leading",    "a//b",       "(@)",
      "a!/b",      "!",         "!!/",           "x!",          "%21/",       "!/!/",
  };
  const EvidencePath fs = EvidencePath("img:odd%name").volume("p3", "fat32", 512);
  for (const std::string& name : hostile) {
    CAPTURE(name);
    for (const std::string& stream : {std::string(), std::string("s"), name}) {
      const EvidencePath file = fs.file(name, stream);
      const auto back = EvidencePath::parse(file.to_string(), "img:odd%name", false);
      REQUIRE(back);
      CHECK(*back == file);
      const EvidencePath member = file.member(name).member(stream);
      CHECK(EvidencePath::parse(member.to_string(), "img:odd%name", false) == member);
    }
    CHECK(unescape_path_name(escape_path_name(name)) == name);
  }
}

TEST_CASE("every kind of path parses back to what wrote it") {
  const EvidencePath image("/evidence/disk.raw");
  const EvidencePath paths[] = {
      image,
      image.file_system_root(),
      image.file("a/b.jpg"),
      image.volume("p2", "ntfs", 1048576).file("x", "ads"),
      image.volume("p1", "fat16", 32256).carved(786432),
      image.carved(0),
      image.unpartitioned(0),
      image.volume("p1", "apfs-container", 20480).volume("v2", "apfs", 40960).file("Users/x.heic"),
      image.volume("p4", "unknown", 99),
      image.volume("p2", "ntfs", 1048576).file("Users/a/x.zip").member("DCIM/a.jpg"),
      image.file("a.tar", "ads").member("in.zip").member("b!/c:d%.jpg"),
  };
  for (const EvidencePath& p : paths) {
    CAPTURE(p.to_string());
    CHECK(EvidencePath::parse(p.to_string(), "/evidence/disk.raw", false) == p);
  }
  CHECK(image.volume("p1", "fat16", 32256).carved(786432).carved_offset() == 786432u);
  CHECK_FALSE(image.file("unalloc@5").carved_offset());  // a file named so is not carved
  const auto folder = EvidencePath::in_folder("/cases/x", "a/b.png");
  CHECK(EvidencePath::parse(folder.to_string(), "/cases/x", true) == folder);
  const auto member = EvidencePath::in_folder("/cases/x", "d!/e.zip").member("f!").member("g.jpg");
  CHECK(member.to_string() == "/cases/x/d%21/e.zip!/f!!/g.jpg");
  CHECK(EvidencePath::parse(member.to_string(), "/cases/x", true) == member);
  const auto single = EvidencePath::in_folder("album.zip", "").member("a.jpg");  // a file given as the source
  CHECK(single.to_string() == "album.zip!/a.jpg");
  CHECK(EvidencePath::parse("album.zip!/a.jpg", "album.zip", true) == single);
}

TEST_CASE("archive members: '!/' separates them, whatever the names hold") {
  const EvidencePath fs = EvidencePath("disk.img").volume("p1", "ext4", 1048576);
  CHECK(fs.file("home/x.zip").member("DCIM/a.jpg").to_string() == "disk.img/p1(ext4@1048576):/home/x.zip!/DCIM/a.jpg");
  // A folder named "dir!" in the file system and in the archive: its '!' before '/' is escaped.
  const EvidencePath odd = fs.file("dir!/x.zip").member("in!/../../etc/passwd");
  CHECK(odd.to_string() == "disk.img/p1(ext4@1048576):/dir%21/x.zip!/in%21/../../etc/passwd");
  const auto back = EvidencePath::parse(odd.to_string(), "disk.img", false);
  REQUIRE(back);
  CHECK(back->path_inside() == "dir!/x.zip");
  REQUIRE(back->members().size() == 1);
  CHECK(back->members()[0] == "in!/../../etc/passwd");
  CHECK(member_path(odd.to_string(), "x:y") == odd.member("x:y").to_string());
  // Ordinary names read as they always have.
  CHECK(fs.file("a!b/c!").to_string() == "disk.img/p1(ext4@1048576):/a!b/c!");
}

TEST_CASE("text that is not a path below the source is refused") {
  for (const char* text : {"other.img:/a", "disk.raw/p1", "disk.raw/p1(ntfs@x)", "disk.raw/p1(ntfs@1", "disk.raw/(ntfs@1)",
                           "disk.raw/unalloc@", "disk.raw/unalloc@1x", "disk.raw:/a%3", "disk.raw:/a%41",
                           "disk.raw/unpartitioned@-1", "disk.rawx", "disk.raw/unalloc@5/more", "disk.raw:/a!/b%4",
                           "disk.raw:/a:"}) {
    CAPTURE(text);
    CHECK_FALSE(EvidencePath::parse(text, "disk.raw", false));
  }
  CHECK_FALSE(EvidencePath::parse("/elsewhere/a.jpg", "/cases/x", true));
  CHECK_FALSE(EvidencePath::parse("/cases/xy/a.jpg", "/cases/x", true));
}

}  // namespace triage
