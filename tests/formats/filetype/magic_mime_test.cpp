#include "formats/filetype/magic_mime.h"

#include <doctest/doctest.h>

#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace triage {
namespace {

using test::bytes_of;

std::string mime(MagicMime& m, std::string_view s) { return m.mime_of(bytes_of(s)); }

}  // namespace

TEST_CASE("MagicMime names common types from leading bytes") {
  MagicMime magic;
  CHECK(mime(magic, "Just some plain text.\nA second line.\n") == "text/plain");
  CHECK(magic.mime_of({}) == "application/x-empty");
  CHECK(mime(magic, "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n") ==
        "application/pdf");
  CHECK(mime(magic, std::string_view("\x89PNG\r\n\x1A\n\0\0\0\x0DIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0", 29)) ==
        "image/png");
  // gzip is named by its magic; MAGIC_NO_CHECK_COMPRESS only stops looking inside it.
  CHECK(mime(magic, std::string_view("\x1F\x8B\x08\x00\x00\x00\x00\x00\x00\x03", 10)) == "application/gzip");
  // Binary junk falls back to libmagic's generic type.
  CHECK(mime(magic, std::string_view("\x01\x02\x03\x04\xFE\xFD\xFC\x00\x11\x22", 10)) == "application/octet-stream");
}

TEST_CASE("MagicMime can be moved, and one handle per thread works") {
  MagicMime a;
  MagicMime b(std::move(a));
  CHECK(mime(b, "hello\n") == "text/plain");
  CHECK(mime(a, "hello\n") == "application/octet-stream");  // NOLINT(bugprone-use-after-move)
  a = std::move(b);
  CHECK(mime(a, "hello\n") == "text/plain");

  std::vector<std::string> results(4);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < results.size(); ++t) {
    threads.emplace_back([&results, t] {
      MagicMime own;  // libmagic handles are not thread-safe: one per thread
      for (int i = 0; i < 50; ++i) results[t] = mime(own, "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n");
    });
  }
  for (auto& th : threads) th.join();
  for (const auto& r : results) CHECK(r == "application/pdf");
}

}  // namespace triage
