#include "core/media/archive_signatures.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace triage {
namespace {

std::vector<std::byte> bytes(std::string_view text, std::size_t pad_to = 0) {
  std::vector<std::byte> out(std::max(text.size(), pad_to));
  for (std::size_t i = 0; i < text.size(); ++i) out[i] = static_cast<std::byte>(text[i]);
  return out;
}

}  // namespace

TEST_CASE("archives and compressed streams are known by their first bytes") {
  using namespace std::string_view_literals;
  CHECK(archive_signature(bytes("PK\x03\x04\x14\x00"sv)) == "zip");
  CHECK(archive_signature(bytes("PK\x05\x06"sv, 22)) == "zip");  // an empty ZIP
  CHECK(archive_signature(bytes("7z\xBC\xAF\x27\x1C\x00\x04"sv)) == "7z");
  CHECK(archive_signature(bytes("Rar!\x1A\x07\x00"sv)) == "rar");
  CHECK(archive_signature(bytes("Rar!\x1A\x07\x01\x00"sv)) == "rar5");
  CHECK(archive_signature(bytes("070701"sv)) == "cpio");
  CHECK(archive_signature(bytes("!<arch>\n"sv)) == "ar");
  CHECK(archive_signature(bytes("\x1F\x8B\x08"sv)) == "gzip");
  CHECK(archive_signature(bytes("BZh9"sv)) == "bzip2");
  CHECK(archive_signature(bytes("\xFD" "7zXZ\x00"sv)) == "xz");
  CHECK(archive_signature(bytes("\x28\xB5\x2F\xFD"sv)) == "zstd");
  CHECK(archive_signature(bytes("\x04\x22\x4D\x18"sv)) == "lz4");
  auto tar = bytes("photo.jpg", 512);
  const std::string_view ustar = "ustar";
  for (std::size_t i = 0; i < ustar.size(); ++i) tar[257 + i] = static_cast<std::byte>(ustar[i]);
  CHECK(archive_signature(tar) == "tar");
  CHECK(is_compressed_stream("gzip"));
  CHECK_FALSE(is_compressed_stream("zip"));
}

TEST_CASE("other content, and too few bytes, is no archive") {
  using namespace std::string_view_literals;
  CHECK_FALSE(archive_signature(bytes("\xFF\xD8\xFF\xE0"sv)));  // JPEG
  CHECK_FALSE(archive_signature(bytes("PK"sv)));
  CHECK_FALSE(archive_signature(bytes("BZh0"sv)));  // no block size 0
  CHECK_FALSE(archive_signature(bytes("\xC7\x71"sv)));  // binary cpio: too weak to open on
  CHECK_FALSE(archive_signature(bytes("ustar"sv, 300)));  // the magic at 0, not 257
  CHECK_FALSE(archive_signature({}));
}

}  // namespace triage
