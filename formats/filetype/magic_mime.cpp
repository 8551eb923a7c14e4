#include "formats/filetype/magic_mime.h"

#include <magic.h>

#include <stdexcept>

namespace triage {
namespace {

// MAGIC_MIME_TYPE: the MIME type alone, no charset.
// MAGIC_NO_CHECK_COMPRESS: do not look inside compressed data (no decompressor runs; gzip, xz,
//   ... are still named by their own magic).
// MAGIC_NO_COMPRESS_FORK: belt and braces, no decompressor that forks (libmagic >= 5.44).
// MAGIC_NO_CHECK_ELF: skip the ELF detail pass, which only adds to the text description.
// MAGIC_ERROR: report errors as errors rather than as result text.
constexpr int kFlags = MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_ELF | MAGIC_ERROR
#ifdef MAGIC_NO_COMPRESS_FORK
                       | MAGIC_NO_COMPRESS_FORK
#endif
    ;

constexpr const char* kUnknown = "application/octet-stream";

}  // namespace

void MagicMime::Close::operator()(magic_set* cookie) const noexcept { magic_close(cookie); }

MagicMime::MagicMime() : cookie_(magic_open(kFlags)) {
  if (!cookie_) throw std::runtime_error("libmagic: cannot create a handle");
  if (magic_load(cookie_.get(), nullptr) != 0) {
    const char* why = magic_error(cookie_.get());
    throw std::runtime_error(std::string("libmagic: cannot load the magic database: ") +
                             (why ? why : "unknown error"));
  }
}

MagicMime::~MagicMime() = default;
MagicMime::MagicMime(MagicMime&&) noexcept = default;
MagicMime& MagicMime::operator=(MagicMime&&) noexcept = default;

std::string MagicMime::mime_of(std::span<const std::byte> head) {
  if (!cookie_) return kUnknown;  // moved-from
  // An empty span may have a null data pointer; libmagic wants a valid one.
  static constexpr std::byte kNothing{};
  const void* data = head.empty() ? static_cast<const void*>(&kNothing) : head.data();
  const char* mime = magic_buffer(cookie_.get(), data, head.size());
  if (!mime || *mime == '\0') return kUnknown;
  return mime;
}

std::string magic_library_version() {
  const int v = magic_version();  // e.g. 544
  return std::to_string(v / 100) + "." + std::to_string(v % 100);
}

}  // namespace triage
