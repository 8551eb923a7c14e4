// EnCase hash sets (.hash, EnCase 4 to 6).
//
// Layout (Forensics Wiki, "EnCase hash file format", from an EnCase 6 file; little endian):
//   0x0000  16 bytes  48 41 53 48 0D 0A FF 00 ("HASH\r\n\xff\0") then a version (02 00 00 00 01 00 00 00)
//   0x0010  uint32    number of MD5 entries
//   0x0408  UTF-16LE  hash set name (up to 39 characters, zero padded)
//   0x0458  UTF-16LE  category (up to 19 characters, zero padded)
//   0x0480  entries of 18 bytes: the MD5 (16 bytes) and two zero bytes, to the end of the file
// The wiki marks the layout "to be verified"; a file whose size does not fit the count is refused
// rather than guessed at. EnCase 7 hash libraries are a different (folder) format, not read here.
#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "core/text/hex.h"
#include "core/text/utf8.h"
#include "formats/hashset/hashset_reader.h"

namespace triage::hashset {
namespace {

constexpr std::size_t kHeaderSize = 0x480;
constexpr std::size_t kEntrySize = 18;
constexpr unsigned char kMagic[8] = {0x48, 0x41, 0x53, 0x48, 0x0D, 0x0A, 0xFF, 0x00};

// UTF-16LE text up to the first NUL, as UTF-8.
std::string utf16le_field(const unsigned char* p, std::size_t bytes) {
  std::string out;
  for (std::size_t i = 0; i + 1 < bytes; i += 2) {
    unsigned cp = static_cast<unsigned>(p[i]) | (static_cast<unsigned>(p[i + 1]) << 8);
    if (cp == 0) break;
    if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;  // no surrogate pairs in a 39-character name
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  return out;
}

}  // namespace

std::string read_encase_hash_name(const std::filesystem::path& file) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> in(std::fopen(file.c_str(), "rb"), &std::fclose);
  std::vector<unsigned char> header(kHeaderSize);
  if (!in || std::fread(header.data(), 1, header.size(), in.get()) != header.size()) return {};
  return utf16le_field(header.data() + 0x408, 0x458 - 0x408);
}

bool is_encase_hash_magic(std::string_view head) {
  return head.size() >= sizeof kMagic && std::memcmp(head.data(), kMagic, sizeof kMagic) == 0;
}

void read_encase_hash(const std::filesystem::path& file, ImportSink& sink) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> in(std::fopen(file.c_str(), "rb"), &std::fclose);
  if (!in) throw ImportError(file.string() + ": cannot open: " + std::strerror(errno));
  std::vector<unsigned char> header(kHeaderSize);
  const std::size_t got = std::fread(header.data(), 1, header.size(), in.get());
  if (got < sizeof kMagic || std::memcmp(header.data(), kMagic, sizeof kMagic) != 0)
    fail(file, {0, 0}, "not an EnCase .hash file (no \"HASH\\r\\n\\xff\\0\" signature)");
  if (got < kHeaderSize) fail(file, {0, got}, fmt::format("truncated EnCase header: {} of {} bytes", got, kHeaderSize));
  const std::uint32_t count = static_cast<std::uint32_t>(header[0x10]) | (static_cast<std::uint32_t>(header[0x11]) << 8) |
                              (static_cast<std::uint32_t>(header[0x12]) << 16) |
                              (static_cast<std::uint32_t>(header[0x13]) << 24);
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) fail(file, {}, "cannot stat: " + ec.message());
  const std::uint64_t body = size - kHeaderSize;
  if (body % kEntrySize != 0 || body / kEntrySize != count)
    fail(file, {0, 0x10},
         fmt::format("unsupported EnCase .hash layout: the header counts {} entries but the file holds {} bytes after "
                     "offset 0x480 ({} entries of 18 bytes would be {} bytes)",
                     count, body, count, std::uint64_t{count} * kEntrySize));
  const std::string category = utf16le_field(header.data() + 0x458, 0x47E - 0x458);
  std::vector<unsigned char> chunk(kEntrySize * 4096);
  std::uint64_t offset = kHeaderSize;
  ImportRecord r;
  for (std::uint32_t done = 0; done < count;) {
    const std::size_t want = std::min<std::size_t>(chunk.size() / kEntrySize, count - done) * kEntrySize;
    if (std::fread(chunk.data(), 1, want, in.get()) != want) fail(file, {0, offset}, "read error or truncated entries");
    for (std::size_t i = 0; i < want; i += kEntrySize, offset += kEntrySize, ++done) {
      r = ImportRecord{};
      r.record.md5 = to_hex(std::string_view(reinterpret_cast<const char*>(chunk.data() + i), 16));
      r.record.category = category;
      sink.add(r, {0, offset});
    }
  }
}

}  // namespace triage::hashset
